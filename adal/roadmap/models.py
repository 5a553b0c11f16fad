"""The programme's road map: a programme in stages, measures in a tree of any depth under each stage,
dated progress reports on the measures, and indicators with yearly baseline, target and actual values.

Nothing here is typed that can be computed: a measure's progress comes from its confirmed progress
reports (a leaf) or from its children by the parent's roll-up method, and its status and red/amber/green
rating from its deadline and progress (``adal.roadmap.progress``). Only the decision to cancel a measure
is kept as such. Progress reports and their confirmations are append-only rows.

Every programme, stage, measure and indicator has an external id (``code``) by which a road map is
imported and exported.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adal.core.models import InLanguage, Unit
from adal.roadmap import progress as p

CODE = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$", _("Latin letters, digits, dots, dashes and underscores.")
)
YEAR = [MinValueValidator(1990), MaxValueValidator(2100)]
FIGURE = {"max_digits": 14, "decimal_places": 4}


class AppendOnly(models.Model):
    """A row that is written once and never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{self._meta.verbose_name} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.verbose_name} rows are append-only")


class Programme(models.Model):
    code = models.CharField(_("external id"), max_length=60, unique=True, validators=[CODE])
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    working_days = models.BooleanField(
        _("deadlines in working days"),
        default=False,
        help_text=_("Measures' deadlines are counted in working days of Kazakhstan's calendar."),
    )

    class Meta:
        ordering = ["starts_on", "code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")), name="programme_dates"
            )
        ]

    def __str__(self):
        return self.title

    title = InLanguage()
    description = InLanguage()


class Stage(models.Model):
    programme = models.ForeignKey(
        Programme, models.CASCADE, related_name="stages", verbose_name=_("programme")
    )
    code = models.CharField(_("external id"), max_length=60, validators=[CODE])
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["programme", "number", "starts_on"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="one_stage_per_code"),
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")), name="stage_dates"
            ),
        ]

    def __str__(self):
        return self.title

    title = InLanguage()


class Rollup(models.TextChoices):
    WEIGHTED_MEAN = p.WEIGHTED_MEAN, _("weighted mean of the children's progress")
    SHARE_DONE = p.SHARE_DONE, _("share of the children done")
    MINIMUM = p.MINIMUM, _("the least progress among the children")


class Status(models.TextChoices):
    PLANNED = p.PLANNED, _("planned")
    IN_PROGRESS = p.IN_PROGRESS, _("in progress")
    DONE = p.FINISHED, _("done")
    OVERDUE = p.OVERDUE, _("overdue")
    CANCELLED = p.CANCELLED, _("cancelled")


class Measure(models.Model):
    programme = models.ForeignKey(
        Programme, models.CASCADE, related_name="measures", verbose_name=_("programme")
    )
    stage = models.ForeignKey(Stage, models.PROTECT, related_name="measures", verbose_name=_("stage"))
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("part of")
    )
    code = models.CharField(_("external id"), max_length=60, validators=[CODE])
    order = models.PositiveIntegerField(_("order"), default=0)
    title_ru = models.CharField(_("title (Russian)"), max_length=500)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    responsible_unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="roadmap_measures",
        verbose_name=_("responsible unit"),
        help_text=_("Its staff report the measure's progress."),
    )
    responsible_body_ru = models.CharField(_("responsible state body (Russian)"), max_length=300, blank=True)
    responsible_body_kk = models.CharField(_("responsible state body (Kazakh)"), max_length=300, blank=True)
    responsible_body_en = models.CharField(_("responsible state body (English)"), max_length=300, blank=True)
    starts_on = models.DateField(
        _("starts on"), null=True, blank=True, help_text=_("The stage's start if blank.")
    )
    deadline = models.DateField(_("deadline"))
    deadline_days = models.PositiveIntegerField(
        _("deadline in working days"),
        null=True,
        blank=True,
        help_text=_("Where the programme counts working days: the deadline is this many after the start."),
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Its share in the parent's weighted mean; blank counts as 1."),
    )
    rollup = models.CharField(
        _("roll-up of the parts"), max_length=16, choices=Rollup.choices, default=Rollup.WEIGHTED_MEAN
    )
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)

    class Meta:
        ordering = ["programme", "order", "id"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="one_measure_per_code"),
        ]

    def __str__(self):
        return self.title

    title = InLanguage()
    description = InLanguage()
    responsible_body = InLanguage()

    @property
    def start(self):
        return self.starts_on or self.stage.starts_on

    @property
    def responsible(self) -> str:
        """Who answers for the measure: the named state body, else the unit."""
        if self.responsible_body_ru:
            return self.responsible_body
        return self.responsible_unit.name if self.responsible_unit_id else ""


