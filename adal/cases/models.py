from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from adal.core.fields import EncryptedTextField
from adal.core.models import Territory, Unit, User
from adal.hotline.models import Category, Channel, Report


class State(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    TRIAGE = "triage", _("Triage")
    ACCEPTED = "accepted", _("Accepted")
    ASSIGNED = "assigned", _("Assigned")
    IN_REVIEW = "in_review", _("In review")
    DECIDED = "decided", _("Decided")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REDIRECTED = "redirected", _("Redirected to a competent authority")
    MERGED = "merged", _("Merged into another case")
    LEFT_WITHOUT_CONSIDERATION = "left_without_consideration", _("Left without consideration")
    REOPENED = "reopened", _("Reopened on appeal")


# States in which a deadline runs and a case can become overdue. A tuple, not a set: its order is the
# order of the SQL IN list, and SQLite uses the partial index below only for the identical list.
OPEN_STATES = (
    State.REGISTERED,
    State.TRIAGE,
    State.ACCEPTED,
    State.ASSIGNED,
    State.IN_REVIEW,
    State.DECIDED,
    State.REOPENED,
)
TRIAGE_STATES = frozenset({State.REGISTERED, State.TRIAGE})
# States in which work on a case has ended and its retention period runs from ``closed_at``: closed, and
# the side exits (sent on to another authority, merged into another case, left without consideration).
# An answered case is not ended (it closes by itself, or is appealed); a reopened one is open again.
ENDED_STATES = (State.CLOSED, State.REDIRECTED, State.MERGED, State.LEFT_WITHOUT_CONSIDERATION)


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTLY = "partly", _("Partly substantiated")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")


class MeasureKind(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", _("Referral to law enforcement")
    DISCIPLINARY = "disciplinary", _("Disciplinary proceedings")
    RECOMMENDATION = "recommendation", _("Recommendation to a state body")
    COUNCIL_AGENDA = "council_agenda", _("Agenda item for a council")
    LEGISLATIVE = "legislative", _("Legislative proposal")
    # Protection of a reporter against retaliation (EU Directive 2019/1937, arts. 19–21)
    LABOUR_INSPECTION = "labour_inspection", _("Referral to the labour inspection")
    PROSECUTOR = "prosecutor", _("Referral to the prosecutor")
    INTERIM_MEASURE = "interim_measure", _("Interim measure requested (e.g. suspension of a dismissal)")
    LEGAL_AID = "legal_aid", _("Legal aid offered")
    ADVICE = "advice", _("Information and advice on remedies given")
    CERTIFICATE = "certificate", _("Certificate of protection as a reporter issued")
    SUPPORT = "support", _("Psychological or financial support offered")
    RETALIATION_REVERSED = (
        "retaliation_reversed",
        _("Retaliatory measure reversed (reinstatement, pay restored)"),
    )


# What a decision may record: on a protection case the measures that protect the reporter (art. 20 support,
# art. 21 remedies) and those against whoever retaliated; on any other case the measures on its facts.
PROTECTION_MEASURES = (
    MeasureKind.LABOUR_INSPECTION,
    MeasureKind.PROSECUTOR,
    MeasureKind.INTERIM_MEASURE,
    MeasureKind.LEGAL_AID,
    MeasureKind.ADVICE,
    MeasureKind.CERTIFICATE,
    MeasureKind.SUPPORT,
    MeasureKind.RETALIATION_REVERSED,
    MeasureKind.DISCIPLINARY,
    MeasureKind.RECOMMENDATION,
)
CASE_MEASURES = (
    MeasureKind.LAW_ENFORCEMENT,
    MeasureKind.DISCIPLINARY,
    MeasureKind.RECOMMENDATION,
    MeasureKind.COUNCIL_AGENDA,
    MeasureKind.LEGISLATIVE,
)


class RiskLevel(models.TextChoices):
    """The risk of retaliation against the reporter, assessed at triage (ISO 37002:2021, 8.3.2)."""

    LOW = "low", pgettext_lazy("risk", "Low")
    MEDIUM = "medium", pgettext_lazy("risk", "Medium")
    HIGH = "high", pgettext_lazy("risk", "High")


class ResponsePolicy(models.Model):
    """The clocks of one legal regime, as data: Kazakhstan's preset, the EU Directive's, or others."""

    class DayKind(models.TextChoices):
        WORKING = "working", _("Working days")
        CALENDAR = "calendar", _("Calendar days")

    code = models.SlugField(_("code"), unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    day_kind = models.CharField(_("days are counted as"), max_length=10, choices=DayKind.choices)
    triage_days = models.PositiveSmallIntegerField(_("triage or acknowledgement within (days)"))
    forward_days = models.PositiveSmallIntegerField(_("forwarding to a competent body within (days)"))
    answer_days = models.PositiveSmallIntegerField(_("answer within (days)"), null=True, blank=True)
    answer_months = models.PositiveSmallIntegerField(_("answer within (months)"), null=True, blank=True)
    extension_total_months = models.PositiveSmallIntegerField(
        _("one extension up to (months from registration)"), null=True, blank=True
    )
    extension_notice_days = models.PositiveSmallIntegerField(
        _("reporter told of an extension within (days)"), default=3
    )
    remind_before_days = models.PositiveSmallIntegerField(
        _("remind before a deadline (working days)"), default=2
    )
    very_overdue_days = models.PositiveSmallIntegerField(_("very overdue after (working days)"), default=5)
    close_after_days = models.PositiveSmallIntegerField(
        _("close an answered case after (working days)"), default=10
    )
    allows_leave_without_consideration = models.BooleanField(
        _("may leave a report without consideration"), default=False
    )
    # Unlike the clocks, a change applies to every case of the policy, ended ones included: content is
    # kept no longer than the policy says now (adal/cases/retention.py).
    retention_months = models.PositiveSmallIntegerField(
        _("content kept after the case ends (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "The report's text, the reporter's identity, messages, files and notes are purged this many "
            "months after the case ends, unless it is under a legal hold; the statistics stay. Blank: kept "
            "without a time limit."
        ),
    )

    class Meta:
        verbose_name = _("response policy")
        verbose_name_plural = _("response policies")

    def __str__(self):
        lang = (get_language() or "ru")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_ru


class ChannelPolicy(models.Model):
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, unique=True)
    policy = models.ForeignKey(ResponsePolicy, models.PROTECT, verbose_name=_("policy"))

    class Meta:
        verbose_name = _("channel policy")
        verbose_name_plural = _("channel policies")

    def __str__(self):
        return f"{self.get_channel_display()}: {self.policy}"


class RoutingRule(models.Model):
    """(region, category) → responsible unit; a blank region or category matches any.
    The most specific rule wins; the rule with both blank is the default."""

    region = models.ForeignKey(
        Territory,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("region"),
        limit_choices_to={"kind__in": ["region", "city"]},
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, verbose_name=_("responsible unit"))

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "category"],
                condition=models.Q(region__isnull=False),
                name="routing_rule_unique",
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(region__isnull=True),
                name="routing_rule_unique_any_region",
            ),
        ]

    def __str__(self):
        return f"{self.region or '*'} / {self.get_category_display() or '*'} → {self.unit}"


