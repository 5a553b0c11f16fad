"""Reads of the ratings: a country's history in each index with its targets, a year's ranking, and the
what-if analysis of a CPI score from its sources."""

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.conf import settings
from django.db.models import Count, Max, Min

from adal.ratings.importers import Figures, differs, parse_import
from adal.ratings.models import Country, Index, IndexValue, Method, RatingImport, SourceScore, Target
from adal.stats.composite import (
    Change,
    Estimate,
    SourcePull,
    cpi_method,
    estimate,
    shift_source,
    smallest_change_to_move,
    source_pull,
)

DEFAULT_COUNTRY = "KAZ"


def home_country() -> Country | None:
    """The country the platform serves (Kazakhstan unless ADAL_RATINGS_COUNTRY says otherwise)."""
    return Country.objects.filter(iso3=getattr(settings, "ADAL_RATINGS_COUNTRY", DEFAULT_COUNTRY)).first()


def indices_with_coverage() -> list[Index]:
    """Every index, each with `first`, `last` (years) and `count` (countries) of its values."""
    return list(
        Index.objects.annotate(
            first=Min("values__year"), last=Max("values__year"), count=Count("values__country", distinct=True)
        )
    )


def countries_rated() -> list[Country]:
    countries = Country.objects.filter(rating_values__isnull=False).distinct()
    return sorted(countries, key=lambda c: c.name.casefold())


@dataclass
class TargetProgress:
    target: Target
    value: IndexValue | None  # the value the target is judged on: of its year if known, else the latest
    gap: Decimal | None  # places to climb, or points to gain; 0 or less: reached
    status: str  # "met", "missed", "open" or "unknown"


@dataclass
class IndexHistory:
    index: Index
    values: list[IndexValue]
    targets: list[TargetProgress] = field(default_factory=list)
    what_if_years: list[int] = field(default_factory=list)

    @property
    def latest(self) -> IndexValue:
        return self.values[-1]

    @property
    def has_computed_intervals(self) -> bool:
        return any("ci" in v.derived for v in self.values)

    @property
    def latest_ranked(self) -> IndexValue | None:
        return next((v for v in reversed(self.values) if v.rank is not None), None)


def country_histories(country: Country) -> list[IndexHistory]:
    """Every index that rates the country, with its values by year, targets and what-if years."""
    values = IndexValue.objects.filter(country=country).select_related("index").order_by("index", "year")
    by_index: dict[int, IndexHistory] = {}
    for v in values:
        by_index.setdefault(v.index_id, IndexHistory(v.index, [])).values.append(v)
    for target in Target.objects.filter(country=country).select_related("index", "country"):
        history = by_index.setdefault(target.index_id, IndexHistory(target.index, []))
        history.targets.append(target_progress(target, history.values))
    with_sources = SourceScore.objects.filter(value__country=country, value__index__method=Method.TI_CPI)
    for index_id, year in with_sources.values_list("value__index_id", "value__year").distinct():
        by_index[index_id].what_if_years.append(year)
    histories = sorted(by_index.values(), key=lambda h: (h.index.order, h.index.code))
    for h in histories:
        h.what_if_years.sort()
    return histories


def target_progress(target: Target, values: list[IndexValue]) -> TargetProgress:
    """How far the country is from the target, on the value of the target's year when it is known."""
    rank_target = target.kind == Target.Kind.RANK_AT_MOST
    judged = [v for v in values if v.year <= target.by_year and (v.rank is not None or not rank_target)]
    if not judged:
        return TargetProgress(target, None, None, "unknown")
    value = judged[-1]
    if rank_target:
        gap = Decimal(value.rank) - target.value
    else:
        gap = target.value - value.score if target.index.higher_is_better else value.score - target.value
    # Missed only once the target's own year is published without reaching it.
    status = "met" if gap <= 0 else "missed" if value.year == target.by_year else "open"
    return TargetProgress(target, value, gap, status)


