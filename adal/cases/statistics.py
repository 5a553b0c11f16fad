"""The hotline's tallies for public statistics: the one place that counts cases for the portal.

Every figure the portal, its API, open data and the period report publish about the hotline starts
here, as raw tallies per group; adal.portal.figures turns them into published figures (labels,
intervals, suppression). A period of whole days (as the portal asks) is read from CaseCohort, the counts
that every change of a case keeps (adal/cases/tally.py): a year's rows of one grouping rather than a year's
cases; any other period is counted from the cases themselves, with the same definitions.

Definitions (the methodology page states them for the public):

* a case is *received* in a period when it was registered in it (start event: registration);
* it is *answered* when the answer was sent to the reporter (stop event: ``answered_at``), whenever
  that happened up to now;
* it is *due* when it is answered, or still open with its answer deadline passed — redirected, merged
  and left-without-consideration cases leave the count, as no answer on the merits is owed;
* it is answered *on time* when the answer was sent by its deadline, which includes an extension
  lawfully granted (15 working days from registration under the default policy);
* *working days to answer* count the working days after the day of registration up to and including
  the day of the answer, on the Kazakh calendar with its exceptions (Almaty time).

The counts keep the day an open case's answer is due, not the moment: an answer deadline is the end of a
day (23:59:59, adal.cases.clocks), so "due before now" is "due on a day before today", except in the last
second of a day, when the counts take the case as due one second later than the cases' own count.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from adal.cases.clocks import local_date
from adal.cases.models import IS_OPEN, OPEN_STATES, Case, CaseCohort
from adal.cases.selectors import Period, cases_in_period
from adal.cases.tally import NOT_ANSWERED, NOT_DUE, PENDING, day_number, outcome_key
from adal.core.models import Territory
from adal.core.workdays import calendar, local_zone

DIMENSIONS = ("region", "category", "channel", "outcome", "unit")
NO_UNIT = ""  # the unit of a case not yet routed
__all__ = [
    "DIMENSIONS",
    "NO_UNIT",
    "PENDING",
    "Tally",
    "case_tallies",
    "case_tallies_by",
    "first_registration",
    "open_overdue",
]


@dataclass
class Tally:
    received: int = 0
    due: int = 0
    answered: int = 0
    answered_on_time: int = 0
    # The answered cases by their working days to answer ({days: cases}): the quartiles need no more, and a
    # year of a million cases has a few dozen distinct values, not a value per case.
    working_days: Counter[int] = field(default_factory=Counter)

    def add(self, other: "Tally") -> None:
        self.received += other.received
        self.due += other.due
        self.answered += other.answered
        self.answered_on_time += other.answered_on_time
        self.working_days.update(other.working_days)


COLUMNS = ("region__kato", "category", "channel", "outcome", "state", "unit_id")
KEY_OF = {"region": 0, "category": 1, "channel": 2, "outcome": 3, "unit": 5}


def _key(row: tuple, by: str) -> str:
    if by == "outcome":
        return outcome_key(row[3], row[4])
    value = row[KEY_OF[by]]
    return NO_UNIT if value is None else str(value)


def case_tallies(period: Period, by: str, *, now: dt.datetime | None = None) -> dict[str, Tally]:
    """The cases received in the period, tallied per group of `by` (one of DIMENSIONS)."""
    return case_tallies_by(period, (by,), now=now)[by]


def case_tallies_by(
    period: Period, groupings: tuple[str, ...], *, now: dt.datetime | None = None
) -> dict[str, dict[str, Tally]]:
    """``case_tallies`` of each of ``groupings``, read at once: a page that shows several reads them in
    one statement rather than one each."""
    unknown = [by for by in groupings if by not in DIMENSIONS]
    if unknown:
        raise ValueError(f"no grouping by {unknown[0]!r}")
    now = now or timezone.now()
    days = whole_days(period)
    if days is None:
        return _tallies_of_cases(period, groupings, now)
    return _tallies_of_cohort(*days, groupings, now)


def whole_days(period: Period) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a period that starts and ends at midnight in Kazakhstan."""
    start, end = period.start.astimezone(local_zone()), period.end.astimezone(local_zone())
    if start.time() != dt.time.min or end.time() != dt.time.min or end <= start:
        return None
    return start.date(), end.date() - dt.timedelta(days=1)


