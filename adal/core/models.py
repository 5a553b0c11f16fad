import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from adal.core.fields import EncryptedTextField

LANGUAGES = ("ru", "kk", "en")


def language_shown(obj, field: str, *, any_language: bool = False) -> str:
    """The language whose column ``in_language`` reads: the page's when it is filled in, else Russian;
    with ``any_language`` (text written in one language only) the first filled in of ru, kk, en."""
    lang = (get_language() or "ru")[:2]
    if getattr(obj, f"{field}_{lang}", None):
        return lang
    for other in LANGUAGES if any_language else ("ru",):
        if getattr(obj, f"{field}_{other}", None):
            return other
    return "ru"


def in_language(obj, field: str, *, any_language: bool = False) -> str:
    """``obj.<field>_<active language>``, falling back to Russian, the default language (names are
    always given in Russian); with ``any_language`` to the first of ru, kk, en that is filled in."""
    return getattr(obj, f"{field}_{language_shown(obj, field, any_language=any_language)}", "")


class InLanguage:
    """A model attribute read in the active language from its ``_ru`` / ``_kk`` / ``_en`` columns:
    ``name = InLanguage()`` reads ``name_kk`` for a Kazakh page, and ``name_ru`` when that is blank.
    ``title = InLanguage(any_language=True)`` is for text written in any one of the three languages;
    templates mark a text shown in another language than the page's with ``{{ obj|lang_attr:"title" }}``."""

    def __init__(self, *, any_language: bool = False):
        self.any_language = any_language

    def __set_name__(self, owner, attribute: str):
        self.field = attribute

    def __get__(self, obj, owner=None):
        return self if obj is None else in_language(obj, self.field, any_language=self.any_language)


class Territory(models.Model):
    """A region, city or district by its KATO code; kept with validity dates because the map changes."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        CITY = "city", _("City of republican significance")
        DISTRICT = "district", _("District")

    kato = models.CharField(_("KATO code"), max_length=9, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    former_names = models.JSONField(_("former names"), default=list, blank=True)

    class Meta:
        ordering = ["kato"]
        verbose_name = _("territory")
        verbose_name_plural = _("territories")

    def __str__(self):
        return self.name

    name = InLanguage()

    @property
    def is_top_level(self) -> bool:
        return self.kind in (self.Kind.REGION, self.Kind.CITY)


class DatedName(models.Model):
    """A name a territory or a unit bore for a time, from ``valid_from`` (inclusive; null: since it was
    created) to ``valid_to`` (exclusive). Outside every such period its own names (today's) apply;
    ``adal.core.selectors.NamesOfTheTime`` reads them."""

    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    name = InLanguage()

    def is_valid_on(self, on) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on < self.valid_to
        )

    @property
    def last_day(self):
        """The last day this was the name (``valid_to`` is the first day of the next)."""
        return self.valid_to and self.valid_to - dt.timedelta(days=1)

    @staticmethod
    def starts_before_it_ends(name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=models.Q(valid_from__isnull=True)
            | models.Q(valid_to__isnull=True)
            | models.Q(valid_from__lt=models.F("valid_to")),
            name=name,
        )


class TerritoryName(DatedName):
    """A name a territory bore for a time: the capital was Nur-Sultan from 23 March 2019 to 17 September
    2022. Reference data that ships with the code (``adal.core.territories.NAMES``); read through
    ``adal.core.selectors.names_on``."""

    territory = models.ForeignKey(Territory, models.CASCADE, related_name="dated_names")
    # As long as a territory's own names.
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        ordering = ["territory", "valid_from"]
        verbose_name = _("former name of a territory")
        verbose_name_plural = _("former names of territories")
        constraints = [
            models.UniqueConstraint(fields=["territory", "valid_from"], name="territory_name_once_per_start"),
            DatedName.starts_before_it_ends("territory_name_starts_before_it_ends"),
        ]


class Unit(models.Model):
    """An organisation unit in the tree centre → region → district.

    ``path`` is the materialised path of primary keys ("/1/4/17/"), so a unit's scope — itself and
    everything below — is one indexed prefix match.
    """

    class Level(models.TextChoices):
        CENTRE = "centre", _("Centre")
        REGION = "region", _("Region")
        DISTRICT = "district", _("District")

    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    territory = models.ForeignKey(Territory, models.PROTECT, null=True, blank=True, related_name="units")
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")

    def __str__(self):
        return self.name

    name = InLanguage()

    @cached_property
    def is_sole_root(self) -> bool:
        """Whether this unit heads the only tree: its scope is then every case, reception's included."""
        return self.parent_id is None and not Unit.objects.filter(parent=None).exclude(pk=self.pk).exists()


class UnitName(DatedName):
    """A name a unit bore for a time: the branch in the capital was "Branch: Nur-Sultan" from 23 March
    2019 to 17 September 2022. Written by ``adal.core.services.unit_rename``; read through
    ``adal.core.selectors.unit_names_on``."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="dated_names")

    class Meta:
        # The oldest first on every database (PostgreSQL sorts a null last): it has no start.
        ordering = ["unit", models.F("valid_from").asc(nulls_first=True)]
        verbose_name = _("former name of a unit")
        verbose_name_plural = _("former names of units")
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_from"], name="unit_name_once_per_start"),
            DatedName.starts_before_it_ends("unit_name_starts_before_it_ends"),
        ]


class Role(models.TextChoices):
    OPERATOR = "operator", _("Reception operator")
    CASE_OFFICER = "case_officer", _("Case officer")
    UNIT_HEAD = "unit_head", _("Unit head")
    COUNCIL_SECRETARY = "council_secretary", _("Council secretary")
    ANALYST = "analyst", _("Analyst")
    ADMINISTRATOR = "administrator", _("Administrator")
    AUDITOR = "auditor", _("Auditor")
    # Outside every case's chain of command: decides disclosure requests for a confidential reporter's
    # identity, and never reads the content of reports.
    IDENTITY_CUSTODIAN = "identity_custodian", _("Identity custodian")
    # Keeps the register of party discipline for the members of their unit's territories.
    DISCIPLINE_SECRETARY = "discipline_secretary", _("Discipline secretary")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="staff")
    totp_secret = EncryptedTextField(_("TOTP secret"), null=True, blank=True)
    totp_last_counter = models.BigIntegerField(default=0, editable=False)
    failed_logins = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")

    @property
    def requires_second_factor(self) -> bool:
        """Whoever may read the content of reports may not sign in without a second factor."""
        from adal.core.permissions import ROLES_WITH_SECOND_FACTOR, role_of  # the table imports this module

        return role_of(self) in ROLES_WITH_SECOND_FACTOR

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class AuditEvent(models.Model):
    """Append-only, keyed chain of every state change and every read of case content.

    ``hash`` = HMAC-SHA256, under the audit key ``key_id`` (kept outside the database), over the
    previous hash and this entry's canonical fields: changing or deleting any row breaks the chain at
    that point, and only the key can seal a replacement. Signed checkpoints in a file outside the
    database catch a chain cut short at its end (see ``adal.core.audit`` and ``manage.py audit_verify``).
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=80, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=32)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"#{self.seq} {self.action} by {self.actor_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


