"""The portal's hotline statistics, API and pages over two years of demo cases."""

import datetime as dt

import pytest
from django.urls import reverse

from adal.cases.models import Case
from adal.core.models import Role
from adal.core.permissions import SYSTEM
from adal.portal.figures import COUNTS, case_statistics
from adal.roadmap.models import Programme, Stage
from adal.roadmap.services import programme_save, progress_confirm, progress_report, stage_save
from adal.stats.rates import wilson_interval
from tests.conftest import demo_case_volume, demo_units, make_staff
from tests.roadmap.conftest import add_measure

API = "/api/v1/stats/cases"
EN = {"accept-language": "en"}


@pytest.fixture
def volume(db):
    return demo_case_volume(demo_units(), per_day=2.5)


def test_the_api_answers_groups_with_intervals_and_medians(client, volume):
    body = client.get(API, {"from": "2025-01-01", "to": "2025-06-30", "by": "region"}).json()
    assert body["period"] == {"first_day": "2025-01-01", "last_day": "2025-06-30"}
    shown = [g for g in body["groups"] if not g["suppressed"]]
    assert shown
    for g in shown:
        low, high = wilson_interval(g["answered_on_time"], g["due"])
        assert (g["on_time_ci_low"], g["on_time_ci_high"]) == pytest.approx((low, high))
        assert g["on_time_share"] == pytest.approx(g["answered_on_time"] / g["due"])
        assert g["median_working_days"] is not None
    received = Case.objects.filter(registered_at__date__range=("2025-01-01", "2025-06-30")).count()
    assert abs(body["total"]["received"] - received) <= 10  # the day boundary is Almaty's, not UTC's


def test_no_small_count_is_published_and_no_hidden_one_stands_alone(client, volume):
    for by in ("region", "unit", "channel"):
        body = client.get(API, {"from": "2025-03-01", "to": "2025-03-31", "by": by}).json()
        for column in COUNTS:
            values = [g[column] for g in body["groups"]]
            assert not any(v is not None and 0 < v < 5 for v in values), (by, column)
            hidden = [v for v in values if v is None]
            assert len(hidden) != 1 or body["total"][column] is None, (by, column)
    quiet = [g for g in body["groups"] if g["suppressed"]]
    assert all(g["on_time_share"] is None or g["answered_on_time"] is not None for g in quiet)


def test_units_get_a_funnel_and_are_listed_by_name_not_rank(volume):
    stats = case_statistics(dt.date(2025, 1, 1), dt.date(2025, 12, 31), "unit")
    assert stats.funnel is not None and stats.funnel.points
    labels = [g.label for g in stats.groups]
    assert labels == sorted(labels, key=str.casefold)
    assert any(g.suppressed for g in stats.groups)  # the small district offices
    assert any(p.side != 0 for p in stats.funnel.points) or len(stats.funnel.points) > 5


def test_the_api_refuses_a_bad_grouping_or_period(client, db):
    assert client.get(API, {"by": "colour"}).status_code == 422
    assert client.get(API, {"from": "2025-02-01", "to": "2025-01-01"}).status_code == 422


def test_the_statistics_page_shows_the_funnel_and_intervals(client, volume):
    html = client.get(
        reverse("portal:statistics"), {"from": "2025-01-01", "to": "2025-12-31"}
    ).content.decode()
    assert 'data-testid="funnel"' in html and '<title id="funnel-title">' in html
    assert "n = " in html
    assert 'data-testid="by-region"' in html and 'data-testid="by-unit"' in html
    assert 'data-suppressed="1"' in html


def test_the_dashboard_shows_every_block_and_the_map_of_the_period(client, volume):
    html = client.get(
        reverse("portal:dashboard"), {"from": "2025-01-01", "to": "2025-12-31"}
    ).content.decode()
    for key in ("hotline", "councils", "discipline"):
        assert f'data-testid="block-{key}"' in html
    assert html.count('<rect width="84"') == 20
    old = client.get(reverse("portal:dashboard"), {"from": "2019-07-01", "to": "2019-12-31"}).content.decode()
    period_map = old.split('data-testid="region-map"')[1].split("</svg>")[0]
    assert period_map.count('<rect width="84"') == 17  # the map of 2019: no Abai, Zhetisu or Ulytau yet


def test_the_councils_statistics_moved_to_the_portal(client, db):
    response = client.get("/councils/statistics/?from=2019-07-01&to=2019-12-31")
    assert response.status_code == 301
    assert response["Location"] == f"{reverse('portal:councils')}?from=2019-07-01&to=2019-12-31"


def test_the_methodology_defines_every_figure(client, db):
    html = client.get(reverse("portal:methodology"), headers={"accept-language": "kk"}).content.decode()
    assert "Мерзімі келген істер" in html
    # Which figures the small-numbers rule covers, and why the councils' and discipline's do not need it.
    assert "Кеңестер және партиялық жауапкершілік" in html
    assert "шағын сандар ережесі оларға қолданылмайды" in html


def test_the_dashboard_shows_the_road_map_as_of_the_periods_end(client, units):
    plan = programme_save(
        programme=Programme(
            code="ac-2025", title_ru="Антикоррупционная программа", title_en="Anti-corruption programme",
            starts_on=dt.date(2019, 1, 1), ends_on=dt.date(2025, 12, 31),
        ),
        by=SYSTEM,
    )  # fmt: skip
    second = stage_save(
        stage=Stage(
            programme=plan, code="s2", number=2, title_ru="Второй этап", title_en="Second stage",
            starts_on=dt.date(2020, 4, 1), ends_on=dt.date(2025, 12, 31),
        ),
        by=SYSTEM,
    )  # fmt: skip
    add_measure(plan, second, "late", deadline=dt.date(2024, 12, 31))
    done = add_measure(plan, second, "done", deadline=dt.date(2024, 12, 31))
    report = progress_report(
        measure=done, by=SYSTEM, percent=100, text="Law adopted.", as_of=dt.date(2024, 6, 1)
    )
    progress_confirm(report=report, by=make_staff("analyst", Role.ANALYST, units["centre"])[0])

    def dashboard(first, last):
        query = {"from": first, "to": last}
        return client.get(reverse("portal:dashboard"), query, headers=EN).content.decode()

    html = dashboard("2025-01-01", "2025-06-30")
    assert (
        'data-testid="block-roadmap"' in html
        and "Anti-corruption programme" in html
        and "Second stage" in html
    )
    assert "1 on track, 0 at risk, 1 off track" in html  # "late" passed its deadline undone
    assert 'data-testid="block-roadmap"' not in dashboard("2018-01-01", "2018-06-30")  # not begun yet