# Open cases, in the words of the partial indexes on them. SQLite uses a partial index only when the query
# repeats the index's condition word for word, and Django sends "state IN (…)" or "open = true" to it with
# query parameters, never word for word; "open IS NOT NULL" has no parameter, on either database.
IS_OPEN = Q(open__isnull=False)


class Case(models.Model):
    report = models.OneToOneField(Report, models.PROTECT, related_name="case")
    state = models.CharField(_("state"), max_length=30, choices=State.choices, default=State.REGISTERED)
    # TRUE while the case is open, NULL after: kept by the database, for the partial indexes of open cases.
    # See IS_OPEN for why it is not simply true or false.
    open = models.GeneratedField(
        expression=models.Case(models.When(Q(state__in=OPEN_STATES), then=models.Value(True))),
        output_field=models.BooleanField(null=True),
        db_persist=True,
    )
    version = models.PositiveIntegerField(default=0)
    # Null until triage routes the case: it then waits at the reception of the central unit.
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("unit")
    )
    assignee = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("officer")
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    region = models.ForeignKey(Territory, models.PROTECT, related_name="+", verbose_name=_("region"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    concerns_corruption = models.BooleanField(_("concerns corruption"), null=True)
    involves_official = models.BooleanField(_("a party member or official is involved"), null=True)
    policy = models.ForeignKey(ResponsePolicy, models.PROTECT, verbose_name=_("policy"))
    # The report's receipt (Report.received_at: for a letter, its postmark or reception stamp), where the
    # clocks start and statistics count from; the moment it was entered into Adal is Report.registered_at.
    registered_at = models.DateTimeField(_("registered"))
    triage_due_at = models.DateTimeField(_("triage due"))
    answer_due_at = models.DateTimeField(_("answer due"))
    # The deadline that matters in the current state (for an answered case: when it closes by itself);
    # kept after a case ends, for sorting.
    due_at = models.DateTimeField(_("due"))
    remind_at = models.DateTimeField(null=True, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True)  # when an overdue case becomes very overdue
    overdue_level = models.PositiveSmallIntegerField(default=0)  # 0 on time, 1 overdue, 2 very overdue
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # When the case ended: closed, redirected, merged or left without consideration (ENDED_STATES); an
    # appeal clears it. The retention period counts from it.
    closed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="merged_cases"
    )
    redirected_to = models.CharField(_("redirected to"), max_length=255, blank=True)
    # A protection case: retaliation against the reporter of this case, handled one level above it.
    protects = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="protection_cases",
        verbose_name=_("protects the reporter of"),
    )
    # The level of the last triage's assessment, in clear for the queue; the reason is in RiskAssessment.
    retaliation_risk = models.CharField(
        _("retaliation risk"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    reporter_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    purged_at = models.DateTimeField(_("content purged"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["unit", "state", "due_at", "id"], name="case_queue"),
            models.Index(fields=["assignee", "state", "due_at", "id"], name="case_officer_queue"),
            models.Index(fields=["state", "due_at"], name="case_sweep"),
            # The open queue in due order: a page reads its 51 rows here instead of sorting every open case.
            models.Index(fields=["due_at", "id"], condition=IS_OPEN, name="case_open_due"),
            # A unit's open cases: the queue's counts by state, overdue among them, from the index alone.
            models.Index(fields=["unit", "state", "due_at"], condition=IS_OPEN, name="case_open_unit"),
            # Every state in due order ("all", closed states): walked instead of sorting a region's cases.
            models.Index(fields=["due_at", "id"], name="case_due"),
            models.Index(fields=["remind_at"], name="case_remind"),
            models.Index(fields=["escalate_at"], name="case_escalate"),
            models.Index(fields=["registered_at"], name="case_registered"),
            # The retention job: ended cases not yet purged, by policy and end. Conditions without
            # parameters, so that SQLite uses the partial index (see IS_OPEN).
            models.Index(
                fields=["policy", "closed_at"],
                condition=Q(closed_at__isnull=False, purged_at__isnull=True),
                name="case_retention",
            ),
        ]

    def __str__(self):
        return self.report.registration_number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_protection(self) -> bool:
        return self.protects_id is not None

    @property
    def overdue_level_now(self) -> int:
        """The overdue level, counting a deadline passed before the sweep has recorded it (the sweep runs
        every few minutes; a letter registered after its triage deadline is overdue from the start)."""
        if not self.is_open:
            return 0
        return self.overdue_level or int(self.due_at < timezone.now())


# How each kind of event reads in a case's timeline.
EVENT_LABELS = {
    "registered": _("Report registered"),
    "triage_start": _("Triage started"),
    "accept": _("Accepted and routed"),
    "redirect": _("Redirected to a competent authority"),
    "merge": _("Merged into another case"),
    "leave": _("Left without consideration"),
    "assign": _("Officer assigned"),
    "reroute": _("Re-routed to another unit"),
    "review_start": _("Review started"),
    "decide": _("Decision taken"),
    "answer": _("Answer sent to the reporter"),
    "close": _("Closed"),
    "extend": _("Deadline extended"),
    "appeal": _("Appealed by the reporter"),
    "rated": _("Answer rated by the reporter"),
    "note": _("Internal note"),
    "request_sent": _("Request sent to a state body"),
    "request_answered": _("State body answered"),
    "linked": _("Linked to a related case"),
    "clarification_requested": _("Clarification asked of the reporter"),
    "reporter_message": _("Message from the reporter"),
    "transcript_corrected": _("Transcript corrected by the reporter"),
    "transcript_confirmed": _("Transcript confirmed by the reporter"),
    "reminder": _("Reminder sent"),
    "overdue": _("Overdue: escalated to the unit head"),
    "very_overdue": _("Very overdue: escalated to the next level"),
    "council_agenda": _("Put on a council's agenda"),
    "council_decision": _("Council decision"),
    "legal_hold_placed": _("Legal hold placed"),
    "legal_hold_lifted": _("Legal hold lifted"),
    "content_purged": _("Content purged at the end of its retention period"),
    "disclosure_requested": _("Disclosure of the reporter's identity requested"),
    "disclosure_approved": _("Disclosure of the reporter's identity approved"),
    "disclosure_refused": _("Disclosure of the reporter's identity refused"),
    "identity_opened": _("The reporter made their identity open"),
    "identity_withdrawn": _("The reporter withdrew their identity"),
    "protection_opened": _("The reporter reported retaliation: a protection case was opened"),
}


class CaseEvent(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=150)
    kind = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    data = models.JSONField(default=dict, blank=True)
    note = EncryptedTextField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))

    @property
    def to_state_label(self) -> str:
        return str(State(self.to_state).label) if self.to_state in State.values else ""


