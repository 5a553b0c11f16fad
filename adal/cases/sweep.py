"""The deadline sweep: reminders, escalation of overdue and very overdue cases, closing of answered
cases. Every step claims its case with a conditional UPDATE, so two sweeps at once never act twice."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from adal.cases.models import OPEN_STATES, Case, CaseEvent, State
from adal.cases.notifications import notify_case_staff_many
from adal.cases.services import SYSTEM, TransitionRefused, case_close
from adal.core.audit import audit_record_many

BATCH = 500


def deadlines_sweep(*, now: dt.datetime) -> dict:
    return {
        "reminded": _remind(now),
        "overdue": _escalate(now, level=1),
        "very_overdue": _escalate(now, level=2),
        "closed": _close_answered(now),
    }


def _remind(now) -> int:
    due = Case.objects.filter(remind_at__lte=now, state__in=OPEN_STATES)
    with transaction.atomic():
        cases = _claim(due, remind_at=None)
        _record(cases, "reminder")
    return len(cases)


def _escalate(now, *, level: int) -> int:
    """Level 1: past due, to the unit's head. Level 2: very overdue, to the next level's head."""
    moment = "due_at__lt" if level == 1 else "escalate_at__lt"
    due = Case.objects.filter(state__in=OPEN_STATES, overdue_level=level - 1, **{moment: now})
    with transaction.atomic():
        cases = _claim(due, overdue_level=level, version=F("version") + 1)
        _record(cases, "overdue" if level == 1 else "very_overdue")
    return len(cases)


def _claim(due, **changes) -> list[Case]:
    """Lock a batch of due cases and change them. A second sweep at the same moment skips the locked rows
    (PostgreSQL) or waits for this transaction and then finds them no longer due (SQLite's IMMEDIATE
    transactions admit one writer at a time), so no case is acted on twice."""
    pks = list(due.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)[:BATCH])
    if not pks:
        return []
    Case.objects.filter(pk__in=pks).update(**changes)
    return list(Case.objects.filter(pk__in=pks).select_related("report", "unit__parent", "assignee"))


def _record(cases: list[Case], kind: str) -> None:
    """Each case's event and audit entry, written together for the batch, and the staff told."""
    at = timezone.now()
    CaseEvent.objects.bulk_create(
        CaseEvent(case=c, at=at, actor_label=SYSTEM, kind=kind, data={"due_at": c.due_at.isoformat()})
        for c in cases
    )
    audit_record_many(
        [
            {
                "action": f"case.{kind}",
                "target": c,
                "data": {"from": "", "to": "", "due_at": c.due_at.isoformat()},
            }
            for c in cases
        ]
    )
    notify_case_staff_many(cases, kind=kind)


def _close_answered(now) -> int:
    done = 0
    for case in Case.objects.filter(state=State.ANSWERED, due_at__lt=now).select_related("policy")[:BATCH]:
        try:
            case_close(case=case, by=None)
        except TransitionRefused:
            continue  # appealed or closed meanwhile
        done += 1
    return done
