"""Perception surveys: the instrument and its index components, census margins, waves, their microdata
and its imports.

Microdata are stored by column, not by respondent: each column of a wave is cut into blocks of
``Microdata.block_rows`` respondents, and each block is one zlib-compressed numpy array in a
``MicrodataBlock`` row. A million respondents with a dozen answers become a few hundred rows of a
few megabytes in all (an answer takes two bytes before compression), an import writes them in one
short transaction, and every estimate reads whole columns straight into numpy without parsing. A row
per respondent (relational or JSON) would mean a million inserts per import and a million Python
objects per estimate.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from adal.core.models import InLanguage, Territory


def label_in_language(labels: dict) -> str:
    lang = (get_language() or "ru")[:2]
    return labels.get(lang) or labels.get("ru") or ""


class Instrument(models.Model):
    """A questionnaire: its items, and how their answers make the index's components."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    min_age = models.PositiveSmallIntegerField(_("youngest respondent's age"), default=18)
    max_age = models.PositiveSmallIntegerField(_("oldest plausible age"), default=110)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("survey instrument")
        verbose_name_plural = _("survey instruments")

    def __str__(self):
        return self.name

    name = InLanguage()

    description = InLanguage()


class Component(models.Model):
    """One component of the index; the index is the weighted combination of the component scores."""

    instrument = models.ForeignKey(Instrument, models.CASCADE, related_name="components")
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    weight = models.DecimalField(_("weight in the index"), max_digits=6, decimal_places=4)

    class Meta:
        ordering = ["instrument", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="survey_component_code")]
        verbose_name = _("index component")
        verbose_name_plural = _("index components")

    def __str__(self):
        return self.name

    name = InLanguage()

    description = InLanguage()


class Item(models.Model):
    """A question, named by its column in the microdata.

    ``options`` lists the answer codes: ``{"code": 1, "label": {"ru": …, "kk": …, "en": …}, "score": 75}``.
    An index item scores every substantive answer from 0 (most corruption) to 100 (least); an option
    whose score is null ("don't know", "refused") counts as item non-response. The sector item has no
    scores: it names the public service the respondent used, and the index is estimated by it.
    An item may be asked only of some respondents: those whose answer to ``condition_item`` is one of
    ``condition_codes`` (bribery, of those who used a public service); for the others it does not apply.
    """

    class Role(models.TextChoices):
        INDEX = "index", _("Index item")
        SECTOR = "sector", _("Public service (sector)")

    instrument = models.ForeignKey(Instrument, models.CASCADE, related_name="items")
    code = models.SlugField(_("column"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.INDEX)
    component = models.ForeignKey(
        Component, models.PROTECT, null=True, blank=True, related_name="items", verbose_name=_("component")
    )
    weight = models.DecimalField(_("weight in its component"), max_digits=6, decimal_places=4, default=1)
    text_ru = models.TextField(_("wording (Russian)"))
    text_kk = models.TextField(_("wording (Kazakh)"))
    text_en = models.TextField(_("wording (English)"))
    options = models.JSONField(_("answer options"), default=list)
    required = models.BooleanField(_("answer required"), default=False)
    condition_item = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("asked only if")
    )
    condition_codes = models.JSONField(_("answers that lead to this item"), default=list, blank=True)

    class Meta:
        ordering = ["instrument", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="survey_item_code")]
        verbose_name = _("survey item")
        verbose_name_plural = _("survey items")

    def __str__(self):
        return self.code

    text = InLanguage()

    @property
    def codes(self) -> list[int]:
        return [o["code"] for o in self.options]

    def option_label(self, code: int) -> str:
        for option in self.options:
            if option["code"] == code:
                return label_in_language(option["label"])
        return str(code)


