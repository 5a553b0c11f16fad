import datetime as dt
import logging
import re
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from adal.core.audit import audit_record
from adal.core.files import remove_stored, store_encrypted
from adal.core.iin import parse_iin
from adal.core.models import Territory, User
from adal.core.permissions import REPORTER, NotAllowed, Refused, ReporterActor
from adal.core.workdays import local_zone
from adal.hotline.files import CheckedFile, check_file
from adal.hotline.handler import handler
from adal.hotline.identity import identity_exists, identity_open, identity_seal
from adal.hotline.models import (
    PUBLIC_CATEGORIES,
    Attachment,
    Category,
    Channel,
    IdentityMode,
    Message,
    RegistrationCounter,
    Report,
    ReporterIdentity,
    RetaliationKind,
    Transcript,
    TranscriptCorrection,
)
from adal.hotline.receipts import contains_receipt, receipt_generate, receipt_hash

DESCRIPTION_MIN, DESCRIPTION_MAX = 20, 20_000
MESSAGE_MAX = 20_000
REPORT_MAX_FILES = 20
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{8,18}[0-9]$")
STAFF_CHANNELS = {Channel.PHONE, Channel.LETTER, Channel.IN_PERSON}
# Told, not written by the reporter: the operator writes them down as a transcript (art. 18).
ORAL_CHANNELS = {Channel.PHONE, Channel.IN_PERSON}
TRANSCRIPT_MAX_CORRECTIONS = 20
# A day of receipt earlier than today is taken at noon in Almaty, so that its date reads the same in UTC.
RECEIVED_ON_TIME = dt.time(12, 0)

logger = logging.getLogger(__name__)


@dataclass
class UploadedFile:
    name: str
    data: bytes


@dataclass
class ReportDraft:
    """What a reporter tells, from the web form, the API or an operator."""

    category: str
    region: str  # KATO code
    # For a phone call or a visit: the transcript or minutes the operator wrote (kept as its Transcript).
    description: str
    identity_mode: str
    language: str = "ru"
    district: str = ""
    occurred: str = ""
    place: str = ""
    persons: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    bribe_amount: Decimal | None = None
    name: str = ""
    iin: str = ""
    phone: str = ""
    email: str = ""
    # Only from an operator: whether the description of a call or a visit is a transcript or minutes,
    # and the day the report arrived (a letter's postmark or reception stamp; today when not given).
    transcript_kind: str = ""
    received_on: dt.date | None = None


@dataclass
class RetaliationDraft:
    """What a reporter tells of retaliation for their report, from its inbox."""

    kind: str  # RetaliationKind
    occurred_on: dt.date | None
    description: str
    language: str = "ru"


@dataclass
class Submitted:
    report: Report
    receipt: str


