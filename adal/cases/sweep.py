"""The deadline sweep: reminders, escalation of overdue and very overdue cases, closing of answered
cases. Every step claims its case with a conditional UPDATE, so two sweeps at once never act twice."""

import datetime as dt

from django.db import transaction
from django.db.models import F

from adal.cases.models import OPEN_STATES, Case, State
from adal.cases.notifications import notify_case_staff
from adal.cases.services import TransitionRefused, _event, case_close

BATCH = 500


def deadlines_sweep(*, now: dt.datetime) -> dict:
    return {
        "reminded": _remind(now),
        "overdue": _escalate(now, level=1),
        "very_overdue": _escalate(now, level=2),
        "closed": _close_answered(now),
    }


def _remind(now) -> int:
    done = 0
    due = Case.objects.filter(remind_at__lte=now, state__in=OPEN_STATES).values_list("pk", "remind_at")[
        :BATCH
    ]
    for pk, remind_at in due:
        with transaction.atomic():
            if not Case.objects.filter(pk=pk, remind_at=remind_at).update(remind_at=None):
                continue  # another sweep got there first
            case = Case.objects.select_related("report", "unit", "assignee").get(pk=pk)
            _event(case, None, "reminder", data={"due_at": case.due_at.isoformat()})
            notify_case_staff(case, kind="reminder")
        done += 1
    return done


def _escalate(now, *, level: int) -> int:
    """Level 1: past due, to the unit's head. Level 2: very overdue, to the next level's head."""
    moment = "due_at__lt" if level == 1 else "escalate_at__lt"
    candidates = Case.objects.filter(state__in=OPEN_STATES, overdue_level=level - 1, **{moment: now})
    done = 0
    for pk in candidates.values_list("pk", flat=True)[:BATCH]:
        with transaction.atomic():
            claimed = Case.objects.filter(pk=pk, overdue_level=level - 1, state__in=OPEN_STATES).update(
                overdue_level=level, version=F("version") + 1
            )
            if not claimed:
                continue
            case = Case.objects.select_related("report", "unit__parent", "assignee").get(pk=pk)
            kind = "overdue" if level == 1 else "very_overdue"
            _event(case, None, kind, data={"due_at": case.due_at.isoformat()})
            notify_case_staff(case, kind=kind)
        done += 1
    return done


def _close_answered(now) -> int:
    done = 0
    for case in Case.objects.filter(state=State.ANSWERED, due_at__lt=now).select_related("policy")[:BATCH]:
        try:
            case_close(case=case, by=None)
        except TransitionRefused:
            continue  # appealed or closed meanwhile
        done += 1
    return done
