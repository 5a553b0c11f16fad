"""The TI Corruption Perceptions Index as a composite of rescaled source scores.

The method reproduces TI's published files exactly (see shared/data/cpi/README.md): a country's score
is the mean of its k available source scores rounded half up, its standard error the sample standard
deviation over sqrt(k) (with a finite-population correction over TI's 13 sources from CPI 2020 on),
its 90% interval the rounded score plus or minus z standard errors, and ranks are competition ranks.

Means and rounding are done in decimal arithmetic on the numbers as written (a float counts as its
shortest repr, which is what a published file holds), so a mean of exactly x.5 rounds up even where
binary floating point would land a hair below it.
"""

import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext

type Score = float | int | Decimal
type Row = tuple[str, str, Mapping[str, Score | None]]

FIRST_YEAR = 2012  # the CPI became a mean of rescaled sources in 2012; earlier scores are not comparable
FPC_FROM = 2020  # TI corrects the SE for sampling 13 of 13 sources from CPI 2020 on
FPC_POPULATION = 13
DEFAULT_Z = 1.645  # the normal 90% quantile: the z of any year TI's files do not state otherwise
Z_BY_YEAR: dict[int, float] = {
    # As published; years not listed use DEFAULT_Z because no file we hold states their z.
    2014: 1.65,
    2015: 1.65,
    2021: 1.645,
    2023: 1.64,
}
SCORE_MIN, SCORE_MAX = 0, 100
# Sums of scores stay exact with this many digits (a float spans at most ~330 of them between 0 and 100),
# and a mean that is not exactly x.5 cannot come within 10^-1000 of it.
EXACT = Context(prec=1000)


@dataclass(frozen=True)
class MethodParams:
    z: float = DEFAULT_Z
    fpc_population: int | None = None
    min_sources: int = 3

    def __post_init__(self):
        if self.min_sources < 2 or self.z <= 0 or (self.fpc_population or 2) < 2:
            raise ValueError(f"impossible method parameters: {self}")

    @classmethod
    def for_year(cls, year: int) -> "MethodParams":
        return cpi_method(year)


def cpi_method(year: int) -> MethodParams:
    """The parameters TI used for the CPI of `year` (the year in the index's name, not of publication)."""
    if year < FIRST_YEAR:
        raise ValueError(f"CPI {year} predates the 2012 method and cannot be recomputed with it")
    return MethodParams(
        z=Z_BY_YEAR.get(year, DEFAULT_Z),
        fpc_population=FPC_POPULATION if year >= FPC_FROM else None,
    )