class CensusMargins(models.Model):
    """Population totals the weights are raked to, with where they come from.

    Two margins: adults by region × sex × age group, and adults by type of settlement (urban/rural).
    ``age_groups`` holds the lower bound of each group, the last one open: [18, 30, 45, 60]."""

    name = models.CharField(_("name"), max_length=255)
    source = models.TextField(_("source"))
    source_url = models.URLField(_("source address"), blank=True)
    reference_date = models.DateField(_("reference date"))
    age_groups = models.JSONField(_("age groups (lower bounds)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-reference_date", "name"]
        verbose_name = _("census margins")
        verbose_name_plural = _("census margins")

    def __str__(self):
        return self.name


class Sex(models.IntegerChoices):
    MALE = 1, _("Male")
    FEMALE = 2, _("Female")


class Settlement(models.IntegerChoices):
    URBAN = 1, _("Urban")
    RURAL = 2, _("Rural")


class MarginCell(models.Model):
    """One population total: of a region × sex × age group, or of a type of settlement."""

    class Dimension(models.TextChoices):
        REGION_SEX_AGE = "region_sex_age", _("Region × sex × age group")
        SETTLEMENT = "settlement", _("Urban / rural")

    margins = models.ForeignKey(CensusMargins, models.CASCADE, related_name="cells")
    dimension = models.CharField(_("margin"), max_length=20, choices=Dimension.choices)
    region = models.ForeignKey(Territory, models.PROTECT, null=True, blank=True, related_name="+")
    sex = models.PositiveSmallIntegerField(_("sex"), choices=Sex.choices, null=True, blank=True)
    age_group = models.PositiveSmallIntegerField(_("age group"), null=True, blank=True)
    settlement = models.PositiveSmallIntegerField(
        _("settlement"), choices=Settlement.choices, null=True, blank=True
    )
    population = models.PositiveBigIntegerField(_("population"))

    class Meta:
        ordering = ["margins", "dimension", "region__kato", "sex", "age_group", "settlement"]
        verbose_name = _("margin cell")
        verbose_name_plural = _("margin cells")

    def __str__(self):
        return f"{self.dimension}: {self.population}"


class Wave(models.Model):
    """One round of fieldwork: its design, its weighting, and the results computed from its microdata.

    The sample is stratified by region; ``psu`` in the microdata names the primary sampling unit.
    ``weighting`` and ``results`` are written together by the weighting service and read by the pages,
    so a page never recomputes a million respondents."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", pgettext_lazy("survey wave", "Published")

    class BaseWeight(models.TextChoices):
        WEIGHT = "weight", _("The design weight of each respondent")
        PROBABILITY = "probability", _("The probability of selection of each respondent")

    instrument = models.ForeignKey(Instrument, models.PROTECT, related_name="waves")
    margins = models.ForeignKey(CensusMargins, models.PROTECT, related_name="waves")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    fieldwork_start = models.DateField(_("fieldwork from"))
    fieldwork_end = models.DateField(_("fieldwork to"))
    design_ru = models.TextField(_("sample design (Russian)"), blank=True)
    design_kk = models.TextField(_("sample design (Kazakh)"), blank=True)
    design_en = models.TextField(_("sample design (English)"), blank=True)
    base_weight = models.CharField(
        _("the weight column holds"), max_length=12, choices=BaseWeight.choices, default=BaseWeight.WEIGHT
    )
    trim_lower = models.DecimalField(_("lowest weight, times the mean"), max_digits=6, decimal_places=3)
    trim_upper = models.DecimalField(_("highest weight, times the mean"), max_digits=6, decimal_places=3)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    weighting = models.JSONField(_("weighting report"), default=dict, blank=True)
    results = models.JSONField(_("results"), default=dict, blank=True)
    weighted_at = models.DateTimeField(_("weighted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-fieldwork_end", "-id"]
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")

    def __str__(self):
        return self.name

    name = InLanguage()

    design = InLanguage()


class MicrodataImport(models.Model):
    """One uploaded file and what became of it: progress while it runs, then either every respondent
    committed or nothing, with the bad rows (the first ``ERRORS_KEPT``) and their count.

    Errors are kept as codes with their facts and put into words when shown, in the reader's language.
    """

    ERRORS_KEPT = 100

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Checking and reading")
        FAILED = "failed", _("Refused: nothing imported")
        DONE = "done", _("Imported")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        SAV = "sav", "SPSS (.sav)"

    wave = models.ForeignKey(Wave, models.CASCADE, related_name="imports")
    file = models.FileField(_("file"), upload_to="survey/imports/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    bad_rows = models.PositiveIntegerField(_("bad rows"), default=0)
    errors = models.JSONField(_("first errors"), default=list, blank=True)
    failure = models.JSONField(_("why the file was refused"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("microdata import")
        verbose_name_plural = _("microdata imports")

    def __str__(self):
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.FAILED, self.State.DONE)


class Microdata(models.Model):
    """The respondents of a wave, by column (see the module's note); one per wave, replaced whole."""

    wave = models.OneToOneField(Wave, models.CASCADE, related_name="microdata")
    source = models.OneToOneField(MicrodataImport, models.PROTECT, related_name="microdata")
    respondents = models.PositiveIntegerField(_("respondents"))
    block_rows = models.PositiveIntegerField()
    psu_labels = models.JSONField(default=list)  # PSU code in the data → the label in the file
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("microdata")
        verbose_name_plural = _("microdata")

    def __str__(self):
        return f"{self.wave}: {self.respondents}"


class MicrodataBlock(models.Model):
    """``block_rows`` consecutive respondents of one column, as a zlib-compressed numpy array."""

    microdata = models.ForeignKey(Microdata, models.CASCADE, related_name="blocks")
    column = models.CharField(max_length=40)
    seq = models.PositiveIntegerField()
    dtype = models.CharField(max_length=8)
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["microdata", "column", "seq"], name="survey_block_position")
        ]

    def __str__(self):
        return f"{self.column} #{self.seq}"
