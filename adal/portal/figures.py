"""The hotline's published figures: tallies from adal.cases.statistics turned into what the public sees,
with labels in the reader's language, Wilson intervals, quartiles, funnel limits, and the small cells
hidden by adal.stats.disclosure. The pages, the API, open data and the period report all take their
hotline figures from here, so that a count hidden on one is hidden on all.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from adal.cases.models import Outcome, State
from adal.cases.selectors import cases_in_period
from adal.cases.statistics import NO_UNIT, PENDING, Tally, case_tallies_by, open_overdue
from adal.core.models import Territory, Unit
from adal.core.selectors import names_on, unit_names_on
from adal.councils.selectors import last_full_half_year, period_of_days
from adal.councils.services import today
from adal.hotline.models import Category, Channel
from adal.stats.disclosure import THRESHOLD, suppress
from adal.stats.rates import (
    FUNNEL_LEVELS,
    FunnelLimits,
    Quartiles,
    Share,
    funnel_curve,
    funnel_limits_at,
    outside,
    quartiles_of_counts,
    share,
)

# The nested counts of a group, in the order adal.stats.disclosure nests them.
COUNTS = ("received", "due", "answered", "answered_on_time")

DIMENSION_LABELS = {
    "region": _("Region"),
    "category": _("Category"),
    "channel": _("Channel"),
    "outcome": _("Outcome"),
    "unit": _("Responsible unit"),
}


@dataclass(frozen=True)
class Figure:
    """One group's published figures; None where a count (or what derives from it) is suppressed."""

    key: str
    label: str
    received: int | None
    due: int | None
    answered: int | None
    answered_on_time: int | None
    on_time: Share | None
    working_days: Quartiles | None
    suppressed: bool

    def as_row(self) -> dict:
        """The figure as one flat row, for the API, CSV and JSON."""
        on_time, days = self.on_time, self.working_days
        return {
            "key": self.key,
            "label": self.label,
            **{name: getattr(self, name) for name in COUNTS},
            "on_time_share": on_time.share if on_time else None,
            "on_time_ci_low": on_time.low if on_time else None,
            "on_time_ci_high": on_time.high if on_time else None,
            "median_working_days": days.median if days else None,
            "working_days_q1": days.q1 if days else None,
            "working_days_q3": days.q3 if days else None,
            "suppressed": self.suppressed,
        }


@dataclass(frozen=True)
class FunnelPoint:
    key: str
    label: str
    n: int
    share: float
    side: int  # −1 below the 99.8% limits, +1 above, 0 within them
    side_95: int


@dataclass(frozen=True)
class Funnel:
    target: float  # the national share answered on time
    points: list[FunnelPoint]
    curves: dict[float, list[FunnelLimits]]  # by level: the limits along n


@dataclass(frozen=True)
class CaseStatistics:
    first: dt.date
    last: dt.date
    by: str
    groups: list[Figure]
    total: Figure
    funnel: Funnel | None

    @property
    def by_label(self) -> str:
        return str(DIMENSION_LABELS[self.by])


# ---------------------------------------------------------------- periods


def has_cases(first: dt.date, last: dt.date) -> bool:
    return cases_in_period(period_of_days(first, last)).exists()


