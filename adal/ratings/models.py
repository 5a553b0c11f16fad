"""International ratings: indices, the countries they rate, yearly values, source scores and targets.

A value holds what the publisher published for a country and year — score, rank, how many countries
were ranked, standard error, 90% interval, number of sources — and names in ``derived`` any figure
computed here by the publisher's own method rather than read from its file. Numbers are decimals with
six places, the most any publisher prints, so a published figure reads back exactly as published.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adal.core.models import InLanguage

FIGURE = {"max_digits": 12, "decimal_places": 6}
YEAR = [MinValueValidator(1990), MaxValueValidator(2100)]


class Country(models.Model):
    iso3 = models.CharField(
        _("ISO 3166 alpha-3 code"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Three capital Latin letters, e.g. KAZ."))],
    )
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        ordering = ["iso3"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.name

    name = InLanguage()


class Method(models.TextChoices):
    PUBLISHED = "", _("Published figures only")
    TI_CPI = "ti_cpi", _("TI CPI: mean of rescaled source scores")


class Index(models.Model):
    code = models.SlugField(
        _("code"), max_length=30, unique=True, help_text=_("Used in addresses, e.g. cpi.")
    )
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    publisher = models.CharField(_("publisher"), max_length=200)
    url = models.URLField(_("publisher's page"), blank=True)
    method = models.CharField(
        _("method"),
        max_length=10,
        choices=Method.choices,
        default=Method.PUBLISHED,
        blank=True,
        help_text=_("How the scores can be recomputed from source scores, if at all."),
    )
    scale_min = models.DecimalField(_("lowest possible score"), **FIGURE)
    scale_max = models.DecimalField(_("highest possible score"), **FIGURE)
    decimals = models.PositiveSmallIntegerField(
        _("decimals of a score"), default=0, validators=[MaxValueValidator(6)]
    )
    higher_is_better = models.BooleanField(_("a higher score is better"), default=True)
    first_year = models.PositiveSmallIntegerField(
        _("first year"), null=True, blank=True, validators=YEAR, help_text=_("The first comparable edition.")
    )
    last_year = models.PositiveSmallIntegerField(
        _("last year"),
        null=True,
        blank=True,
        validators=YEAR,
        help_text=_("The last edition, if the index was discontinued."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("index")
        verbose_name_plural = _("indices")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_min__lt=models.F("scale_max")), name="index_scale"
            ),
        ]

    def __str__(self):
        return self.name

    name = InLanguage()

    description = InLanguage()


class RatingImport(models.Model):
    """One publisher's file, kept as uploaded: staged (checked, shown for review), then committed."""

    class Format(models.TextChoices):
        TI_RESULTS = "ti-results", _("TI results and trends table")
        TI_SOURCES = "ti-sources", _("TI source-level table")
        GENERIC = "generic", _("Generic table")

    class Status(models.TextChoices):
        STAGED = "staged", _("Awaiting commit")
        COMMITTED = "committed", _("Committed")
        DISCARDED = "discarded", _("Discarded")

    index = models.ForeignKey(Index, models.PROTECT, related_name="imports", verbose_name=_("index"))
    format = models.CharField(_("format"), max_length=12, choices=Format.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("content"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.STAGED)
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
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rating import")
        verbose_name_plural = _("rating imports")

    def __str__(self):
        return f"{self.index.code}: {self.file_name}"


class IndexValue(models.Model):
    index = models.ForeignKey(Index, models.PROTECT, related_name="values", verbose_name=_("index"))
    country = models.ForeignKey(
        Country, models.PROTECT, related_name="rating_values", verbose_name=_("country")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    score = models.DecimalField(_("score"), **FIGURE)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    countries = models.PositiveIntegerField(_("countries ranked"), null=True, blank=True)
    se = models.DecimalField(_("standard error"), null=True, blank=True, **FIGURE)
    ci_low = models.DecimalField(_("lower bound of the 90 percent interval"), null=True, blank=True, **FIGURE)
    ci_high = models.DecimalField(
        _("upper bound of the 90 percent interval"), null=True, blank=True, **FIGURE
    )
    sources = models.PositiveSmallIntegerField(_("number of sources"), null=True, blank=True)
    derived = models.JSONField(_("computed figures"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    batch = models.ForeignKey(
        RatingImport, models.PROTECT, null=True, blank=True, related_name="values", verbose_name=_("import")
    )

    class Meta:
        ordering = ["index", "year", "rank"]
        verbose_name = _("rating value")
        verbose_name_plural = _("rating values")
        constraints = [
            models.UniqueConstraint(fields=["index", "country", "year"], name="one_value_per_country_year"),
        ]
        indexes = [models.Index(fields=["index", "year", "score"])]

    def __str__(self):
        return f"{self.index.code} {self.year} {self.country.iso3}: {self.score}"


class SourceScore(models.Model):
    """A source's score for a country in one year, rescaled to the index's scale (TI's 0–100)."""

    value = models.ForeignKey(IndexValue, models.CASCADE, related_name="source_scores")
    source = models.CharField(_("source"), max_length=200)
    score = models.DecimalField(_("score"), **FIGURE)

    class Meta:
        ordering = ["source"]
        verbose_name = _("source score")
        verbose_name_plural = _("source scores")
        constraints = [models.UniqueConstraint(fields=["value", "source"], name="one_score_per_source")]

    def __str__(self):
        return f"{self.source}: {self.score}"


class Target(models.Model):
    """A position to reach in an index by a year, e.g. the top 50 of the CPI by 2025."""

    class Kind(models.TextChoices):
        RANK_AT_MOST = "rank", _("Rank at most")
        SCORE_AT_LEAST = "score", _("Score at least")

    index = models.ForeignKey(Index, models.PROTECT, related_name="targets", verbose_name=_("index"))
    country = models.ForeignKey(
        Country, models.PROTECT, related_name="rating_targets", verbose_name=_("country")
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    value = models.DecimalField(_("value"), **FIGURE)
    by_year = models.PositiveSmallIntegerField(_("by the year"), validators=YEAR)
    basis_ru = models.CharField(_("basis (Russian)"), max_length=300, blank=True)
    basis_kk = models.CharField(_("basis (Kazakh)"), max_length=300, blank=True)
    basis_en = models.CharField(_("basis (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["index", "by_year", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return f"{self.index.code} {self.country.iso3} {self.kind} {self.value} by {self.by_year}"

    basis = InLanguage()
