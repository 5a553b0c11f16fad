"""Indicators: typed values keep their source; a live indicator's actual values are computed from what
the platform holds (a rating's score or rank, the perception index of a wave, hotline timeliness,
council meetings held), never typed."""

import datetime as dt
from decimal import Decimal

import pytest

from adal.cases.models import Case, RoutingRule
from adal.cases.tally import tally_rebuild
from adal.core.permissions import SYSTEM
from adal.councils.services import council_create, meeting_record_held
from adal.demo.scenario import build_routing, build_units
from adal.demo.volume import build_case_volume
from adal.portal.figures import case_statistics
from adal.ratings.models import Country, Index, IndexValue
from adal.roadmap import sources
from adal.roadmap.models import Indicator, IndicatorYear, LiveSource
from adal.roadmap.selectors import indicator_years, indicators_of
from adal.roadmap.services import RoadmapRefused, indicator_save, indicator_year_save
from adal.survey.models import Wave
from tests.cases.test_statistics import answer
from tests.cases.test_transitions import accepted
from tests.councils.factories import plan, seat
from tests.survey.conftest import instrument, make_wave, margins  # noqa: F401  (fixtures)


def indicator(programme, code, source="", key="", **fields):
    return indicator_save(
        indicator=Indicator(
            programme=programme, code=code, title_ru=code, source=source, source_key=key, **fields
        ),
        by=SYSTEM,
    )


def year(ind, y, **values):
    return indicator_year_save(row=IndicatorYear(indicator=ind, year=y, **values), by=SYSTEM)


@pytest.fixture
def cpi(db):
    index = Index.objects.create(
        code="cpi", name_ru="ИВК", name_kk="СЖҚИ", name_en="CPI", publisher="TI", scale_min=0, scale_max=100
    )
    kaz = Country.objects.get(iso3="KAZ")
    for y, score, rank in [(2019, 34, 113), (2020, 38, 94), (2021, 37, 102)]:
        IndexValue.objects.create(index=index, country=kaz, year=y, score=score, rank=rank, countries=180)
    return index


def by_year(rows):
    return {r.year: (r.baseline, r.target, r.actual, r.computed) for r in rows}


def test_a_typed_indicator_keeps_its_values_and_their_source(programme):
    ind = indicator(programme, "laws")
    year(ind, 2019, baseline=Decimal(0))
    year(ind, 2021, actual=Decimal(2), source="Мажилис, 2021")
    year(ind, 2025, target=Decimal(4))
    rows = indicator_years(ind)
    assert by_year(rows) == {
        2019: (0, None, None, False),
        2021: (None, None, 2, False),
        2025: (None, 4, None, False),
    }
    assert rows[1].source == "Мажилис, 2021"


def test_a_typed_actual_needs_its_source(programme):
    ind = indicator(programme, "laws")
    with pytest.raises(RoadmapRefused):
        year(ind, 2021, actual=Decimal(2))


def test_a_live_indicators_actual_cannot_be_typed(programme, cpi):
    ind = indicator(programme, "cpi-score", LiveSource.RATING_SCORE, "cpi")
    with pytest.raises(RoadmapRefused):
        year(ind, 2020, actual=Decimal(99), source="typed")


def test_the_cpi_score_and_rank_come_from_the_ratings(programme, cpi):
    score = indicator(programme, "cpi-score", LiveSource.RATING_SCORE, "cpi")
    year(score, 2019, baseline=Decimal(34))
    rank = indicator(programme, "cpi-rank", LiveSource.RATING_RANK, "cpi", higher_is_better=False)
    year(rank, 2025, target=Decimal(50))  # the top 50 by 2025
    assert by_year(indicator_years(score)) == {
        2019: (34, None, 34, True),
        2020: (None, None, 38, True),
        2021: (None, None, 37, True),
    }
    assert by_year(indicator_years(rank))[2020] == (None, None, 94, True)
    assert by_year(indicator_years(rank))[2025] == (None, 50, None, False)


def test_a_new_rating_value_shows_at_once(programme, cpi):
    score = indicator(programme, "cpi-score", LiveSource.RATING_SCORE, "cpi")
    IndexValue.objects.create(index=cpi, country=Country.objects.get(iso3="KAZ"), year=2022, score=36)
    assert by_year(indicator_years(score))[2022] == (None, None, 36, True)