class Measure(models.Model):
    """A measure decided on a case; later issues link councils' agenda items and disciplinary
    proceedings to it."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="measures")
    kind = models.CharField(_("measure"), max_length=20, choices=MeasureKind.choices)
    details = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField()

    def __str__(self):
        return f"{self.case_id}: {self.get_kind_display()}"


class RiskAssessment(models.Model):
    """A triage's assessment of how exposed the reporter is to retaliation, and why (the reason is
    encrypted: it may say who the reporter is or who might retaliate)."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="risk_assessments")
    level = models.CharField(_("retaliation risk"), max_length=10, choices=RiskLevel.choices)
    reason = EncryptedTextField()
    assessed_at = models.DateTimeField()
    assessed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["assessed_at", "pk"]

    def __str__(self):
        return f"{self.case_id}: {self.level}"


class StateBodyRequest(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="requests")
    addressee = models.CharField(_("state body"), max_length=255)
    question = EncryptedTextField()
    sent_at = models.DateTimeField()
    due_at = models.DateTimeField(_("answer due"))
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = EncryptedTextField(null=True, blank=True)
    sent_by = models.ForeignKey(User, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["sent_at"]

    def __str__(self):
        return f"{self.case_id} → {self.addressee}"


class CaseLink(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="links")
    other = models.ForeignKey(Case, models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "other"], name="case_link_unique")]

    def __str__(self):
        return f"{self.case_id} ↔ {self.other_id}"


