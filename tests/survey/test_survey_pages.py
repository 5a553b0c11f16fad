"""The public pages of the index show what the microdata give when computed directly, here, from the
stored answers and final weights: the index and its CI for the country and each region, and the change
between the two demo waves with its test. The methodology page is the instrument's own record."""

import re
from html import unescape

import numpy as np
import pytest
from django.urls import reverse
from scipy import stats

from adal.core.permissions import SYSTEM
from adal.demo.survey import INSTRUMENT, build_survey
from adal.survey.models import Wave
from adal.survey.storage import columns_read

COMPONENT_SHARES = {c["code"]: c["weight"] / 1.0 for c in INSTRUMENT["components"]}


@pytest.fixture
def demo(db):
    return build_survey(by=SYSTEM)


def page(client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return unescape(response.content.decode())


def respondents(wave: Wave) -> dict[str, np.ndarray]:
    items = [i["code"] for i in INSTRUMENT["items"]]
    return columns_read(wave.microdata, ["region", "psu", "final_weight", *items])


def component_scores(data: dict) -> dict[str, np.ndarray]:
    """Each respondent's component scores from the instrument's scoring, NaN where none applies."""
    scores = {}
    for item in INSTRUMENT["items"]:
        if item.get("role") == "sector":
            continue
        table = {o["code"]: o["score"] for o in item["options"]}
        answers = data[item["code"]].tolist()
        score = np.array([np.nan if table.get(a) is None else table[a] for a in answers], dtype=float)
        if "condition" in item:
            score[~np.isin(data[item["condition"]["item"]], item["condition"]["codes"])] = np.nan
        scores[item["code"]] = (item["component"], item.get("weight", 1), score)
    result = {}
    for component in COMPONENT_SHARES:
        parts = [(w, s) for c, w, s in scores.values() if c == component]
        total = sum(np.where(np.isnan(s), 0, s) * w for w, s in parts)
        weight = sum(~np.isnan(s) * w for w, s in parts)
        result[component] = np.where(weight > 0, total / np.where(weight > 0, weight, 1), np.nan)
    return result


def index_by_hand(data: dict, inside: np.ndarray) -> dict:
    """The index of a domain: Σ a_c ȳ_c, with the linearised SE of that sum, stratified by region
    with PSUs (with replacement), and the t interval on PSUs − strata degrees of freedom."""
    w, components = data["final_weight"], component_scores(data)
    share_total = sum(COMPONENT_SHARES.values())
    estimate, z = 0.0, np.zeros(w.size)
    for code, y in components.items():
        has = inside & ~np.isnan(y)
        carried = w[has].sum()
        mean = (w[has] * y[has]).sum() / carried
        share = COMPONENT_SHARES[code] / share_total
        estimate += share * mean
        z += share * np.where(has, w * (np.nan_to_num(y) - mean) / carried, 0.0)
    psu_sums = np.bincount(data["psu"], weights=z)
    psu_region = np.zeros(psu_sums.size, dtype=np.int64)
    psu_region[data["psu"]] = data["region"]
    variance = 0.0
    for region in np.unique(data["region"]):
        sums = psu_sums[psu_region == region]
        variance += sums.size / (sums.size - 1) * ((sums - sums.mean()) ** 2).sum()
    se = np.sqrt(variance)
    t = stats.t.ppf(0.975, psu_sums.size - np.unique(data["region"]).size)
    return {"estimate": estimate, "se": se, "ci_low": estimate - t * se, "ci_high": estimate + t * se}


def shown(value: float) -> str:
    return f"{round(value, 1):.1f}"


def test_the_national_and_regional_figures_equal_a_direct_computation(client, demo):
    wave = Wave.objects.get(code="2025")
    data = respondents(wave)
    everyone = np.ones(data["region"].size, dtype=bool)
    national = index_by_hand(data, everyone)
    stored = wave.results["national"]["index"]
    for key in ("estimate", "se", "ci_low", "ci_high"):
        assert stored[key] == pytest.approx(national[key], rel=1e-9), key

    html = page(client, reverse("survey:wave", args=["2025"]))
    assert re.search(r'data-testid="national-index">([\d.]+)<', html)[1] == shown(national["estimate"])
    ci = re.search(r'data-testid="national-ci">([^<]+)<', html)[1]
    assert ci == f"{shown(national['ci_low'])}–{shown(national['ci_high'])}"

    for kato in ("150000000", "750000000", "620000000"):
        regional = index_by_hand(data, data["region"] == int(kato))
        assert wave.results["regions"][kato]["index"]["estimate"] == pytest.approx(
            regional["estimate"], rel=1e-9
        )
        assert wave.results["regions"][kato]["index"]["se"] == pytest.approx(regional["se"], rel=1e-9)
        row = re.search(rf'<tr data-kato="{kato}">(.*?)</tr>', html, re.S)[1]
        assert re.search(r'class="index">([\d.]+)<', row)[1] == shown(regional["estimate"])
        assert re.search(r'class="ci">([^<]+)<', row)[1] == (
            f"{shown(regional['ci_low'])}–{shown(regional['ci_high'])}"
        )


def test_regions_are_ranked_and_drawn_with_their_intervals(client, demo):
    html = page(client, reverse("survey:wave", args=["2025"]))
    wave = Wave.objects.get(code="2025")
    ranked = sorted(wave.results["regions"], key=lambda k: -wave.results["regions"][k]["index"]["estimate"])
    assert re.findall(r'<tr data-kato="(\d+)">', html) == ranked
    svg = re.search(r'<svg class="survey-bars".*?</svg>', html, re.S)[0]
    assert len(re.findall(r"<rect ", svg)) == 20
    assert len(re.findall(r"<line ", svg)) == 20 * 3 + 5  # each bar's interval and its two caps; 5 ticks


def test_the_change_since_the_last_wave_is_tested(client, demo):
    first, second = Wave.objects.get(code="2024"), Wave.objects.get(code="2025")
    html = page(client, reverse("survey:wave", args=["2025"]))
    for kato, significant in (
        ("150000000", True),
        ("430000000", True),
        ("470000000", True),
        ("710000000", False),
    ):
        a = index_by_hand(respondents(first), respondents(first)["region"] == int(kato))
        b = index_by_hand(respondents(second), respondents(second)["region"] == int(kato))
        difference, se = b["estimate"] - a["estimate"], np.hypot(a["se"], b["se"])
        assert bool(abs(difference / se) > 1.96) is significant
        row = re.search(rf'<tr data-kato="{kato}">(.*?)</tr>', html, re.S)[1]
        change = re.search(r'class="survey-change[^"]*">([^<]+)<', row)[1]
        assert change == ("+" if difference > 0 else "−") + shown(abs(difference))
        assert ("(significant," in row) is significant
    assert "This is the first published wave" in page(client, reverse("survey:wave", args=["2024"]))
    assert first.results["national"]["index"]["estimate"] < second.results["national"]["index"]["estimate"]


def test_the_index_page_lists_the_waves_with_the_latest_first(client, demo):
    html = page(client, reverse("survey:index"))
    latest = Wave.objects.get(code="2025").results["national"]["index"]
    assert re.search(r'data-testid="latest-index">([\d.]+)<', html)[1] == shown(latest["estimate"])
    assert html.index("2025 wave") < html.index("2024 wave")


def test_the_component_and_sector_tables(client, demo):
    html = page(client, reverse("survey:wave", args=["2025"]))
    wave = Wave.objects.get(code="2025")
    components = component_scores(respondents(wave))
    w = respondents(wave)["final_weight"]
    for code, y in components.items():
        has = ~np.isnan(y)
        row = re.search(rf'<tr data-component="{code}">(.*?)</tr>', html, re.S)[1]
        assert re.search(r'class="score">([\d.]+)<', row)[1] == shown((w[has] * y[has]).sum() / w[has].sum())
    none = re.search(r'<tr data-sector="0">(.*?)</tr>', html, re.S)[1]
    assert "Used none" in none and 'class="index">—<' in none  # no bribery question, so no index
    health = re.search(r'<tr data-sector="2">(.*?)</tr>', html, re.S)[1]
    assert "Health care" in health and re.search(r'class="index">[\d.]+<', health)


def test_the_methodology_page_is_the_instruments_record(client, demo):
    html = page(client, reverse("survey:methodology", args=["2025"]))
    for item in INSTRUMENT["items"]:
        block = re.search(
            rf'<details class="action" open data-item="{item["code"]}">(.*?)</details>', html, re.S
        )[1]
        assert item["text"]["en"] in block
        for option in item["options"]:
            assert option["label"]["en"] in block
    prevalence = re.search(r'data-item="q1_prevalence">(.*?)</details>', html, re.S)[1]
    assert re.search(r"<td>2</td><td>Fairly widespread</td><td>33.3</td>", prevalence)
    assert "not counted (item non-response)" in prevalence
    assert "Asked only of respondents who answered sector with: Education, Health care" in html
    for component in INSTRUMENT["components"]:
        assert f"<td>{component['name']['en']}</td>" in html
    assert "<td>30.0 %</td>" in html and "<td>20.0 %</td>" in html
    assert "Illustrative figures for the demo" in html
    wave = Wave.objects.get(code="2025")
    assert (
        re.search(r'data-testid="kish-deff">([\d.]+)<', html)[1] == f"{wave.weighting['final']['deff']:.3f}"
    )
    population = wave.margins.cells.filter(dimension="settlement").get(settlement=1).population
    assert f"<td>{population:,}</td>" in html  # thousands grouped, as English writes them


def test_a_draft_wave_is_not_public(client, demo):
    Wave.objects.filter(code="2025").update(state=Wave.State.DRAFT)
    assert client.get(reverse("survey:wave", args=["2025"])).status_code == 404
    assert client.get(reverse("survey:methodology", args=["2025"])).status_code == 404
    html = page(client, reverse("survey:index"))
    assert "2025 wave" not in html


def test_the_index_page_without_waves(client, db):
    assert "No survey wave has been published yet." in page(client, reverse("survey:index"))