def default_period(on: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last full half-year if any case was received in it, else the twelve months up to `on`."""
    on = on or today()
    first, last = last_full_half_year(on)
    if has_cases(first, last):
        return first, last
    return on - dt.timedelta(days=364), on


# ---------------------------------------------------------------- labels


def group_labels(by: str, keys: list[str], on: dt.date) -> dict[str, str]:
    """Each group's name in the reader's language; a region's and a unit's as they were named on ``on``."""
    if by == "region":
        return {
            kato: named.name for kato, named in names_on(Territory.objects.filter(kato__in=keys), on).items()
        }
    if by == "unit":
        units = Unit.objects.filter(pk__in=[int(k) for k in keys if k])
        named = {str(pk): n.name for pk, n in unit_names_on(units, on).items()}
        return named | {NO_UNIT: str(_("Not yet routed to a unit"))}
    if by == "category":
        return {k: str(Category(k).label) for k in keys if k in Category.values}
    if by == "channel":
        return {k: str(Channel(k).label) for k in keys if k in Channel.values}
    outcomes = {k: str(v) for k, v in Outcome.choices} | {k: str(v) for k, v in State.choices}
    return outcomes | {PENDING: str(_("Not decided yet"))}


# ---------------------------------------------------------------- figures


def _figure(key: str, label: str, tally: Tally, hidden: list[bool]) -> Figure:
    counts = {c: None if h else getattr(tally, c) for c, h in zip(COUNTS, hidden, strict=True)}
    on_time = share(tally.answered_on_time, tally.due) if counts["answered_on_time"] is not None else None
    days = quartiles_of_counts(tally.working_days) if counts["answered"] is not None else None
    return Figure(key, label, **counts, on_time=on_time, working_days=days, suppressed=any(hidden))


def case_statistics(first: dt.date, last: dt.date, by: str = "region") -> CaseStatistics:
    """The hotline's figures for the cases received from `first` to `last` (both included), by `by`."""
    return case_statistics_by(first, last, (by,))[by]


def case_statistics_by(
    first: dt.date, last: dt.date, groupings: tuple[str, ...]
) -> dict[str, CaseStatistics]:
    """``case_statistics`` by each of ``groupings``, their tallies read at once."""
    every = case_tallies_by(period_of_days(first, last), groupings)
    return {by: _statistics(first, last, by, every[by]) for by in groupings}


def _statistics(first: dt.date, last: dt.date, by: str, tallies: dict[str, Tally]) -> CaseStatistics:
    labels = group_labels(by, list(tallies), first)
    keys = sorted(tallies, key=lambda k: (labels.get(k, k).casefold(), k))  # by name: never a league table
    rows = [[getattr(tallies[k], c) for c in COUNTS] for k in keys]
    hidden = suppress(rows, THRESHOLD)
    groups = [
        _figure(k, labels.get(k, k), tallies[k], cells) for k, cells in zip(keys, hidden.cells, strict=True)
    ]
    whole = Tally()
    for t in tallies.values():
        whole.add(t)
    totals_hidden = hidden.totals or [False] * len(COUNTS)  # no groups: a total of zeros
    total = _figure("", str(_("All cases")), whole, _nested(totals_hidden))
    funnel = _funnel(groups, total) if by == "unit" else None
    return CaseStatistics(first, last, by, groups, total, funnel)


def _nested(hidden: list[bool]) -> list[bool]:
    return [any(hidden[: i + 1]) for i in range(len(hidden))]


def _funnel(groups: list[Figure], total: Figure) -> Funnel | None:
    if total.on_time is None:
        return None
    target = total.on_time.share
    shown = [g for g in groups if g.on_time is not None]
    n_max = max((g.on_time.n for g in shown), default=0)
    curves = {level: funnel_curve(target, max(n_max, 10), level) for level in FUNNEL_LEVELS}
    wide, narrow = max(FUNNEL_LEVELS), min(FUNNEL_LEVELS)
    ns = [g.on_time.n for g in shown]
    limits = zip(funnel_limits_at(target, ns, wide), funnel_limits_at(target, ns, narrow), strict=True)
    points = [
        FunnelPoint(
            g.key,
            g.label,
            g.on_time.n,
            g.on_time.share,
            side=outside(g.on_time.share, at_wide),
            side_95=outside(g.on_time.share, at_narrow),
        )
        for g, (at_wide, at_narrow) in zip(shown, limits, strict=True)
    ]
    return Funnel(target, points, curves)


# ---------------------------------------------------------------- now


def overdue_now() -> dict[str, int]:
    """Open cases past their deadline now. Not suppressed: a national count of a state, not of people."""
    return open_overdue()
