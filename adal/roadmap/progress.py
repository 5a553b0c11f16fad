"""The road map's arithmetic, in plain Python: how a parent's progress rolls up from its children, what a
measure's status is, and its red/amber/green rating. No Django here, so every rule is tested on its own
and the pages, the API and the exports all read the same numbers.

Progress is a percentage, 0–100. A cancelled measure takes no part in its parent's roll-up.

Roll-up methods (chosen per parent, and named on the page):

- ``weighted_mean``: Σ weight × progress / Σ weight. A missing weight counts as 1 (the default); a
  weight of 0 leaves the child out. When every weight is 0, every child counts alike (a plain mean):
  a parent whose children all weigh nothing is still as far along as they are.
- ``share_done``: the share of children that are done (progress 100), as a percentage.
- ``minimum``: the least progress among the children: the parent is as far as its slowest part.

A parent with no child left to count (none, or all cancelled) has progress 0.

The RAG rule. *Expected progress* is the share of the measure's time that has passed, from its start
to its deadline (in working days where the programme counts them), as a percentage: 0 before the start,
100 from the deadline on. Then, for a measure that is not cancelled:

- GREEN: done (progress 100), or progress is at least the expected progress minus ``AMBER_AFTER`` (10)
  points;
- AMBER: behind by more than 10 points and at most ``RED_AFTER`` (25) points;
- RED: behind by more than 25 points, or the deadline has passed and the measure is not done.

A cancelled measure has no rating. The rule is never typed: it is computed each time from the deadline
and the confirmed progress.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WEIGHTED_MEAN = "weighted_mean"
SHARE_DONE = "share_done"
MINIMUM = "minimum"
ROLLUPS = (WEIGHTED_MEAN, SHARE_DONE, MINIMUM)

DONE = 100.0
AMBER_AFTER = 10.0  # points behind expected progress before a measure turns amber
RED_AFTER = 25.0  # points behind before it turns red

GREEN, AMBER, RED = "green", "amber", "red"

PLANNED, IN_PROGRESS, FINISHED, OVERDUE, CANCELLED = "planned", "in_progress", "done", "overdue", "cancelled"

type DayCounter = Callable[[dt.date, dt.date], int]


@dataclass(frozen=True)
class Child:
    progress: float
    weight: float | None = 1.0


def clamp(value: float) -> float:
    return max(0.0, min(DONE, float(value)))


def weighted_mean(children: Sequence[Child]) -> float:
    weights = [1.0 if c.weight is None else float(c.weight) for c in children]
    if any(w < 0 for w in weights):
        raise ValueError("a weight cannot be negative")
    total = sum(weights)
    if total == 0:  # every weight zero: each child counts alike
        return sum(c.progress for c in children) / len(children)
    return sum(w * c.progress for w, c in zip(weights, children, strict=True)) / total


def share_done(children: Sequence[Child]) -> float:
    return DONE * sum(c.progress >= DONE for c in children) / len(children)


def minimum(children: Sequence[Child]) -> float:
    return min(c.progress for c in children)


METHODS: dict[str, Callable[[Sequence[Child]], float]] = {
    WEIGHTED_MEAN: weighted_mean,
    SHARE_DONE: share_done,
    MINIMUM: minimum,
}


def roll_up(method: str, children: Sequence[Child]) -> float:
    """A parent's progress from its (not cancelled) children, by the parent's method."""
    if method not in METHODS:
        raise ValueError(f"unknown roll-up method {method!r}")
    if not children:
        return 0.0
    return clamp(METHODS[method]([Child(clamp(c.progress), c.weight) for c in children]))


def calendar_days(start: dt.date, end: dt.date) -> int:
    return (end - start).days


def expected_progress(
    start: dt.date, deadline: dt.date, today: dt.date, days: DayCounter = calendar_days
) -> float:
    """The share of the measure's time that has passed, as a percentage (``days`` counts the time:
    calendar days, or working days where the programme says so)."""
    if today <= start:
        return 0.0
    if today >= deadline:
        return DONE
    span = days(start, deadline)
    if span <= 0:
        return DONE
    return clamp(DONE * days(start, today) / span)


def rag(
    *,
    progress: float,
    start: dt.date,
    deadline: dt.date,
    today: dt.date,
    cancelled: bool = False,
    days: DayCounter = calendar_days,
) -> str | None:
    """GREEN, AMBER or RED by the rule above; None for a cancelled measure."""
    if cancelled:
        return None
    if progress >= DONE:
        return GREEN
    if today > deadline:
        return RED
    behind = expected_progress(start, deadline, today, days) - progress
    if behind <= AMBER_AFTER:
        return GREEN
    if behind <= RED_AFTER:
        return AMBER
    return RED


def status(*, progress: float, deadline: dt.date, today: dt.date, cancelled: bool = False) -> str:
    """Cancelled as decided; otherwise done at 100, overdue once the deadline has passed, in progress
    once any progress is confirmed, and planned before that."""
    if cancelled:
        return CANCELLED
    if progress >= DONE:
        return FINISHED
    if today > deadline:
        return OVERDUE
    return IN_PROGRESS if progress > 0 else PLANNED
