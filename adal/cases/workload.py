"""The cases' share of the workspace page: my overdue cases, mine due this week, new cases waiting in my
unit, disclosure requests to decide; each count links to the queue filtered the same way."""

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from adal.cases.clocks import local_date
from adal.cases.disclosure import disclosures_for_custodian
from adal.cases.models import TRIAGE_STATES, State
from adal.cases.selectors import QueueFilters, _filtered
from adal.core import workload
from adal.core.permissions import may


def _queue(**params) -> str:
    return reverse("cases:queue") + "?" + urlencode(params)


def case_needs(user) -> list[workload.Need]:
    needs = []
    if may(user, "case.read_content"):
        week_end = local_date(timezone.now()) + dt.timedelta(days=7)
        overdue = _filtered(user, QueueFilters(assignee="me", overdue=True)).count()
        due = _filtered(user, QueueFilters(assignee="me", due_before=week_end)).count()
        new = _filtered(user, QueueFilters(assignee="none")).exclude(state__in=TRIAGE_STATES).count()
        triage = _filtered(user, QueueFilters(state=State.REGISTERED)).count()
        needs += [
            workload.Need(_("My overdue cases"), overdue, _queue(assignee="me", overdue="on"), urgent=True),
            workload.Need(
                _("My cases due within a week"), due, _queue(assignee="me", due_before=week_end.isoformat())
            ),
            workload.Need(_("New cases in my unit without an officer"), new, _queue(assignee="none")),
            workload.Need(_("Reports waiting for triage"), triage, _queue(state=State.REGISTERED)),
        ]
    if may(user, "identity.approve"):
        pending = disclosures_for_custodian(user).filter(state="pending").count()
        needs.append(workload.Need(_("Disclosure requests to decide"), pending, reverse("cases:disclosures")))
    return needs


def register() -> None:
    workload.register("cases", case_needs)