class ProgressReport(AppendOnly):
    """How far a measure had come on a day, as its reporter says; it counts once a second person of the
    responsible unit (or its head, or a road-map manager) confirms it."""

    measure = models.ForeignKey(Measure, models.PROTECT, related_name="reports", verbose_name=_("measure"))
    as_of = models.DateField(_("as of"))
    percent = models.DecimalField(
        _("progress, %"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    text = models.TextField(_("what was done"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_by_label = models.CharField(_("reported by"), max_length=150)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        ordering = ["measure", "as_of", "reported_at", "id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.measure.code} {self.as_of}: {self.percent}%"


class Confirmation(AppendOnly):
    """The second signature on a progress report: by someone other than its reporter."""

    report = models.OneToOneField(
        ProgressReport, models.PROTECT, related_name="confirmation", verbose_name=_("progress report")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_by_label = models.CharField(_("confirmed by"), max_length=150)
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    class Meta:
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")

    def __str__(self):
        return f"{self.report} ✓ {self.confirmed_by_label}"


class Evidence(AppendOnly):
    """A file attached to a progress report, kept encrypted in the file store (adal.core.files)."""

    report = models.ForeignKey(
        ProgressReport, models.PROTECT, related_name="evidence", verbose_name=_("progress report")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    stored_name = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.file_name


class LiveSource(models.TextChoices):
    TYPED = "", _("typed, with its source")
    RATING_SCORE = "rating_score", _("an international rating's score")
    RATING_RANK = "rating_rank", _("an international rating's rank")
    SURVEY_INDEX = "survey_index", _("the national corruption perception index")
    HOTLINE_ON_TIME = "hotline_on_time", _("the share of hotline reports answered on time, %")
    COUNCIL_MEETINGS = "council_meetings", _("council meetings held")


class Indicator(models.Model):
    programme = models.ForeignKey(
        Programme, models.CASCADE, related_name="indicators", verbose_name=_("programme")
    )
    code = models.CharField(_("external id"), max_length=60, validators=[CODE])
    order = models.PositiveIntegerField(_("order"), default=0)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    unit_ru = models.CharField(_("unit of measure (Russian)"), max_length=60, blank=True)
    unit_kk = models.CharField(_("unit of measure (Kazakh)"), max_length=60, blank=True)
    unit_en = models.CharField(_("unit of measure (English)"), max_length=60, blank=True)
    higher_is_better = models.BooleanField(_("a higher value is better"), default=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=0, validators=[MaxValueValidator(4)])
    source = models.CharField(
        _("live source"), max_length=20, choices=LiveSource.choices, blank=True, default=LiveSource.TYPED
    )
    source_key = models.CharField(
        _("which one"),
        max_length=60,
        blank=True,
        help_text=_("The rating's code (e.g. cpi) for a rating's figures."),
    )
    source_note = models.CharField(
        _("source of typed values"), max_length=300, blank=True, help_text=_("Where typed values come from.")
    )

    class Meta:
        ordering = ["programme", "order", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="one_indicator_per_code"),
        ]

    def __str__(self):
        return self.title

    title = InLanguage()
    unit = InLanguage()

    @property
    def is_live(self) -> bool:
        return bool(self.source)


class IndicatorYear(models.Model):
    """An indicator's baseline, target and (typed) actual value for one year. The actual of a live
    indicator is computed from its source and never stored here."""

    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="years", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    baseline = models.DecimalField(_("baseline"), null=True, blank=True, **FIGURE)
    target = models.DecimalField(_("target"), null=True, blank=True, **FIGURE)
    actual = models.DecimalField(_("actual"), null=True, blank=True, **FIGURE)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("indicator's year")
        verbose_name_plural = _("indicators' years")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_row_per_indicator_year")
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.year}"


class RoadmapImport(models.Model):
    """A road-map file kept as uploaded: staged (checked, its differences shown), then applied."""

    class State(models.TextChoices):
        STAGED = "staged", _("Awaiting review")
        APPLIED = "applied", _("Applied")
        DISCARDED = "discarded", _("Discarded")

    programme = models.ForeignKey(
        Programme, models.CASCADE, related_name="imports", verbose_name=_("programme")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("content"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.STAGED)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("road-map import")
        verbose_name_plural = _("road-map imports")

    def __str__(self):
        return f"{self.programme.code}: {self.file_name}"
