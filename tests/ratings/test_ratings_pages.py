"""The public pages show the figures the data holds, with no login and no script."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from adal.ratings.models import IndexValue


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def row(html: str, year: int) -> str:
    return re.search(rf'<tr data-year="{year}">(.*?)</tr>', html, re.S).group(1)


def cell(html: str, testid: str) -> str:
    return re.sub(
        r"<[^>]+>", "", re.search(rf'data-testid="{testid}">(.*?)</td>', html, re.S).group(1)
    ).strip()


def test_kazakhstan_history_in_the_cpi_and_the_gci(client, demo):
    html = page(client, reverse("ratings:country", args=["KAZ"]))
    assert "Kazakhstan in international ratings" in html
    r2023, r2012 = row(html, 2023), row(html, 2012)
    assert (cell(r2023, "score"), cell(r2023, "rank"), cell(r2023, "se"), cell(r2023, "ci")) == (
        "39",
        "93 of 180",
        "3.20",
        "33.8–44.2",
    )
    assert (cell(r2012, "score"), cell(r2012, "rank"), cell(r2012, "ci")) == ("28", "—", "21.3–34.7*")
    assert [int(y) for y in re.findall(r'<tr data-year="(\d+)">', html)] == [*range(2023, 2011, -1), 2019]
    gci = re.search(r'data-testid="values-wef-gci">(.*?)</table>', html, re.S).group(1)
    assert (cell(row(gci, 2019), "score"), cell(row(gci, 2019), "rank")) == ("62.9", "55 of 141")
    assert "Global Competitiveness Report 2019" in gci
    assert "not published after 2019" in html


def test_the_position_and_the_target_with_its_gap(client, demo):
    html = page(client, reverse("ratings:country", args=["KAZ"]))
    assert "In 2023: rank 93 of 180 countries." in re.sub(r"\s+", " ", html)
    targets = re.sub(r"\s+", " ", re.search(r'data-testid="targets-cpi">(.*?)</ul>', html, re.S).group(1))
    assert "Top 50 by 2025" in targets
    assert "rank 93 in 2023 — places to climb: 43" in targets


def test_the_chart_is_inline_svg_with_a_band_and_one_point_a_year(client, demo):
    html = page(client, reverse("ratings:country", args=["KAZ"]))
    svg = re.search(r'<svg[^>]*aria-labelledby="chart-cpi-title chart-cpi-desc".*?</svg>', html, re.S).group(
        0
    )
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count('class="point"') == 12
    assert svg.count('class="band"') == 1  # 2012–2023 without a gap
    assert "<script" not in html


def test_chart_coordinates_stay_unlocalised_in_russian(client, demo):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = page(client, reverse("ratings:country", args=["KAZ"]))
    assert "Индекс восприятия коррупции" in html
    circles = re.findall(r'<circle class="point" cx="([^"]+)" cy="([^"]+)"', html)
    assert circles and all("," not in x + y for x, y in circles)
    assert "33,8–44,2" in html  # the table speaks Russian


def test_every_countrys_ranking_of_a_year(client, demo):
    html = page(client, reverse("ratings:ranking", args=["cpi", 2023]), country="KAZ")
    ranking = re.search(r'data-testid="ranking">(.*?)</table>', html, re.S).group(1)
    assert ranking.count("<tr id=") == 180
    assert re.search(r'<tr id="KAZ" class="highlight">\s*<td class="num">93</td>', html)
    assert html.index('id="DNK"') < html.index('id="FIN"') < html.index('id="KAZ"')


def test_years_without_published_ranks_are_listed_by_score(client, demo):
    html = page(client, reverse("ratings:ranking", args=["cpi", 2012]))
    scores = [int(s) for s in re.findall(r'</a></th>\s*<td class="num">(\d+)</td>', html)]
    assert len(scores) == IndexValue.objects.filter(year=2012).count() == 175
    assert scores == sorted(scores, reverse=True)


def test_the_what_if_analysis(client, demo):
    html = page(client, reverse("ratings:what_if", args=["cpi", 2023, "KAZ"]))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "The score 39 is the mean of 9 sources, 38.75, rounded" in text
    # 38.754…: a ninth of (39.5 − 38.754…) × 9 = 6.73838 more in any one source lifts it to 40.
    assert "Any one source rising by 6.74 points, the others as they are, would lift the score to 40." in text
    sources = re.findall(r'<tr data-source="([^"]+)">', html)
    assert sources[0] == "Economist Intelligence Unit Country Ratings"  # 19.79: it holds the score down most
    assert len(sources) == 9


def test_a_what_if_scenario(client, demo):
    url = reverse("ratings:what_if", args=["cpi", 2023, "KAZ"])
    html = page(client, url, source="Economist Intelligence Unit Country Ratings", change="6.74")
    outcome = re.sub(r"\s+", " ", re.search(r'data-testid="outcome">(.*?)</p>', html, re.S).group(1))
    assert "the score would be 40" in outcome
    rank_40 = IndexValue.objects.filter(year=2023, score__gt=40).count() + 1
    assert f"rank {rank_40} among" in outcome
    bad = client.get(url, {"source": "Economist Intelligence Unit Country Ratings", "change": "90"})
    assert bad.status_code == 400
    assert "outside the 0–100 scale" in bad.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        reverse("ratings:country", args=["XYZ"]),
        reverse("ratings:ranking", args=["cpi", 2030]),
        reverse("ratings:ranking", args=["nope", 2023]),
        reverse("ratings:what_if", args=["cpi", 2022, "KAZ"]),  # no source scores for 2022
        reverse("ratings:what_if", args=["wef-gci", 2019, "KAZ"]),
    ],
)
def test_what_is_not_there_is_404(client, demo, url):
    assert client.get(url).status_code == 404


def test_the_overview_lists_indices_and_picks_a_country(client, demo):
    html = page(client, reverse("ratings:home"))
    assert "Corruption Perceptions Index" in html and "2012–2023" in html
    assert "Control of Corruption" in html and "none yet" in html
    response = client.get(reverse("ratings:home"), {"country": "DNK"})
    assert response["Location"] == reverse("ratings:country", args=["DNK"])


def test_one_year_reads_as_a_year_and_the_picker_opens_on_the_home_country(client, demo):
    html = page(client, reverse("ratings:home"))
    gci = re.search(r"Global Competitiveness Index.*?</tr>", html, re.S).group(0)
    assert "2019" in gci and "2019–2019" not in gci
    assert re.search(r'<option value="KAZ"[^>]*selected', html)


def test_an_index_held_for_one_year_shows_its_value_as_a_figure_not_a_chart(client, demo):
    html = page(client, reverse("ratings:country", args=["KAZ"]))
    assert 'aria-labelledby="chart-wef-gci-title' not in html
    single = re.sub(
        r"<[^>]+>|\s+", " ", re.search(r'data-testid="single-wef-gci">(.*?)</p>', html, re.S).group(1)
    )
    assert "62.9" in single and "in 2019, the only year held" in single
    assert 'aria-labelledby="chart-cpi-title' in html


def test_a_country_without_ratings(client, db):
    html = page(client, reverse("ratings:country", args=["KAZ"]))
    assert "No index rates this country yet." in html


def test_the_api_gives_a_countrys_history(client, demo):
    indices = client.get("/api/v1/stats/ratings").json()
    assert [i["code"] for i in indices] == ["cpi", "wgi-cc", "wef-gci"]
    data = client.get("/api/v1/stats/ratings/cpi/kaz").json()
    assert (data["iso3"], len(data["values"])) == ("KAZ", 12)
    latest = data["values"][-1]
    assert (latest["year"], float(latest["score"]), latest["rank"], latest["countries"]) == (
        2023,
        39,
        93,
        180,
    )
    assert float(latest["se"]) == 3.195811 and latest["computed"] == []
    assert data["values"][0]["computed"] == ["ci"]
    assert client.get("/api/v1/stats/ratings/cpi/XYZ").status_code == 404
