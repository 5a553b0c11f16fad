"""Party members held to party responsibility: members, disciplinary proceedings, and the rule that
says which decisions the public list shows.

A proceeding keeps the facts as they were when it happened — the region (of the map of that time),
the position and its level, whether the member was a public official — so statistics of a period do
not move when a member later changes post or the map is redrawn.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from adal.cases.models import Case, Measure
from adal.core.models import Territory

TOP_LEVEL = {"kind__in": [Territory.Kind.REGION, Territory.Kind.CITY]}


class PositionLevel(models.TextChoices):
    REPUBLICAN = "republican", _("Republican")
    REGIONAL = "regional", _("Regional")
    DISTRICT = "district", _("District or city")
    OTHER = "other", _("Other")


class Sanction(models.TextChoices):
    """In rising severity: the order is used by the publication rule and by the statistics."""

    WARNING = "warning", _("Warning")
    REPRIMAND = "reprimand", _("Reprimand")
    SEVERE_REPRIMAND = "severe_reprimand", _("Severe reprimand")
    EXPULSION = "expulsion", _("Expulsion from the party")


def sanctions_at_least(sanction: str) -> list[str]:
    return Sanction.values[Sanction.values.index(sanction) :]


def severity(sanction: str) -> int:
    return Sanction.values.index(sanction)


class Grounds(models.TextChoices):
    COURT_VERDICT = "court_verdict", _("Court verdict")
    AGENCY_FINDING = "agency_finding", _("Finding of the Anti-Corruption Agency")
    HOTLINE_CASE = "hotline_case", _("Hotline case")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")
    APPEALED = "appealed", _("Appealed")
    UPHELD = "upheld", _("Upheld on appeal")
    REVERSED = "reversed", _("Reversed on appeal")


# Statuses in which a decided sanction stands: it counts in statistics (an appeal pending does not
# suspend it); a reversed one no longer does.
STANDING = frozenset({Status.DECIDED, Status.APPEALED, Status.UPHELD})


class PartyMember(models.Model):
    """A party member as known now; a proceeding copies what it needs of this at the time."""

    full_name = models.CharField(_("full name"), max_length=255)
    membership_number = models.CharField(_("membership number"), max_length=40, unique=True)
    region = models.ForeignKey(
        Territory,
        models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
        limit_choices_to=TOP_LEVEL,
    )
    position = models.CharField(_("position"), max_length=255, blank=True)
    position_level = models.CharField(
        _("position level"), max_length=12, choices=PositionLevel.choices, default=PositionLevel.OTHER
    )
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    is_public_official = models.BooleanField(_("public official"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("party member")
        verbose_name_plural = _("party members")

    def __str__(self):
        return f"{self.full_name} ({self.membership_number})"


class Proceeding(models.Model):
    """One disciplinary proceeding: open → decided → (appealed → upheld | reversed).

    The deciding body is free text, not a ``core.Unit``: party responsibility is decided by party
    organs (the bureau of a branch's political council, its disciplinary commission) named as in the
    decision, which are not the platform's staff units, often predate them, and must read the same
    after the unit tree is reorganised. No statistic groups by it.
    """

    member = models.ForeignKey(
        PartyMember, models.PROTECT, related_name="proceedings", verbose_name=_("party member")
    )
    grounds = models.CharField(_("grounds"), max_length=20, choices=Grounds.choices)
    grounds_details = models.TextField(_("grounds in detail"), blank=True)
    case = models.ForeignKey(
        Case, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("hotline case")
    )
    measure = models.ForeignKey(
        Measure,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="proceedings",
        verbose_name=_("measure of the case"),
    )
    deciding_body = models.CharField(_("deciding body"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(_("opened on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    sanction = models.CharField(_("sanction"), max_length=20, choices=Sanction.choices, blank=True)
    appeal_filed_on = models.DateField(_("appeal filed on"), null=True, blank=True)
    appeal_decided_on = models.DateField(_("appeal decided on"), null=True, blank=True)
    reversal_reason = models.TextField(_("reason for the reversal"), blank=True)

    # As at the time: copied from the member when the proceeding opens; the region may be corrected
    # when it is decided. Statistics read these, never the member's present record.
    region = models.ForeignKey(
        Territory,
        models.PROTECT,
        related_name="+",
        verbose_name=_("region at the time"),
        limit_choices_to=TOP_LEVEL,
    )
    position = models.CharField(_("position at the time"), max_length=255, blank=True)
    position_level = models.CharField(
        _("position level at the time"), max_length=12, choices=PositionLevel.choices
    )
    is_public_official = models.BooleanField(_("public official at the time"))

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("disciplinary proceeding")
        verbose_name_plural = _("disciplinary proceedings")
        indexes = [models.Index(fields=["status", "decided_on"], name="proceeding_decided")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", sanction="", decided_on__isnull=True)
                | (~models.Q(status="open") & ~models.Q(sanction="") & models.Q(decided_on__isnull=False)),
                name="proceeding_decision_complete",
            ),
        ]

    def __str__(self):
        return f"{self.member.full_name}: {self.get_grounds_display()} ({self.opened_on})"

    @property
    def sanction_stands(self) -> bool:
        return self.status in STANDING


class PublicationRule(models.Model):
    """Which decisions the public list shows. Administrators may keep several rules, but at most one is
    active (a partial unique constraint); with none active, nothing is published."""

    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(
        _("active"), default=False, help_text=_("Activating this rule deactivates the rule active before.")
    )
    only_final = models.BooleanField(
        _("only final decisions"),
        default=True,
        help_text=_("Upheld on appeal, or not appealed within the appeal period."),
    )
    appeal_period_days = models.PositiveSmallIntegerField(
        _("appeal period (days)"),
        default=30,
        help_text=_("With “only final decisions”: days after the decision within which an appeal may come."),
    )
    only_public_officials = models.BooleanField(
        _("only public officials"),
        default=True,
        help_text=_("Only members who were public officials at the time of the proceeding."),
    )
    min_sanction = models.CharField(
        _("minimum sanction"), max_length=20, choices=Sanction.choices, default=Sanction.WARNING
    )
    delay_days = models.PositiveSmallIntegerField(_("delay after the decision (days)"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-is_active", "name"]
        verbose_name = _("publication rule")
        verbose_name_plural = _("publication rules")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="publication_rule_one_active",
            ),
        ]

    def __str__(self):
        return self.name