def test_the_perception_index_is_the_published_waves(programme, instrument, margins):  # noqa: F811
    wave = make_wave(instrument, margins, code="2021", start=dt.date(2021, 9, 1), end=dt.date(2021, 10, 15))
    draft = make_wave(instrument, margins, code="2022", start=dt.date(2022, 9, 1), end=dt.date(2022, 10, 15))
    results = {"national": {"index": {"estimate": 41.25, "se": 1.0, "ci_low": 39.3, "ci_high": 43.2}}}
    Wave.objects.filter(pk=wave.pk).update(state=Wave.State.PUBLISHED, results=results)
    Wave.objects.filter(pk=draft.pk).update(results=results)  # not published: not counted
    ind = indicator(programme, "npi", LiveSource.SURVEY_INDEX)
    assert by_year(indicator_years(ind)) == {2021: (None, None, Decimal("41.25"), True)}


def test_council_meetings_held_are_counted_by_year(programme, units):
    council = council_create(
        unit=units["centre"], name_ru="Совет", name_kk="Кеңес", name_en="Council", by=SYSTEM
    )
    members = seat(council, 3)
    for day in (dt.date(2020, 3, 2), dt.date(2020, 9, 1), dt.date(2021, 2, 1)):
        meeting_record_held(meeting=plan(council, day), present=members, held_on=day, by=SYSTEM)
    plan(council, dt.date(2021, 6, 1))  # planned, not held
    ind = indicator(programme, "meetings", LiveSource.COUNCIL_MEETINGS)
    held = {y: a for y, (_, _, a, _) in by_year(indicator_years(ind)).items() if a}
    assert held == {2020: 2, 2021: 1}


def _answered(org, new_case, received_at, *, late=False):
    case = answer(org, accepted(org, new_case, received_at=received_at))
    answered_at = case.answer_due_at + dt.timedelta(days=1) if late else case.registered_at
    Case.objects.filter(pk=case.pk).update(answered_at=answered_at)


def test_hotline_timeliness_counts_real_cases_as_the_portal_does(programme, org, new_case):
    """Of the reports due, those answered by their deadline: an open report past its deadline is due
    and not on time, so it lowers the share (answered alone would give 6 of 8)."""
    received = dt.datetime(2024, 3, 4, 10, tzinfo=dt.UTC)
    for _ in range(6):
        _answered(org, new_case, received)
    for _ in range(2):
        _answered(org, new_case, received, late=True)
    for _ in range(2):
        accepted(org, new_case, received_at=received)  # open, its deadline long passed
    new_case(received_at=dt.datetime(2023, 5, 1, tzinfo=dt.UTC))  # 2023: too few to publish
    tally_rebuild()  # the answers' moments were written past the services, as a bulk loader's are
    ind = indicator(programme, "on-time", LiveSource.HOTLINE_ON_TIME)
    assert by_year(indicator_years(ind)) == {2024: (None, None, Decimal(60), True)}
    portal = case_statistics(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert portal.total.on_time.share == 0.6


def test_hotline_timeliness_equals_the_portals_figure_for_a_year_of_cases(programme):
    units = build_units()
    if not RoutingRule.objects.exists():
        build_routing(units)
    build_case_volume(units, now=dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC), per_day=1.5)
    ind = indicator(programme, "on-time", LiveSource.HOTLINE_ON_TIME)
    actual = {r.year: r.actual for r in indicator_years(ind)}
    for y in (2024, 2025):
        portal = case_statistics(dt.date(y, 1, 1), dt.date(y, 12, 31)).total.on_time
        assert actual[y] == Decimal(str(round(100 * portal.share, 4)))
    assert 0 < actual[2025] < 100


def test_a_past_year_without_council_meetings_counts_zero(programme, units):
    council = council_create(
        unit=units["centre"], name_ru="Совет", name_kk="Кеңес", name_en="Council", by=SYSTEM
    )
    members = seat(council, 3)
    meeting_record_held(
        meeting=plan(council, dt.date(2022, 3, 2)), present=members, held_on=dt.date(2022, 3, 2), by=SYSTEM
    )
    ind = indicator(programme, "meetings", LiveSource.COUNCIL_MEETINGS)
    actual = {r.year: r.actual for r in indicator_years(ind)}
    assert actual[2021] == 0 and actual[2022] == 1 and actual[2023] == 0
    assert sources.council_meetings("", [2021, dt.date.today().year + 1]) == {2021: 0}  # not the future


def test_the_programme_lists_its_indicators(programme, cpi):
    indicator(programme, "a")
    indicator(programme, "b", LiveSource.RATING_SCORE, "cpi")
    assert [v.indicator.code for v in indicators_of(programme)] == ["a", "b"]
