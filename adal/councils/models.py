"""Public anti-corruption councils: a tree (centre → region → district) mirroring the organisation's
units, their members, meetings with agendas and minutes, and the proposals they make to state bodies.

Dates of membership follow one convention throughout: ``term_start`` and ``term_end`` are the first
and the last day of the term (both inclusive); ``ceased_on`` is the first day the person no longer
sits (so a successor may start on that very day).
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from adal.cases.models import Case
from adal.core.models import InLanguage, Territory, Unit, User
from adal.hotline.models import Category


class Topic(models.Model):
    """What an agenda item is about; a list kept as data (see ``adal/councils/topics.py``)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    category = models.CharField(
        _("hotline category"), max_length=30, choices=Category.choices, blank=True, db_index=True
    )
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    name = InLanguage()


# Paths under /councils/ and /staff/councils/ that are pages of their own (adal/councils/urls.py): a
# council with one of these addresses would never be reached.
RESERVED_SLUGS = frozenset({"feed", "statistics", "new"})


def slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address belongs to another page of the site; choose another."))


class Council(models.Model):
    """The public anti-corruption council of one organisation unit."""

    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="councils", verbose_name=_("organisation unit")
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("council above"),
    )
    level = models.CharField(_("level"), max_length=10, choices=Unit.Level.choices)
    # What the council's public page names as its territory; the region a meeting counts under is
    # taken from it when the meeting is held and kept on the meeting (Meeting.region).
    territory = models.ForeignKey(
        Territory, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("territory")
    )
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    slug = models.SlugField(
        _("address of the public page"), max_length=80, unique=True, validators=[slug_not_reserved]
    )
    quorum_fraction = models.DecimalField(
        _("quorum"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        help_text=_("A meeting has a quorum when more than this share of the current members is present."),
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["unit__path"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        constraints = [
            models.UniqueConstraint(fields=["unit"], name="council_one_per_unit"),
            models.CheckConstraint(
                condition=Q(quorum_fraction__gte=0) & Q(quorum_fraction__lt=1), name="council_quorum_range"
            ),
        ]

    def __str__(self):
        return self.name

    name = InLanguage()


class Person(models.Model):
    """Someone who sits on a council. Members are public figures, activists and experts who mostly
    never sign in, so they are not staff accounts; a member who also has one is linked to it."""

    full_name = models.CharField(_("full name"), max_length=255)
    full_name_latin = models.CharField(_("full name in Latin letters"), max_length=255, blank=True)
    user = models.OneToOneField(
        User,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="council_person",
        verbose_name=_("staff account"),
    )
    # Public profiles (social networks, a blog): members are expected to publicise their work.
    links = models.JSONField(_("public profiles"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "ru")[:2] == "en" and self.full_name_latin:
            return self.full_name_latin
        return self.full_name


class Position(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY_CHAIR = "deputy_chair", _("Deputy chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


POSITION_ORDER = {p: i for i, p in enumerate(Position.values)}


def active_on(day: dt.date, prefix: str = "") -> Q:
    """Memberships in force on ``day``; ``prefix`` reaches them through a relation ("membership__")."""
    return (
        Q(**{f"{prefix}term_start__lte": day})
        & (Q(**{f"{prefix}term_end__isnull": True}) | Q(**{f"{prefix}term_end__gte": day}))
        & (Q(**{f"{prefix}ceased_on__isnull": True}) | Q(**{f"{prefix}ceased_on__gt": day}))
    )


class Membership(models.Model):
    council = models.ForeignKey(
        Council, models.PROTECT, related_name="memberships", verbose_name=_("council")
    )
    person = models.ForeignKey(Person, models.PROTECT, related_name="memberships", verbose_name=_("person"))
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    ceased_on = models.DateField(_("ceased on"), null=True, blank=True)
    ceased_reason = models.CharField(_("reason for ceasing"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["council", "term_start", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [
            models.Index(fields=["council", "term_start"], name="membership_council"),
            models.Index(fields=["person", "council"], name="membership_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="membership_term_order",
            ),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | Q(ceased_on__gte=models.F("term_start")),
                name="membership_ceased_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.get_position_display()}, {self.council}"

    @property
    def ends_before(self) -> dt.date | None:
        """The first day the person no longer sits, by the term or by ceasing; None if open-ended."""
        ends = [d for d in (self.term_end and self.term_end + dt.timedelta(days=1), self.ceased_on) if d]
        return min(ends, default=None)

    def overlaps(self, other: "Membership") -> bool:
        mine, theirs = self.ends_before, other.ends_before
        return (theirs is None or self.term_start < theirs) and (mine is None or other.term_start < mine)


class Meeting(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        MINUTES_PUBLISHED = "minutes_published", _("Minutes published")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members of the council only")

    council = models.ForeignKey(Council, models.PROTECT, related_name="meetings", verbose_name=_("council"))
    planned_at = models.DateTimeField(_("planned for"))
    place_ru = models.CharField(_("place (Russian)"), max_length=255, blank=True)
    place_kk = models.CharField(_("place (Kazakh)"), max_length=255, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=255, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PLANNED)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    # Where the meeting counts in statistics, as the map stood when it was held (set again then).
    region = models.ForeignKey(
        Territory, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    territory = models.ForeignKey(
        Territory, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("territory")
    )
    attendees = models.ManyToManyField(
        "Membership", through="Attendance", related_name="meetings_attended", verbose_name=_("present")
    )
    # Taken when the meeting is recorded as held, so the minutes stay true if memberships change later.
    members_total = models.PositiveSmallIntegerField(_("members on the day"), null=True, blank=True)
    quorum_met = models.BooleanField(_("quorum"), null=True, blank=True)
    minutes_ru = models.TextField(_("minutes (Russian)"), blank=True)
    minutes_kk = models.TextField(_("minutes (Kazakh)"), blank=True)
    minutes_en = models.TextField(_("minutes (English)"), blank=True)
    minutes_visibility = models.CharField(
        _("minutes are visible to"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    published_at = models.DateTimeField(_("minutes published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["-planned_at", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(fields=["state", "held_on"], name="meeting_held"),
            models.Index(fields=["council", "planned_at"], name="meeting_council"),
        ]
        constraints = [
            # A place in at least one language, or a link.
            models.CheckConstraint(
                condition=~Q(place_ru="") | ~Q(place_kk="") | ~Q(place_en="") | ~Q(online_url=""),
                name="meeting_has_a_place",
            ),
        ]

    def __str__(self):
        return f"{self.council} · {self.planned_at:%Y-%m-%d}"

    place = InLanguage(any_language=True)
    minutes = InLanguage(any_language=True)

    @property
    def is_held(self) -> bool:
        return self.state in (self.State.HELD, self.State.MINUTES_PUBLISHED)


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(Membership, models.PROTECT, related_name="attendance")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="attendance_once"),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.membership.person}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    topic = models.ForeignKey(Topic, models.PROTECT, related_name="agenda_items", verbose_name=_("topic"))
    title_ru = models.CharField(_("title (Russian)"), max_length=500, blank=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    rapporteur = models.CharField(_("rapporteur"), max_length=255, blank=True)
    cases = models.ManyToManyField(Case, blank=True, related_name="agenda_items", verbose_name=_("cases"))
    decision_ru = models.TextField(_("decision (Russian)"), blank=True)
    decision_kk = models.TextField(_("decision (Kazakh)"), blank=True)
    decision_en = models.TextField(_("decision (English)"), blank=True)

    class Meta:
        ordering = ["meeting", "order"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="agenda_item_order")]

    def __str__(self):
        return f"{self.order}. {self.title}"

    title = InLanguage(any_language=True)
    decision = InLanguage(any_language=True)


class Proposal(models.Model):
    class Kind(models.TextChoices):
        LEGISLATIVE = "legislative", _("Legislative proposal")
        STATE_BODY = "state_body", _("Proposal to a state body")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
        ACCEPTED = "accepted", pgettext_lazy("proposal", "Accepted")
        PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
        REJECTED = "rejected", _("Rejected")

    council = models.ForeignKey(Council, models.PROTECT, related_name="proposals", verbose_name=_("council"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    addressee_ru = models.CharField(_("addressee (Russian)"), max_length=255, blank=True)
    addressee_kk = models.CharField(_("addressee (Kazakh)"), max_length=255, blank=True)
    addressee_en = models.CharField(_("addressee (English)"), max_length=255, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=500, blank=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    text_ru = models.TextField(_("text (Russian)"), blank=True)
    text_kk = models.TextField(_("text (Kazakh)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    considered_from = models.DateField(_("under consideration from"), null=True, blank=True)
    answer_ru = models.TextField(_("answer (Russian)"), blank=True)
    answer_kk = models.TextField(_("answer (Kazakh)"), blank=True)
    answer_en = models.TextField(_("answer (English)"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    meetings = models.ManyToManyField(
        Meeting, blank=True, related_name="proposals", verbose_name=_("meetings")
    )
    cases = models.ManyToManyField(
        Case, blank=True, related_name="council_proposals", verbose_name=_("cases")
    )
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["council", "state"], name="proposal_council_state")]

    def __str__(self):
        return self.title

    addressee = InLanguage(any_language=True)
    title = InLanguage(any_language=True)
    text = InLanguage(any_language=True)
    answer = InLanguage(any_language=True)


PROPOSAL_OUTCOMES = frozenset(
    {Proposal.State.ACCEPTED, Proposal.State.PARTLY_ACCEPTED, Proposal.State.REJECTED}
)


class News(models.Model):
    """A post on the council's public page and in its feeds: members are expected to make the
    council's work known, and a post is what they share on social networks."""

    council = models.ForeignKey(Council, models.PROTECT, related_name="news", verbose_name=_("council"))
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    body_ru = models.TextField(_("text (Russian)"), blank=True)
    body_kk = models.TextField(_("text (Kazakh)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    # A post often reports on one meeting; the link lets readers go on to its agenda and minutes.
    meeting = models.ForeignKey(
        Meeting, models.PROTECT, null=True, blank=True, related_name="news", verbose_name=_("meeting")
    )
    published_at = models.DateTimeField(_("published"))
    created_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("news post")
        verbose_name_plural = _("news posts")
        indexes = [models.Index(fields=["council", "published_at"], name="news_council")]

    def __str__(self):
        return self.title

    title = InLanguage(any_language=True)
    body = InLanguage(any_language=True)
