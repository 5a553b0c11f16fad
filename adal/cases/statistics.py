"""The hotline's tallies for public statistics: the one place that counts cases for the portal.

Every figure the portal, its API, open data and the period report publish about the hotline starts
here, as raw tallies per group; adal.portal.figures turns them into published figures (labels,
intervals, suppression). When the per-transition summary table arrives, only this module changes.

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
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from adal.cases.clocks import local_date
from adal.cases.models import OPEN_STATES, Case, State
from adal.cases.selectors import Period, cases_in_period
from adal.core.workdays import calendar

DIMENSIONS = ("region", "category", "channel", "outcome", "unit")
SIDE_EXITS = (State.REDIRECTED, State.MERGED, State.LEFT_WITHOUT_CONSIDERATION)
PENDING = "pending"  # the outcome of a case not decided yet
NO_UNIT = ""  # the unit of a case not yet routed


@dataclass
class Tally:
    received: int = 0
    due: int = 0
    answered: int = 0
    answered_on_time: int = 0
    working_days: list[int] = field(default_factory=list)  # one per answered case

    def add(self, other: "Tally") -> None:
        self.received += other.received
        self.due += other.due
        self.answered += other.answered
        self.answered_on_time += other.answered_on_time
        self.working_days += other.working_days


COLUMNS = ("region__kato", "category", "channel", "outcome", "state", "unit_id")
KEY_OF = {"region": 0, "category": 1, "channel": 2, "outcome": 3, "unit": 5}


def _key(row: tuple, by: str) -> str:
    if by == "outcome":
        outcome, state = row[3], row[4]
        return outcome or (state if state in SIDE_EXITS else PENDING)
    value = row[KEY_OF[by]]
    return NO_UNIT if value is None else str(value)


def case_tallies(period: Period, by: str, *, now: dt.datetime | None = None) -> dict[str, Tally]:
    """The cases received in the period, tallied per group of `by` (one of DIMENSIONS)."""
    if by not in DIMENSIONS:
        raise ValueError(f"no grouping by {by!r}")
    now = now or timezone.now()
    cal = calendar()
    rows = (
        cases_in_period(period)
        .order_by()
        .values_list(*COLUMNS, "registered_at", "answered_at", "answer_due_at")
        .iterator(chunk_size=5000)
    )
    tallies: dict[str, Tally] = {}
    for row in rows:
        registered_at, answered_at, answer_due_at = row[-3:]
        t = tallies.setdefault(_key(row, by), Tally())
        t.received += 1
        if answered_at is not None:
            t.due += 1
            t.answered += 1
            t.answered_on_time += answered_at <= answer_due_at
            t.working_days.append(
                cal.working_days_between(local_date(registered_at), local_date(answered_at))
            )
        elif row[4] in OPEN_STATES and answer_due_at < now:
            t.due += 1
    return tallies


def open_overdue(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Open cases past their current deadline now, and of them the very overdue (escalated)."""
    now = now or timezone.now()
    qs = Case.objects.filter(state__in=OPEN_STATES, due_at__lt=now)
    return {"overdue": qs.count(), "very_overdue": qs.filter(overdue_level__gte=2).count()}


def first_registration() -> dt.datetime | None:
    """When the oldest case was registered: where a period with data can start."""
    first = Case.objects.order_by("registered_at").values_list("registered_at", flat=True).first()
    return first