def ranking(index: Index, year: int) -> list[IndexValue]:
    """A year's values, best first; without published ranks, by score."""
    sign = -1 if index.higher_is_better else 1
    values = IndexValue.objects.filter(index=index, year=year).select_related("country")
    return sorted(values, key=lambda v: (v.rank is None, v.rank or 0, sign * v.score, v.country.name))


def index_years(index: Index) -> list[int]:
    return list(
        IndexValue.objects.filter(index=index).values_list("year", flat=True).distinct().order_by("year")
    )


# ---------------------------------------------------------------- what-if


CENT = Decimal("0.01")


@dataclass
class SourceWhatIf:
    pull: SourcePull
    change: Change
    score: Decimal  # the source's score as stored

    # The score the source would need, to the cent and on the safe side: reaching it is enough.
    @property
    def needed_for_rise(self) -> Decimal | None:
        return None if self.change.up is None else (self.score + self.change.up).quantize(CENT, ROUND_CEILING)

    @property
    def needed_for_fall(self) -> Decimal | None:
        return (
            None if self.change.down is None else (self.score + self.change.down).quantize(CENT, ROUND_FLOOR)
        )


@dataclass
class WhatIf:
    value: IndexValue
    base: Estimate
    sources: list[SourceWhatIf]  # the ones holding the score down most first

    # The mean moves by the change over k whichever source moves, so the smallest change is one number
    # (where the 0–100 scale lets a source move that far at all).
    @property
    def rise(self) -> Decimal | None:
        ups = [s.change.up for s in self.sources if s.change.up is not None]
        return ups[0].quantize(CENT, ROUND_CEILING) if ups else None

    @property
    def fall(self) -> Decimal | None:
        downs = [-s.change.down for s in self.sources if s.change.down is not None]
        return downs[0].quantize(CENT, ROUND_CEILING) if downs else None


@dataclass
class Scenario:
    source: str
    change: Decimal
    estimate: Estimate
    rank: int  # among the year's other countries, as they stand


def what_if(value: IndexValue) -> WhatIf | None:
    """Each source's pull on the score and the smallest change in it that moves the rounded score;
    None when the value has no source scores or too few of them."""
    row = source_row(value)
    params = cpi_method(value.year)
    base = estimate(row[2], params)
    if base is None:
        return None
    pulls = source_pull(row, params)
    return WhatIf(
        value,
        base,
        [SourceWhatIf(p, smallest_change_to_move(row, params, p.source), row[2][p.source]) for p in pulls],
    )


def source_row(value: IndexValue) -> tuple[str, str, dict[str, Decimal]]:
    scores = {s.source: s.score.normalize() for s in value.source_scores.all()}
    return value.country.iso3, value.country.name, scores


def scenario(value: IndexValue, source: str, change: Decimal) -> Scenario:
    """The score, interval and rank if one source's score moved by `change`; the rank is among the
    year's other countries as they stand."""
    moved = shift_source(source_row(value), source, change)
    result = estimate(moved[2], cpi_method(value.year))
    better = IndexValue.objects.filter(index=value.index, year=value.year, score__gt=result.score)
    return Scenario(source, change, result, better.exclude(pk=value.pk).count() + 1)


# ---------------------------------------------------------------- imports


@dataclass
class ImportPreview:
    batch: RatingImport
    figures: list[Figures]
    changes: list[tuple[Figures, IndexValue | None]]  # new or changed values, the stored one beside


def import_preview(batch: RatingImport, limit: int = 100) -> ImportPreview:
    """The staged file's figures against what is stored: the first `limit` new or changed values."""
    figures = parse_import(index=batch.index, fmt=batch.format, content=bytes(batch.content), year=batch.year)
    stored = {
        (v.country_id, v.year): v
        for v in IndexValue.objects.filter(index=batch.index, year__in={f.year for f in figures})
    }
    changes = []
    for f in figures:
        old = stored.get((f.country.pk, f.year))
        if old is None or differs(f, old):
            changes.append((f, old))
            if len(changes) == limit:
                break
    return ImportPreview(batch, figures, changes)