class Errors:
    """Collects every field's problems so the reporter sees them all at once."""

    def __init__(self):
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message) -> None:
        self.by_field.setdefault(name, []).append(str(message))

    def check(self, field_name: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValidationError as e:
            for message in e.messages:
                self.add(field_name, message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def report_submit(
    *,
    draft: ReportDraft,
    files: list[UploadedFile] = (),
    channel: str = Channel.WEB,
    registered_by: User | None = None,
    received_at: dt.datetime | None = None,
) -> Submitted:
    """Register a report whole, or raise ValidationError and leave nothing behind.

    ``received_at`` is the system's own moment of receipt (the demo, imports); an operator states the day
    instead (``draft.received_on``). Either way the clocks start then, not at registration."""
    if received_at is not None and draft.received_on is not None:
        raise TypeError("give the day of receipt or the moment of receipt, not both")
    now = timezone.now()
    region, district, checked, received_on_at = _validate(draft, files, channel, registered_by, now)
    received_at = received_on_at or received_at or now
    stored: list[str] = []
    tx = _Write()
    try:
        stored = [store_encrypted(f.data) for f in checked]
        for _attempt in range(3):
            receipt = receipt_generate()
            hashed = receipt_hash(receipt)  # slow by design: outside the transaction, so it holds no lock
            try:
                with tx.atomic():
                    report = _create_report(
                        draft, region, district, channel, registered_by, received_at, now, hashed
                    )
                    handler().open_case(report=report)
                    _attach(report, None, checked, stored, now)
                    audit_record(
                        action="report.registered",
                        actor=registered_by,
                        actor_label="reporter",
                        target=report,
                        data={
                            "channel": channel,
                            "files": len(checked),
                            "received_at": received_at.isoformat(),
                            "transcript": draft.transcript_kind or None,
                        },
                    )
                return Submitted(report, receipt)
            except IntegrityError:
                # Only a receipt colliding with another's could do this; draw a new one.
                continue
        raise RuntimeError("could not draw a unique receipt")
    except BaseException:
        tx.remove_unless_committed(stored)
        raise


def _create_report(draft, region, district, channel, registered_by, received_at, now, hashed) -> Report:
    oral = channel in ORAL_CHANNELS
    report = Report.objects.create(
        registration_number=_next_registration_number(now.year),
        receipt_hash=hashed,
        received_at=received_at,
        registered_at=now,
        channel=channel,
        category=draft.category,
        region=region,
        district=district,
        identity_mode=draft.identity_mode,
        language=draft.language,
        content={
            "description": "" if oral else draft.description.strip(),
            "occurred": draft.occurred.strip(),
            "place": draft.place.strip(),
            "persons": [p.strip() for p in draft.persons if p.strip()],
            "organisations": [o.strip() for o in draft.organisations if o.strip()],
            "bribe_amount": str(draft.bribe_amount) if draft.bribe_amount is not None else None,
        },
        registered_by=registered_by,
    )
    if draft.identity_mode != IdentityMode.ANONYMOUS:
        identity_seal(
            report=report,
            identity={
                "name": draft.name.strip(),
                "iin": "".join(draft.iin.split()),
                "phone": draft.phone.strip(),
                "email": draft.email.strip(),
            },
        )
    if oral:  # the operator's record of what was said is the account: one copy, in its own row
        Transcript.objects.create(
            report=report,
            kind=draft.transcript_kind,
            text=draft.description.strip(),
            written_by=registered_by,
            written_at=now,
        )
    return report


def _next_registration_number(year: int) -> str:
    # One statement instead of get-or-create, update and read: intake is the hot path, and the row lock
    # it takes serialises concurrent submissions just as well. Both SQLite and PostgreSQL speak upsert.
    table, year_col, last_col = map(
        connection.ops.quote_name, (RegistrationCounter._meta.db_table, "year", "last")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({year_col}, {last_col}) VALUES (%s, 1) "  # noqa: S608 - names are ours
            f"ON CONFLICT ({year_col}) DO UPDATE SET {last_col} = {table}.{last_col} + 1 "
            f"RETURNING {last_col}",
            [year],
        )
        (last,) = cursor.fetchone()
    return f"AC-{year}-{last:06d}"


def _attach(report, message, checked: list[CheckedFile], stored: list[str], at) -> None:
    Attachment.objects.bulk_create(
        Attachment(
            report=report,
            message=message,
            stored_name=name,
            original_name=f.name,
            content_type=f.content_type,
            size=len(f.data),
            uploaded_at=at,
        )
        for f, name in zip(checked, stored, strict=True)
    )


def _validate(draft: ReportDraft, files, channel, registered_by, now):
    errors = Errors()
    if draft.category not in dict(PUBLIC_CATEGORIES):  # retaliation is reported from the inbox
        errors.add("category", _("Choose a category from the list."))
    region = Territory.objects.filter(
        kato=draft.region, kind__in=["region", "city"], valid_to__isnull=True
    ).first()
    if region is None:
        errors.add("region", _("Choose a region from the list."))
    district = None
    if draft.district:
        district = Territory.objects.filter(kato=draft.district, kind="district").first()
        if district is None or (region is not None and district.parent_id != region.pk):
            errors.add("district", _("This district is not in the chosen region."))
            district = None
    _check_description(draft.description, errors)
    if draft.bribe_amount is not None and draft.bribe_amount < 0:
        errors.add("bribe_amount", _("The amount cannot be negative."))
    if draft.language not in dict(settings.LANGUAGES):
        errors.add("language", _("Choose Russian, Kazakh or English."))
    _validate_identity(draft, errors)
    _validate_channel(channel, registered_by, errors)
    _validate_transcript_kind(draft, channel, errors)
    received_at = _received_at(draft, channel, now, errors)
    checked = _check_files(files, errors, "files")
    errors.raise_if_any()
    return region, district, checked, received_at


def _check_description(text: str, errors: Errors) -> None:
    description = text.strip()
    if len(description) < DESCRIPTION_MIN:
        errors.add(
            "description",
            ngettext(
                "Describe what happened in at least %(n)d character.",
                "Describe what happened in at least %(n)d characters.",
                DESCRIPTION_MIN,
            )
            % {"n": DESCRIPTION_MIN},
        )
    elif len(description) > DESCRIPTION_MAX:
        errors.add(
            "description",
            ngettext(
                "The description is too long (at most %(n)d character).",
                "The description is too long (at most %(n)d characters).",
                DESCRIPTION_MAX,
            )
            % {"n": DESCRIPTION_MAX},
        )


def _validate_identity(draft: ReportDraft, errors: Errors) -> None:
    if draft.identity_mode not in IdentityMode.values:
        errors.add(
            "identity_mode", _("Choose how you want to report: anonymously, confidentially or openly.")
        )
        return
    if draft.identity_mode == IdentityMode.ANONYMOUS:
        return
    if not draft.name.strip():
        errors.add("name", _("Give your name, or choose to report anonymously."))
    if not draft.iin.strip():
        errors.add("iin", _("Give your IIN, or choose to report anonymously."))
    else:
        errors.check("iin", parse_iin, draft.iin)
    if not draft.phone.strip() and not draft.email.strip():
        errors.add("phone", _("Give a phone number or an email address so that we can contact you."))
    if draft.phone.strip() and not PHONE_RE.match(draft.phone.strip()):
        errors.add("phone", _("Enter a phone number such as +7 701 123 45 67."))
    if draft.email.strip():
        errors.check("email", validate_email, draft.email.strip())


def _validate_channel(channel: str, registered_by: User | None, errors: Errors) -> None:
    if channel not in Channel.values:
        errors.add("channel", _("Unknown channel."))
    elif (channel in STAFF_CHANNELS) != (registered_by is not None):
        errors.add("channel", _("Reports by phone, letter or in person are registered by an operator."))


def _validate_transcript_kind(draft: ReportDraft, channel: str, errors: Errors) -> None:
    if channel in ORAL_CHANNELS and draft.transcript_kind not in Transcript.Kind.values:
        errors.add(
            "transcript_kind",
            _("Say whether you wrote down a transcript or accurate minutes of what the reporter said."),
        )
    elif channel not in ORAL_CHANNELS and draft.transcript_kind:
        errors.add("transcript_kind", _("Only a phone call or a visit is written down as a transcript."))


def _received_at(draft: ReportDraft, channel: str, now: dt.datetime, errors: Errors) -> dt.datetime | None:
    """The moment of receipt the operator stated, or None for now.

    A letter needs its day: it arrived before anyone registered it, and its clocks run from then. The day
    cannot be later than today, nor so early that the answer would already have been due: a date like that
    is almost always a slip of the pen (a wrong year or month), and it would open a case that no unit could
    ever have answered in time."""
    day = draft.received_on
    if day is None:
        if channel == Channel.LETTER:
            errors.add(
                "received_on",
                _("Give the date the letter was received: its postmark or the reception stamp."),
            )
        return None
    if channel not in STAFF_CHANNELS:
        errors.add("received_on", _("Only an operator records the date a report was received."))
        return None
    today = now.astimezone(local_zone()).date()
    if day > today:
        errors.add("received_on", _("The date of receipt cannot be in the future."))
        return None
    received_at = now if day == today else dt.datetime.combine(day, RECEIVED_ON_TIME, tzinfo=local_zone())
    due = handler().answer_due(channel=channel, received_at=received_at)
    if due < now:
        errors.add(
            "received_on",
            _(
                "Check the date: the answer to a report received on %(day)s was due by %(due)s, "
                "which has passed."
            )
            % {"day": date_format(day), "due": date_format(due.astimezone(local_zone()).date())},
        )
        return None
    return received_at


def _check_files(files, errors: Errors, name: str) -> list[CheckedFile]:
    if len(files) > settings.ADAL_ATTACHMENT_MAX_COUNT:
        errors.add(
            name,
            ngettext(
                "Attach at most %(n)d file.",
                "Attach at most %(n)d files.",
                settings.ADAL_ATTACHMENT_MAX_COUNT,
            )
            % {"n": settings.ADAL_ATTACHMENT_MAX_COUNT},
        )
        return []
    checked = [errors.check(name, check_file, name=f.name, data=f.data) for f in files]
    return [c for c in checked if c is not None]


def report_find_by_receipt(receipt: str) -> Report | None:
    return Report.objects.filter(receipt_hash=receipt_hash(receipt)).first()


def reporter_message_add(
    *, report: Report, receipt: str, body: str, files: list[UploadedFile] = ()
) -> Message:
    """A message (and files) from the reporter; refused whole if anything in it is wrong."""
    errors = Errors()
    body = body.strip()
    if not body and not files:
        errors.add("body", _("Write a message or attach a file."))
    if len(body) > MESSAGE_MAX:
        errors.add(
            "body",
            ngettext(
                "The message is too long (at most %(n)d character).",
                "The message is too long (at most %(n)d characters).",
                MESSAGE_MAX,
            )
            % {"n": MESSAGE_MAX},
        )
    if contains_receipt(body, receipt):
        errors.add(
            "body",
            _(
                "Your message contains your secret receipt. Remove it: nobody, staff included, "
                "should ever ask you for it."
            ),
        )
    checked = _check_report_files(report, files, errors)
    _check_not_purged(report, errors, "body")
    errors.raise_if_any()

    def write(now, stored):
        message = Message.objects.create(
            report=report, direction=Message.Direction.FROM_REPORTER, created_at=now, body=body
        )
        _attach(report, message, checked, stored, now)
        handler().message_received(report=report)
        audit_record(
            action="report.reporter_message",
            actor_label="reporter",
            target=report,
            data={"message": message.pk, "files": len(checked)},
        )
        return message

    return _with_stored_files(checked, write)


def reporter_files_add(*, report: Report, files: list[UploadedFile]) -> list[Attachment]:
    """Evidence files added to a report after it was submitted (the API's separate upload)."""
    errors = Errors()
    if not files:
        errors.add("files", _("Attach at least one file."))
    checked = _check_report_files(report, files, errors)
    _check_not_purged(report, errors, "files")
    errors.raise_if_any()

    def write(now, stored):
        _attach(report, None, checked, stored, now)
        audit_record(
            action="report.reporter_files",
            actor_label="reporter",
            target=report,
            data={"files": len(checked)},
        )
        return list(Attachment.objects.filter(stored_name__in=stored))

    return _with_stored_files(checked, write)


# ---------------------------------------------------------------- the reporter's identity, from the inbox


def reporter_identity_make_open(*, report: Report) -> None:
    """A confidential reporter lets the unit handling their report see who they are."""
    with transaction.atomic():
        if not identity_exists(report) or not Report.objects.filter(
            pk=report.pk, identity_mode=IdentityMode.CONFIDENTIAL
        ).update(identity_mode=IdentityMode.OPEN):
            raise Refused(_("Only a confidential report with its identity can be made open."))
        report.identity_mode = IdentityMode.OPEN
        handler().identity_changed(report=report, change="opened")
        audit_record(
            action="report.identity_opened",
            actor=REPORTER,
            actor_label=REPORTER.label,
            target=report,
            data={"from": IdentityMode.CONFIDENTIAL, "to": IdentityMode.OPEN},
        )


def reporter_identity_withdraw(*, report: Report) -> None:
    """The reporter takes back their name, IIN and contacts: the envelope is deleted with its key, so the
    identity is gone for good (no approval can disclose it, no e-mail reaches them), and the report goes
    on as an anonymous one, followed with the receipt."""
    with transaction.atomic():
        was = report.identity_mode
        deleted, _rows = ReporterIdentity.objects.filter(report_id=report.pk).delete()
        if not deleted:
            raise Refused(_("This report holds no identity to withdraw."))
        Report.objects.filter(pk=report.pk).update(identity_mode=IdentityMode.ANONYMOUS)
        report.identity_mode = IdentityMode.ANONYMOUS
        handler().identity_changed(report=report, change="withdrawn")
        audit_record(
            action="report.identity_withdrawn",
            actor=REPORTER,
            actor_label=REPORTER.label,
            target=report,
            data={"from": was, "to": IdentityMode.ANONYMOUS},
        )


def retaliation_report_submit(
    *,
    report: Report,
    receipt: str,
    draft: RetaliationDraft,
    files: list[UploadedFile] = (),
    received_at: dt.datetime | None = None,
) -> Report:
    """Retaliation for ``report``, told by its reporter in its inbox: a report of its own, whose case
    protects the report's case and is handled one level up (adal.cases opens it through the handler).
    It has no receipt of its own: the reporter follows it in the same inbox, so there is no second secret
    to keep or to be made to hand over, and it is kept as the original is (same identity mode, same
    contact details). Refused whole, with nothing saved, if anything in it is wrong."""
    received_at = received_at or timezone.now()
    errors = Errors()
    if draft.kind not in RetaliationKind.values:
        errors.add("kind", _("Choose what was done to you from the list."))
    if draft.occurred_on is None:
        errors.add("occurred_on", _("Give the date when it happened, or when it began."))
    elif draft.occurred_on > received_at.astimezone(local_zone()).date():
        errors.add("occurred_on", _("The date cannot be in the future."))
    _check_description(draft.description, errors)
    _check_not_purged(report, errors, "description")
    if contains_receipt(draft.description, receipt):
        errors.add(
            "description",
            _(
                "Your message contains your secret receipt. Remove it: nobody, staff included, "
                "should ever ask you for it."
            ),
        )
    checked = _check_files(files, errors, "files")
    errors.raise_if_any()

    def write(_now, stored):
        protection = _create_retaliation_report(report, draft, received_at)
        handler().open_protection_case(report=protection, protects=report)
        _attach(protection, None, checked, stored, received_at)
        audit_record(
            action="report.retaliation_reported",
            actor_label="reporter",
            target=protection,
            data={"protects": report.registration_number, "files": len(checked)},
        )
        return protection

    return _with_stored_files(checked, write)


def _create_retaliation_report(report: Report, draft: RetaliationDraft, at: dt.datetime) -> Report:
    protection = Report.objects.create(
        registration_number=_next_registration_number(at.year),
        receipt_hash=None,
        received_at=at,
        registered_at=at,
        channel=Channel.WEB,
        category=Category.RETALIATION,
        region=report.region,
        district=report.district,
        identity_mode=report.identity_mode,
        language=draft.language if draft.language in dict(settings.LANGUAGES) else report.language,
        content={
            "description": draft.description.strip(),
            "occurred": draft.occurred_on.isoformat(),
            "place": "",
            "persons": [],
            "organisations": [],
            "bribe_amount": None,
            "retaliation_kind": draft.kind,
        },
    )
    identity = identity_open(report)
    if identity:  # the same person, kept as they chose for the original: a copy in an envelope of its own
        identity_seal(report=protection, identity=identity)
    return protection


def _check_report_files(report: Report, files, errors: Errors) -> list[CheckedFile]:
    if report.attachments.count() + len(files) > REPORT_MAX_FILES:
        errors.add(
            "files",
            ngettext(
                "A report can have at most %(n)d file.",
                "A report can have at most %(n)d files.",
                REPORT_MAX_FILES,
            )
            % {"n": REPORT_MAX_FILES},
        )
        return []
    return _check_files(files, errors, "files")


def _check_not_purged(report: Report, errors: Errors, name: str) -> None:
    if report.purged_at:
        errors.add(
            name,
            _(
                "The content of this report was purged at the end of its retention period: "
                "nothing more can be added to it."
            ),
        )


def _with_stored_files(checked: list[CheckedFile], write):
    """Store the files, then run ``write`` in one transaction; unless it commits, no file remains."""
    now = timezone.now()
    stored: list[str] = []
    tx = _Write()
    try:
        stored = [store_encrypted(f.data) for f in checked]
        with tx.atomic():
            result = write(now, stored)
        return result
    except BaseException:
        tx.remove_unless_committed(stored)
        raise


class _Write:
    """One write of rows that name stored files, and whether it reached COMMIT.

    ``transaction.atomic()`` runs the on-commit hooks in its exit, after COMMIT, so an exception out of
    it does not mean that nothing was saved: the first hook of the transaction records the commit. The
    files are removed only when their rows were not committed, and work after the commit (queuing an
    e-mail…) can neither fail the request nor undo what was saved: its failure is logged."""

    committed = False

    @contextmanager
    def atomic(self):
        try:
            with transaction.atomic():
                transaction.on_commit(self._commit_seen)
                yield
        except Exception as e:
            if not self.committed:
                raise
            # Only the error's type and place: its message may quote what was written.
            logger.error(
                "Work after a commit failed (%s); what was committed stands:\n%s",
                type(e).__name__,
                "".join(traceback.format_tb(e.__traceback__)),
            )

    def _commit_seen(self) -> None:
        self.committed = True

    def remove_unless_committed(self, stored: list[str]) -> None:
        if not self.committed:
            remove_stored(stored)


# ---------------------------------------------------------------- the reporter checks a transcript


def transcript_correct(*, report: Report, text: str, receipt: str, by) -> TranscriptCorrection:
    """The reporter's correction of the transcript of their call or visit, kept beside the original,
    which does not change. Refused once they have confirmed it."""
    _require_reporter(by)
    errors = Errors()
    text = text.strip()
    if not text:
        errors.add("text", _("Write what should be corrected."))
    elif len(text) > MESSAGE_MAX:
        errors.add(
            "text",
            ngettext(
                "The correction is too long (at most %(n)d character).",
                "The correction is too long (at most %(n)d characters).",
                MESSAGE_MAX,
            )
            % {"n": MESSAGE_MAX},
        )
    if contains_receipt(text, receipt):
        errors.add(
            "text",
            _(
                "Your message contains your secret receipt. Remove it: nobody, staff included, "
                "should ever ask you for it."
            ),
        )
    errors.raise_if_any()
    with transaction.atomic():
        transcript = _transcript_to_check(report)
        if transcript.corrections.count() >= TRANSCRIPT_MAX_CORRECTIONS:
            raise Refused(
                _("You have sent as many corrections as a transcript can take. Write a message instead.")
            )
        correction = TranscriptCorrection.objects.create(
            transcript=transcript, text=text, submitted_at=timezone.now()
        )
        audit_record(
            action="report.transcript_corrected",
            actor=by,
            actor_label="reporter",
            target=report,
            data={"correction": correction.pk},
        )
        handler().transcript_checked(report=report, kind="transcript_corrected")
    return correction


def transcript_confirm(*, report: Report, by) -> Transcript:
    """The reporter confirms that the transcript (with their corrections, if any) is what they said."""
    _require_reporter(by)
    with transaction.atomic():
        transcript = _transcript_to_check(report)
        now = timezone.now()
        if not Transcript.objects.filter(pk=transcript.pk, confirmed_at__isnull=True).update(
            confirmed_at=now
        ):
            raise Refused(_("You have already confirmed the transcript."))
        audit_record(
            action="report.transcript_confirmed",
            actor=by,
            actor_label="reporter",
            target=report,
            data={"corrections": transcript.corrections.count()},
        )
        handler().transcript_checked(report=report, kind="transcript_confirmed")
    transcript.refresh_from_db()
    return transcript


def _require_reporter(by) -> None:
    if not isinstance(by, ReporterActor):
        raise NotAllowed(_("Only the reporter, with the receipt, checks the transcript of their report."))


def _transcript_to_check(report: Report) -> Transcript:
    """The report's transcript, locked for this transaction, while it may still be checked."""
    transcript = Transcript.objects.select_for_update().filter(report=report).first()
    if transcript is None:
        raise Refused(_("This report has no transcript to check."))
    if transcript.confirmed_at is not None:
        raise Refused(_("You have already confirmed the transcript. Write anything more as a message."))
    return transcript