class LegalHold(models.Model):
    """A legal hold keeps a case's content past its retention period (a court case, an investigation, an
    audit), until it is lifted. Holds are kept as history: a lifted hold keeps who lifted it, when and why.
    At most one hold of a case is in force at a time."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="legal_holds")
    reason = EncryptedTextField()
    placed_at = models.DateTimeField(_("placed"))
    placed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    placed_by_label = models.CharField(max_length=150)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    lifted_by_label = models.CharField(max_length=150, blank=True)
    lift_reason = EncryptedTextField(null=True, blank=True)

    class Meta:
        ordering = ["placed_at", "pk"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(lifted_at__isnull=True), name="legal_hold_one_in_force"
            )
        ]

    def __str__(self):
        return f"{self.case_id} hold {self.placed_at:%Y-%m-%d}"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None


class DisclosureRequest(models.Model):
    """A reasoned request to see a confidential reporter's identity, decided by an identity custodian.

    An approval opens the identity to the requester alone until ``expires_at``; the reporter is told in
    the inbox first, unless the custodian records why that would jeopardise the investigation
    (EU Directive 2019/1937, art. 16(3))."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        CLOSED = "closed", _("Closed: nothing left to disclose")

    case = models.ForeignKey(Case, models.CASCADE, related_name="disclosure_requests")
    requester = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("requested by"))
    reason = EncryptedTextField()
    requested_at = models.DateTimeField(_("requested"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = EncryptedTextField(null=True, blank=True)
    expires_at = models.DateTimeField(_("open until"), null=True, blank=True)
    reporter_notified = models.BooleanField(default=False)
    notice_withheld_reason = EncryptedTextField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["state", "requested_at"], name="disclosure_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "requester"],
                condition=Q(state="pending"),
                name="disclosure_one_pending_per_requester",
            )
        ]

    def __str__(self):
        return f"{self.case_id}: {self.requester_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        """Approved and not yet expired: the identity is open to the requester now."""
        approved = self.state == self.State.APPROVED and self.expires_at is not None
        return approved and self.expires_at > timezone.now()

    @property
    def status(self) -> str:
        return "expired" if self.state == self.State.APPROVED and not self.is_open else self.state

    @property
    def status_label(self) -> str:
        return str(_("Expired")) if self.status == "expired" else self.get_state_display()


class CaseTally(models.Model):
    """How many cases each (unit, state, category, region, high risk, due week) holds: the queue's counts,
    kept by every change of a case in the same transaction (adal/cases/tally.py), and rebuilt from the
    cases by ``manage.py case_tally_rebuild``. Its size is bounded by units × states × categories ×
    regions × due weeks, not by the number of cases.

    The columns are plain numbers, never NULL, so that one UPSERT on the key adds to a row (NULLs are
    distinct in a unique key): ``unit_pk`` 0 is a case waiting at reception, ``due_week`` is the Monday of
    the week of ``due_at`` in Kazakhstan's time, as YYYYMMDD, for an open case and 0 for any other (only
    an open case can be overdue): weeks rather than days keep a unit's open cases in a few dozen rows.
    Rows whose count fell to 0 stay until the next rebuild."""

    unit_pk = models.PositiveIntegerField()
    state = models.CharField(max_length=30)  # no choices: a new category needs no migration here
    category = models.CharField(max_length=30)
    region_pk = models.PositiveIntegerField()
    high_risk = models.BooleanField()
    due_week = models.PositiveIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit_pk", "state", "category", "region_pk", "high_risk", "due_week"],
                name="case_tally_key",
            )
        ]

    def __str__(self):
        return f"{self.unit_pk}/{self.state}/{self.category}/{self.due_week}: {self.n}"


COHORT_KEY = ["grouped_by", "registered_day", "group_key", "answered_days", "on_time", "due_day"]


class CaseCohort(models.Model):
    """The hotline's public statistics kept as counts: the cases registered on a day, and in a month, by one
    grouping at a time (``grouped_by``: region, category, channel, outcome or unit; the group:
    ``group_key``), and where each stands now: answered after how many working days and whether on time,
    or, while open and unanswered, the day its answer is due. adal.cases.statistics sums a period's rows
    of one grouping (its whole months' rows and its partial months' day rows) instead of reading each
    case; kept like CaseTally, by every change of a case, and rebuilt with it.

    ``answered_days`` is -1 for a case not answered; ``due_day`` (YYYYMMDD, Kazakhstan's time) is 0 unless
    the case is open and unanswered, when it is the day of ``answer_due_at``; ``group_key`` is the region's or
    the unit's id as text ("" for a case not yet routed), the category, the channel, or the outcome as
    adal.cases.statistics names it (an outcome, a side exit, or "pending")."""

    registered_day = models.PositiveIntegerField()  # YYYYMMDD; a whole month's row: YYYYMM00
    grouped_by = models.CharField(max_length=10)
    group_key = models.CharField(max_length=30)
    answered_days = models.IntegerField()
    on_time = models.BooleanField()
    due_day = models.PositiveIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=COHORT_KEY,
                name="case_cohort_key",
            )
        ]
        # The statistics read a period's rows of one grouping and sum n: with n in the index they are read
        # from the index alone (SQLite: a year by unit at a million cases, 61 → 34 ms).
        indexes = [
            models.Index(
                fields=[*COHORT_KEY, "n"],
                name="case_cohort_summed",
            )
        ]

    def __str__(self):
        return f"{self.registered_day} {self.grouped_by}={self.group_key}: {self.n}"