def as_decimal(x: Score) -> Decimal:
    """The number as written: a float counts as its shortest repr, not its binary expansion."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"not a finite score: {x!r}")
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def round_half_up(x: Score) -> int:
    """Round to an integer, halves away from zero (TI's rounding; scores are never negative)."""
    return int(as_decimal(x).to_integral_value(rounding=ROUND_HALF_UP))


def rescale(x: float, mu: float, sd: float) -> float:
    """A raw source value on the CPI scale: 45 + 20 standard deviations from the base-year mean, clipped."""
    if sd <= 0:
        raise ValueError("the standard deviation of a source must be positive")
    return min(max(45 + 20 * (x - mu) / sd, SCORE_MIN), SCORE_MAX)


@dataclass(frozen=True)
class Estimate:
    score: int
    mean: float
    se: float
    ci_low: float
    ci_high: float
    sources: int


@dataclass(frozen=True)
class CountryScore:
    iso3: str
    country: str
    rank: int
    score: int
    mean: float
    se: float
    ci_low: float
    ci_high: float
    sources: int


def available(scores: Mapping[str, Score | None]) -> dict[str, Decimal]:
    return {source: as_decimal(s) for source, s in scores.items() if s is not None}


def estimate(scores: Mapping[str, Score | None], params: MethodParams) -> Estimate | None:
    """One country's score, SE and interval; None when it has fewer than `min_sources` sources."""
    values = list(available(scores).values())
    k = len(values)
    if k < params.min_sources:
        return None
    with localcontext(EXACT):
        mean = sum(values) / k
    score = round_half_up(mean)
    se = statistics.stdev(float(v) for v in values) / math.sqrt(k)
    if params.fpc_population is not None:
        n = params.fpc_population
        if k > n:
            raise ValueError(f"{k} sources, more than the {n} the correction assumes")
        se *= math.sqrt((n - k) / (n - 1))
    margin = params.z * se
    return Estimate(score, float(mean), se, score - margin, score + margin, k)


def competition_ranks(scores: Iterable[int]) -> list[int]:
    """Ranks by descending score where ties share the best rank: 90, 90, 87 → 1, 1, 3."""
    scores = list(scores)
    first = {}
    for position, score in enumerate(sorted(scores, reverse=True), start=1):
        first.setdefault(score, position)
    return [first[s] for s in scores]


def composite_scores(rows: Iterable[Row], params: MethodParams) -> list[CountryScore]:
    """Every country with enough sources, ranked; sorted by rank, then country."""
    scored = [(iso3, country, e) for iso3, country, scores in rows if (e := estimate(scores, params))]
    ranks = competition_ranks(e.score for _, _, e in scored)
    results = [
        CountryScore(iso3, country, rank, e.score, e.mean, e.se, e.ci_low, e.ci_high, e.sources)
        for (iso3, country, e), rank in zip(scored, ranks, strict=True)
    ]
    return sorted(results, key=lambda r: (r.rank, r.country))


# What-if ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourcePull:
    source: str
    score: float
    deviation: float  # the source's score minus the country's unrounded mean
    pull: float  # how much the source raises the unrounded mean (negative: it holds the score down)
    score_without: int | None  # the rounded score without the source; None: too few sources left


def source_pull(row: Row, params: MethodParams) -> list[SourcePull]:
    """Each source's pull on a country's score, the ones holding it down most first."""
    _, country, scores = row
    values = available(scores)
    k = len(values)
    if estimate(scores, params) is None:
        raise ValueError(f"{country} has {k} sources, fewer than {params.min_sources}: no score to pull")
    with localcontext(EXACT):
        mean = sum(values.values()) / k
    pulls = []
    for source, value in values.items():
        rest = {s: v for s, v in values.items() if s != source}
        without = estimate(rest, params)
        pulls.append(
            SourcePull(
                source,
                float(value),
                float(value - mean),
                float((value - mean) / (k - 1)),  # mean − mean without it
                without.score if without else None,
            )
        )
    return sorted(pulls, key=lambda p: (p.pull, p.source))


@dataclass(frozen=True)
class Change:
    """The smallest changes, in multiples of `step`, in one source that move the rounded score."""

    source: str
    score: int
    up: Decimal | None  # adding it gives score + 1; None when even 100 would not
    down: Decimal | None  # negative; adding it gives score − 1; None when even 0 would not


SOURCE_STEP = Decimal("0.000001")  # TI publishes source scores to 7 significant digits, 6 decimals at most


def smallest_change_to_move(
    row: Row, params: MethodParams, source: str, step: Decimal = SOURCE_STEP
) -> Change:
    """The closed form: the mean moves by δ/k, so find the δ that carries it over the next .5 boundary.

    Half up means a mean of exactly score + .5 already rounds up, while going down the mean must fall
    strictly below score − .5: one more step than the distance. Apply the change with `shift_source`
    to keep it exact.
    """
    _, country, scores = row
    values = available(scores)
    if source not in values:
        raise ValueError(f"{source!r} does not score {country}")
    base = estimate(scores, params)
    if base is None:
        raise ValueError(f"{country} has too few sources to have a score")
    k, value = len(values), values[source]
    with localcontext(EXACT):
        total = sum(values.values())
        to_up = k * (base.score + Decimal("0.5")) - total
        to_down = total - k * (base.score - Decimal("0.5"))
        up = (to_up / step).to_integral_value(rounding=ROUND_CEILING) * step
        down = -((to_down / step).to_integral_value(rounding=ROUND_FLOOR) + 1) * step
        return Change(
            source,
            base.score,
            up if value + up <= SCORE_MAX else None,
            down if value + down >= SCORE_MIN else None,
        )


def shift_source(row: Row, source: str, delta: Score) -> Row:
    """The row with one source's score moved by `delta`, exactly (in decimal)."""
    iso3, country, scores = row
    with localcontext(EXACT):
        return iso3, country, {**scores, source: as_decimal(scores[source]) + as_decimal(delta)}
