from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adal.hotline.models import Message, Report, Status

# What each state means for the person who reported, in plain words.
PLAIN_STATUS = {
    Status.REGISTERED: _(
        "Your report has been registered. An operator will check it and pass it to the unit responsible "
        "for your region."
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
    status_text: str
    deadlines: list[Deadline]
    messages: list[Message]


def reporter_inbox(report: Report) -> InboxView:
    now = timezone.now()
    deadlines = [
        Deadline(
            _("The report is checked and sent to the responsible unit by"),
            report.triage_due_at,
            report.triage_due_at < now,
        ),
        Deadline(_("You receive an answer by"), report.answer_due_at, report.answer_due_at < now),
    ]
    messages = list(report.messages.prefetch_related("attachments"))
    return InboxView(
        report, str(PLAIN_STATUS.get(report.status, report.get_status_display())), deadlines, messages
    )