def _cohort_rows(first: dt.date, last: dt.date) -> Q:
    """The cohort's rows of the days from ``first`` to ``last``: a whole month's row (YYYYMM00) for each
    month the period covers whole, the day rows of the months it covers in part."""
    months, q = [], Q(pk__in=[])
    month = first.replace(day=1)
    while month <= last:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        start, end = max(first, month), min(last, following - dt.timedelta(days=1))
        if start == month and end == following - dt.timedelta(days=1):
            months.append(day_number(month) - 1)  # YYYYMM01 - 1 = YYYYMM00
        else:
            q |= Q(registered_day__gte=day_number(start), registered_day__lte=day_number(end))
        month = following
    return q | Q(registered_day__in=months) if months else q


def _tallies_of_cohort(
    first: dt.date, last: dt.date, groupings: tuple[str, ...], now: dt.datetime
) -> dict[str, dict[str, Tally]]:
    today = day_number(local_date(now))
    # A row per grouping, group and working days to answer (NOT_ANSWERED for the unanswered), with the sums
    # each count needs: a year by unit is some 8,600 rows (a unit's answers take a hundred-odd working days).
    summed = (
        CaseCohort.objects.filter(_cohort_rows(first, last), grouped_by__in=groupings)
        .exclude(n=0)
        .values_list("grouped_by", "group_key", "answered_days")
        .annotate(
            total=Sum("n"),
            in_time=Sum("n", filter=Q(on_time=True)),
            past_due=Sum("n", filter=Q(due_day__gt=NOT_DUE, due_day__lt=today)),
        )
        .order_by()
    )
    # Read as the database returns them: the ORM's conversions of each value cost more than the sums.
    with connection.cursor() as cursor:
        cursor.execute(*summed.query.sql_with_params())
        rows = cursor.fetchall()
    every: dict[str, dict[str, Tally]] = {by: {} for by in groupings}
    for by, key, answered_days, n, in_time, past_due in rows:  # the loop every row passes: kept lean
        tallies = every[by]
        t = tallies.get(key)
        if t is None:
            t = tallies[key] = Tally()
        t.received += n
        if answered_days == NOT_ANSWERED:
            t.due += past_due or 0
        else:
            t.answered += n
            t.answered_on_time += in_time or 0
            t.working_days[answered_days] = n  # one row per group and working days
    for tallies in every.values():
        for t in tallies.values():
            t.due += t.answered  # an answered case is due
    if "region" in every:
        every["region"] = _by_kato(every["region"])
    return every


def _by_kato(tallies: dict[str, Tally]) -> dict[str, Tally]:
    """The cohort keeps a region's id; the statistics name it by its KATO code."""
    kato = dict(Territory.objects.filter(pk__in=[int(k) for k in tallies]).values_list("pk", "kato"))
    merged: dict[str, Tally] = {}
    for key, t in tallies.items():
        merged.setdefault(kato[int(key)], Tally()).add(t)
    return merged


def _tallies_of_cases(
    period: Period, groupings: tuple[str, ...], now: dt.datetime
) -> dict[str, dict[str, Tally]]:
    cal = calendar()
    rows = (
        cases_in_period(period)
        .order_by()
        .values_list(*COLUMNS, "registered_at", "answered_at", "answer_due_at")
        .iterator(chunk_size=5000)
    )
    every: dict[str, dict[str, Tally]] = {by: {} for by in groupings}
    for row in rows:
        registered_at, answered_at, answer_due_at = row[-3:]
        days = None
        if answered_at is not None:
            days = cal.working_days_between(local_date(registered_at), local_date(answered_at))
        past_due = answered_at is None and row[4] in OPEN_STATES and answer_due_at < now
        for by, tallies in every.items():
            t = tallies.setdefault(_key(row, by), Tally())
            t.received += 1
            if days is not None:
                t.due += 1
                t.answered += 1
                t.answered_on_time += answered_at <= answer_due_at
                t.working_days[days] += 1
            elif past_due:
                t.due += 1
    return every


def open_overdue(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Open cases past their current deadline now, and of them the very overdue (escalated)."""
    now = now or timezone.now()
    # One pass over the open cases' due-date index (IS_OPEN: the partial index SQLite can use).
    return Case.objects.filter(IS_OPEN, due_at__lt=now).aggregate(
        overdue=Count("pk"), very_overdue=Count("pk", filter=Q(overdue_level__gte=2))
    )


def first_registration() -> dt.datetime | None:
    """When the oldest case was registered: where a period with data can start."""
    first = Case.objects.order_by("registered_at").values_list("registered_at", flat=True).first()
    return first
