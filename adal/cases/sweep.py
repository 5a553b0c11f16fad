"""The deadline sweep: reminders, escalation of overdue and very overdue cases, closing of answered
cases. Every step claims its case with a conditional UPDATE, so two sweeps at once never act twice."""

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from adal.cases.models import IS_OPEN, Case, CaseEvent, State
from adal.cases.notifications import notify_case_staff_many
from adal.cases.tally import case_key, tally_apply
from adal.core.audit import audit_record_many

BATCH = 500


def deadlines_sweep(*, now: dt.datetime, by) -> dict:
    """``by`` is the system actor that runs it (the worker, or the ``sweep`` command)."""
    return {
        "reminded": _remind(now, by),
        "overdue": _escalate(now, by, level=1),
        "very_overdue": _escalate(now, by, level=2),
        "closed": _close_answered(now, by),
    }


def _remind(now, by) -> int:
    due = Case.objects.filter(IS_OPEN, remind_at__lte=now)
    with transaction.atomic():
        cases = _claim(due.order_by("remind_at"), remind_at=None)
        _record(cases, "reminder", by=by)
    return len(cases)


def _escalate(now, by, *, level: int) -> int:
    """Level 1: past due, to the unit's head. Level 2: very overdue, to the next level's head."""
    moment = "due_at" if level == 1 else "escalate_at"
    due = Case.objects.filter(IS_OPEN, overdue_level=level - 1, **{f"{moment}__lt": now})
    with transaction.atomic():
        cases = _claim(due.order_by(moment), overdue_level=level, version=F("version") + 1)
        _record(cases, "overdue" if level == 1 else "very_overdue", by=by)
    return len(cases)


def _claim(due, **changes) -> list[Case]:
    """Lock a batch of due cases, the longest due first, and change them. A second sweep at the same moment
    skips the locked rows (PostgreSQL) or waits for this transaction and then finds them no longer due
    (SQLite's IMMEDIATE transactions admit one writer at a time), so no case is acted on twice.

    ``due`` is ordered by its moment so that the database walks that moment's index and stops at the
    batch's end; ordered by id it walked the primary key through a million cases to find none due."""
    pks = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:BATCH])
    if not pks:
        return []
    Case.objects.filter(pk__in=pks).update(**changes)
    return list(Case.objects.filter(pk__in=pks).select_related("report", "unit__parent", "assignee"))


def _record(cases: list[Case], kind: str, *, by, at=None, from_state="", to_state="", notify=True) -> None:
    """Each case's event and audit entry, written together for the batch, and the staff told. A change
    of state records what ``_transition`` records for it; a deadline step records the deadline."""
    at = at or timezone.now()
    moved = bool(to_state)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=c,
            at=at,
            actor_label=by.get_username(),
            kind=kind,
            from_state=from_state,
            to_state=to_state,
            data={} if moved else {"due_at": c.due_at.isoformat()},
        )
        for c in cases
    )
    audit_record_many(
        [
            {
                "action": f"case.{kind}",
                "actor": by,
                "target": c,
                "data": {"from": from_state, "to": to_state}
                if moved
                else {"from": "", "to": "", "due_at": c.due_at.isoformat()},
            }
            for c in cases
        ]
    )
    if notify:
        notify_case_staff_many(cases, kind=kind)


def _close_answered(now, by) -> int:
    """Answered cases whose time to appeal has passed, closed a batch at a time: the change, event and audit
    entry that ``case_close`` writes for one case. An appeal racing the sweep finds the version moved and
    is refused with "someone changed this case", and may then be made on the closed case."""
    due = Case.objects.filter(state=State.ANSWERED, due_at__lt=now).order_by("due_at")
    at = timezone.now()
    with transaction.atomic():
        cases = _claim(
            due,
            state=State.CLOSED,
            version=F("version") + 1,
            updated_at=at,
            closed_at=at,
            remind_at=None,
            escalate_at=None,
        )
        _record(cases, "close", by=by, at=at, from_state=State.ANSWERED, to_state=State.CLOSED, notify=False)
        _tally_closed(cases)
    return len(cases)


def _tally_closed(cases: list[Case]) -> None:
    """The closed batch moves in the case tallies from "answered" to "closed" (no other column changed)."""
    deltas = Counter()
    for c in cases:
        deltas.update(case_key(c))
        deltas.subtract(case_key(c, state=State.ANSWERED))
    tally_apply(deltas)