class AuditHead(models.Model):
    """A single row holding the chain's tip; locking it serialises appends on every database."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self):
        return f"audit head at #{self.seq}"


class WorkdayException(models.Model):
    """Government decrees move days off late in the year; the calendar follows this table first."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Extra day off")
        WORKING_DAY = "working_day", _("Working day (e.g. a working Saturday)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self):
        return f"{self.date}: {self.get_kind_display()}"


class LoginThrottle(models.Model):
    """Failed staff sign-ins from one address in the current window (adal.core.loginthrottle).

    A table, not the cache: every worker and process sees the same counts whatever the cache is, and a
    restart does not forgive an attacker. The address is kept only as an HMAC under the server's key;
    a row is deleted once its window has passed.
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_ends = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.failures} failures until {self.window_ends:%Y-%m-%d %H:%M}"


class SharedState(models.Model):
    """Short-lived counters and marks that every worker must see alike, kept here when there is no
    Redis (see adal.core.shared). Rows carry no address or report: only keyed names, and go at expiry."""

    name = models.CharField(max_length=100, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    last_at = models.FloatField(default=0)  # Unix time of the last increment
    expires_at = models.FloatField(db_index=True)  # Unix time

    def __str__(self):
        return self.name


class FileRemoval(models.Model):
    """A stored file whose rows were deleted by a committed transaction and that is still to be removed
    from the file store (adal.core.files.remove_stored_on_commit). Written in the transaction that drops
    the rows, so it commits or rolls back with them; deleted once the file is gone. A row left behind (the
    process died between the commit and the removal) is finished by the worker's housekeeping."""

    stored_name = models.CharField(max_length=64, unique=True)
    queued_at = models.DateTimeField()

    def __str__(self):
        return self.stored_name
