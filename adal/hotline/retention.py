"""The hotline's side of the retention purge: what of a report is content, and how it goes.

The cases app decides *when* a report's content is purged (its case's policy, the case's end, a legal
hold) and calls ``report_content_purge`` inside its own transaction. A hotline model that holds content
joins the purge with one line in ``REPORT_CONTENT`` below (see adal.core.retention).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adal.core.audit import audit_record
from adal.core.permissions import NotAllowed, SystemActor
from adal.core.retention import Blank, Delete, PurgeSteps
from adal.hotline.models import (
    Attachment,
    Message,
    Report,
    ReporterIdentity,
    Transcript,
    TranscriptCorrection,
)

# What stays of a report: its registration number, receipt hash, dates, channel, category, region,
# district, identity mode and language (the statistics), and each message's direction and dates (the
# shape of the conversation). Messages' bodies, the text and the identity go; files and their names go.
REPORT_CONTENT = PurgeSteps()
REPORT_CONTENT.add("attachments", Delete(Attachment, "report", files="stored_name"))
REPORT_CONTENT.add("messages", Blank(Message, "report", body=""))
REPORT_CONTENT.add("report", Blank(Report, "pk", content={}))
# The identity's envelope: deleting its row destroys the data key, and with it the identity.
REPORT_CONTENT.add("identity", Delete(ReporterIdentity, "report"))
# A call's or visit's transcript is the reporter's account itself; the corrections too. Their dates and
# kinds stay (when it was written, checked and confirmed), the words go.
REPORT_CONTENT.add("transcript_corrections", Blank(TranscriptCorrection, "transcript__report", text=""))
REPORT_CONTENT.add("transcripts", Blank(Transcript, "report", text=""))


def report_content_purge(*, report: Report, by: SystemActor) -> dict[str, int]:
    """Purge the report's content; answer how many rows each step touched. Only the code acts here (the
    retention job, through its case): nobody signed in purges a report by hand."""
    if not isinstance(by, SystemActor):
        raise NotAllowed(_("Content is purged by the retention job alone."))
    with transaction.atomic():
        counts = REPORT_CONTENT.run(report)
        Report.objects.filter(pk=report.pk).update(purged_at=timezone.now())
        audit_record(action="report.content_purged", actor=by, target=report, data=counts)
    report.refresh_from_db()
    return counts
