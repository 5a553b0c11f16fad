from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from adal.core.fields import EncryptedBytesField, EncryptedJSONField, EncryptedTextField
from adal.core.models import Territory, User
from adal.core.workdays import local_zone


class Category(models.TextChoices):
    BRIBERY = "bribery", _("Bribery")
    ABUSE_OF_OFFICE = "abuse_of_office", _("Abuse of office")
    EMBEZZLEMENT = "embezzlement", _("Embezzlement of public funds")
    PROCUREMENT = "procurement", _("Public procurement")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("Conflict of interest")
    NEPOTISM = "nepotism", _("Nepotism")
    EDUCATION = "education", _("Education")
    HEALTH_CARE = "health_care", _("Health care")
    LAND = "land", _("Land relations")
    HOUSING = "housing", _("Housing and utilities")
    DRINKING_WATER = "drinking_water", _("Drinking water supply")
    STATE_PROGRAMMES = "state_programmes", _('State programmes (e.g. "Enbek")')
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    OTHER = "other", _("Other")
    # Not a subject a citizen picks: a reporter reports retaliation from their inbox, linked to their
    # report, and it opens a protection case (adal.hotline.services.retaliation_report_submit).
    RETALIATION = "retaliation", _("Retaliation against a reporter")


# What the public report form, the operators' form and the API offer.
PUBLIC_CATEGORIES = [(value, label) for value, label in Category.choices if value != Category.RETALIATION]


class RetaliationKind(models.TextChoices):
    """What was done to a reporter because they reported (EU Directive 2019/1937, art. 19)."""

    DISMISSAL = "dismissal", _("Dismissal or suspension")
    DEMOTION = "demotion", _("Demotion or transfer")
    THREATS = "threats", _("Threats or intimidation")
    HARASSMENT = "harassment", _("Harassment or ostracism")
    BLACKLISTING = "blacklisting", _("Blacklisting")
    LOSS_OF_PAY = "loss_of_pay", _("Loss of pay or bonus")
    DISCIPLINARY = "disciplinary", _("Disciplinary action")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    API = "api", _("Mobile or partner application")
    PHONE = "phone", _("Telephone")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")


class IdentityMode(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous")
    CONFIDENTIAL = "confidential", _("Confidential")
    OPEN = "open", pgettext_lazy("identity", "Open")


class RegistrationCounter(models.Model):
    """Per-year sequence behind the public registration numbers (AC-2026-000123)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class Report(models.Model):
    """A citizen's report. What happened and who the reporter is are encrypted; only the
    coarse facts needed for routing and statistics are in clear."""

    registration_number = models.CharField(_("registration number"), max_length=20, unique=True)
    # Null for a retaliation report: it is followed in the inbox of the report it protects, by that receipt.
    receipt_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    # When the report reached us: the web or API submission, the call, the visit, or a letter's postmark or
    # reception stamp (a day, taken at noon in Almaty). The clocks start here and statistics count from
    # here (the case's registered_at is a copy), so registering a letter late gives the unit no extra day.
    received_at = models.DateTimeField(_("received"), db_index=True)
    # When it was entered into Adal: later than received_at only when an operator registered it late.
    registered_at = models.DateTimeField(_("registered"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices, db_index=True)
    region = models.ForeignKey(Territory, models.PROTECT, related_name="+", verbose_name=_("region"))
    district = models.ForeignKey(
        Territory, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    identity_mode = models.CharField(_("identity"), max_length=12, choices=IdentityMode.choices)
    language = models.CharField(_("language"), max_length=5)
    # {"description", "occurred", "place", "persons": [...], "organisations": [...], "bribe_amount"}; the
    # description is empty for a phone call or a visit, whose account is its Transcript.
    content = EncryptedJSONField()
    # Who the reporter is lives apart, in its own envelope: ReporterIdentity.
    registered_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("registered by")
    )
    # When the content (text, identity, messages' bodies, files) was purged at the end of its retention
    # period (adal/hotline/retention.py); the clear columns above stay for the statistics.
    purged_at = models.DateTimeField(_("content purged"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["region", "category"])]

    def __str__(self):
        return self.registration_number

    @property
    def registered_late(self) -> bool:
        """Registered on a later day than it was received (a letter, or a call written down later)."""
        return (
            self.registered_at.astimezone(local_zone()).date()
            > self.received_at.astimezone(local_zone()).date()
        )


class ReporterIdentity(models.Model):
    """A named reporter's identity ({"name", "iin", "phone", "email"}), in its own envelope.

    ``sealed`` is the identity under a random data key of its own, with the report's id as associated
    data; ``data_key`` is that key wrapped by the key ring (``rotate_keys`` re-wraps it). Deleting the
    row destroys the identity for good: no copy of its key remains. Read it only through
    ``adal.hotline.identity`` (and, for staff, the cases app's ``identity_for``)."""

    report = models.OneToOneField(Report, models.CASCADE, primary_key=True, related_name="reporter_identity")
    data_key = EncryptedBytesField()
    sealed = models.BinaryField(editable=False)
    sealed_at = models.DateTimeField()

    def __str__(self):
        return f"identity of {self.report_id}"


class Message(models.Model):
    class Direction(models.TextChoices):
        FROM_REPORTER = "in", _("From the reporter")
        TO_REPORTER = "out", _("To the reporter")

    report = models.ForeignKey(Report, models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    created_at = models.DateTimeField(db_index=True)
    body = EncryptedTextField()
    author = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.report} {self.direction} {self.created_at:%Y-%m-%d}"


class Attachment(models.Model):
    """An evidence file, encrypted on disk under a random name; its real name is encrypted here."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, models.CASCADE, null=True, blank=True, related_name="attachments")
    stored_name = models.CharField(max_length=64, unique=True, editable=False)
    original_name = EncryptedTextField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.report} file {self.pk}"


class Transcript(models.Model):
    """What an operator wrote down of a phone call or a visit (EU Directive 2019/1937, art. 18): for such a
    report it is the reporter's account. The reporter checks it in the inbox, corrects it (each correction
    kept beside it, dated) and confirms it; the text as written is never changed."""

    class Kind(models.TextChoices):
        TRANSCRIPT = "transcript", _("Transcript (word for word)")
        MINUTES = "minutes", _("Accurate minutes")

    class State(models.TextChoices):
        AWAITING = "awaiting", _("Awaiting the reporter's check")
        CORRECTED = "corrected", _("Corrected by the reporter")
        CONFIRMED = "confirmed", _("Confirmed by the reporter")

    report = models.OneToOneField(Report, models.CASCADE, related_name="transcript")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = EncryptedTextField()
    written_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("written by"))
    written_at = models.DateTimeField(_("written"))
    confirmed_at = models.DateTimeField(_("confirmed by the reporter"), null=True, blank=True)

    class Meta:
        verbose_name = _("transcript")
        verbose_name_plural = _("transcripts")

    def __str__(self):
        return f"{self.report} {self.kind}"


class TranscriptCorrection(models.Model):
    """The reporter's correction of a transcript, in their words, kept beside the original."""

    transcript = models.ForeignKey(Transcript, models.CASCADE, related_name="corrections")
    text = EncryptedTextField()
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at", "pk"]

    def __str__(self):
        return f"{self.transcript} correction {self.submitted_at:%Y-%m-%d}"
