"""Live sources of indicators' actual values: each reads another app through that app's selectors, so an
indicator linked to one shows what the platform knows, never a figure typed beside it.

A source is a function ``(key, years) -> {year: value}`` registered under a ``LiveSource`` kind with
``@live_source``; it answers only the years it has data for. ``key`` says which one where a kind has
several (the rating's code, e.g. ``cpi``).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from adal.cases.selectors import Period
from adal.cases.statistics import Tally, case_tallies
from adal.core.workdays import local_zone
from adal.councils.selectors import meetings_held
from adal.ratings.models import IndexValue
from adal.ratings.selectors import home_country
from adal.roadmap.models import Indicator, LiveSource
from adal.stats.disclosure import suppress
from adal.stats.rates import share
from adal.survey.selectors import published_waves

type Source = Callable[[str, list[int]], dict[int, Decimal]]
SOURCES: dict[str, Source] = {}


def live_source(kind: str) -> Callable[[Source], Source]:
    if kind not in LiveSource.values or not kind:
        raise KeyError(f"unknown live source {kind!r}")

    def register(source: Source) -> Source:
        SOURCES[kind] = source
        return source

    return register


def live_actuals(indicator: Indicator, years: Iterable[int]) -> dict[int, Decimal]:
    """The indicator's actual values by year from its live source ({} for a typed indicator)."""
    if not indicator.is_live:
        return {}
    return SOURCES[indicator.source](indicator.source_key, sorted(set(years)))


def year_period(year: int) -> Period:
    """A calendar year in Almaty time."""
    return Period(
        dt.datetime(year, 1, 1, tzinfo=local_zone()), dt.datetime(year + 1, 1, 1, tzinfo=local_zone())
    )


def _rating(key: str, years: list[int], figure: str) -> dict[int, Decimal]:
    country = home_country()
    if country is None:
        return {}
    rows = IndexValue.objects.filter(index__code=key, country=country, year__in=years)
    return {year: Decimal(value) for year, value in rows.values_list("year", figure) if value is not None}


@live_source(LiveSource.RATING_SCORE)
def rating_score(key: str, years: list[int]) -> dict[int, Decimal]:
    return _rating(key, years, "score")


@live_source(LiveSource.RATING_RANK)
def rating_rank(key: str, years: list[int]) -> dict[int, Decimal]:
    return _rating(key, years, "rank")


@live_source(LiveSource.SURVEY_INDEX)
def survey_index(key: str, years: list[int]) -> dict[int, Decimal]:
    """The national index of the last wave published whose fieldwork ended in the year."""
    found: dict[int, Decimal] = {}
    for wave in published_waves().filter(fieldwork_end__year__in=years).order_by("fieldwork_end", "id"):
        estimate = wave.results.get("national", {}).get("index", {}).get("estimate")
        if estimate is not None:
            found[wave.fieldwork_end.year] = Decimal(str(round(estimate, 4)))
    return found


def _past_years(years: list[int]) -> list[int]:
    this_year = dt.datetime.now(local_zone()).year
    return [y for y in years if y <= this_year]


def on_time_share(period: Period) -> Decimal | None:
    """The share of the period's reports answered on time, %, as the portal counts it
    (adal.cases.statistics): of those due, the ones answered by their deadline. None when no report
    was due, or when the portal would hide the national figure as too few cases."""
    whole = Tally()
    for tally in case_tallies(period, "region").values():
        whole.add(tally)
    counts = [whole.received, whole.due, whole.answered, whole.answered_on_time]
    if any(suppress([counts]).cells[0]):
        return None
    found = share(whole.answered_on_time, whole.due)
    return None if found is None else Decimal(str(round(100 * found.share, 4)))


@live_source(LiveSource.HOTLINE_ON_TIME)
def hotline_on_time(key: str, years: list[int]) -> dict[int, Decimal]:
    """Of the reports registered in the year and due, the share answered by their deadline, %."""
    shares = {year: on_time_share(year_period(year)) for year in _past_years(years)}
    return {year: value for year, value in shares.items() if value is not None}


@live_source(LiveSource.COUNCIL_MEETINGS)
def council_meetings(key: str, years: list[int]) -> dict[int, Decimal]:
    """Council meetings held in the year (at every level); a past year with none held counts 0."""
    return {year: Decimal(meetings_held(year_period(year)).count()) for year in _past_years(years)}
