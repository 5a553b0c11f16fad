from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adal.cases.models import OPEN_STATES, TRIAGE_STATES, Case, State
from adal.hotline.models import Message, Report

# What each state means for the person who reported, in plain words.
PLAIN_STATUS = {
    State.REGISTERED: _(
        "Your report has been registered. An operator will check it and pass it to the unit "
        "responsible for your region."
    ),
    State.TRIAGE: _("An operator is checking your report to pass it to the unit responsible for it."),
    State.ACCEPTED: _(
        "Your report has been accepted and sent to the responsible unit. An officer will be assigned to it."
    ),
    State.ASSIGNED: _("An officer has been assigned to your report and will review it."),
    State.IN_REVIEW: _(
        "Your report is being reviewed. The officer may ask you for details here, or send "
        "requests to state bodies."
    ),
    State.DECIDED: _("A decision has been taken on your report. You will receive the answer shortly."),
    State.ANSWERED: _("You have received the answer. You may rate it, or appeal once if you disagree."),
    State.CLOSED: _(
        "Work on your report is finished. You may still appeal once if you disagree with the answer."
    ),
    State.REDIRECTED: _(
        "Your report has been sent to the authority competent to decide it; see the message below."
    ),
    State.MERGED: _("Your report is handled together with another report about the same facts."),
    State.LEFT_WITHOUT_CONSIDERATION: _(
        "Your report was left without consideration; the reason is in the message below."
    ),
    State.REOPENED: _(
        "Your appeal has been accepted: the report is being reviewed again by the next level up."
    ),
}


@dataclass(frozen=True)
class Deadline:
    label: str
    due_at: object
    overdue: bool


@dataclass(frozen=True)
class InboxView:
    report: Report
    case: Case
    status_text: str
    deadlines: list[Deadline]
    messages: list[Message]

    @property
    def can_appeal(self) -> bool:
        return self.case.state in (State.ANSWERED, State.CLOSED) and not self.case.appealed_at

    @property
    def can_rate(self) -> bool:
        return self.case.state in (State.ANSWERED, State.CLOSED) and self.case.reporter_rating is None


def reporter_deadlines(case: Case) -> list[Deadline]:
    now = timezone.now()
    deadlines = []
    if case.state in TRIAGE_STATES:
        deadlines.append(
            Deadline(
                _("The report is checked and sent to the responsible unit by"),
                case.triage_due_at,
                case.triage_due_at < now,
            )
        )
    if case.state in OPEN_STATES:
        label = (
            _("You receive an answer by (extended)") if case.extended_at else _("You receive an answer by")
        )
        deadlines.append(Deadline(label, case.answer_due_at, case.answer_due_at < now))
    return deadlines


def reporter_inbox(report: Report) -> InboxView:
    case = Case.objects.get(report=report)
    messages = list(report.messages.prefetch_related("attachments"))
    return InboxView(report, case, str(PLAIN_STATUS[case.state]), reporter_deadlines(case), messages)
