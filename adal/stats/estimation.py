"""Survey estimates with Taylor-linearised standard errors: means, proportions and totals, by domain.

The design is stratified multi-stage with the ultimate-cluster approximation, as in samplics and R's
``survey``: only the first stage (strata, PSUs within strata, optionally the number of PSUs in each
stratum's population for the finite-population correction) enters the variance. For a statistic θ
with linearised score z_i per respondent (w_i (y_i − ȳ) / Σw for a mean, w_i y_i for a total),

    Var(θ) = Σ_h (1 − n_h / N_h) · n_h / (n_h − 1) · Σ_i (z_hi − z̄_h)²,

where z_hi is the sum of the scores in PSU i of stratum h and z̄_h their mean over the stratum's n_h
PSUs. Without PSUs each respondent is its own PSU. The conventions are samplics' (0.6), checked
against it to 1e-8 in the tests:

* confidence intervals use Student's t with the design's degrees of freedom, the number of PSUs minus
  the number of strata (of the whole design, also for domains); proportions get the logit interval,
  which is (0, 0) at an estimate of 0 and (1, 1) at 1;
* a domain is estimated with the whole design kept and the respondents outside it given a score of 0
  (not by cutting the sample), so its SE counts the randomness of the domain's sample size;
* a stratum with a single PSU is an error (as samplics' default), unless its correction is 0 (all of
  its PSUs were taken, so it adds no variance).

Missing values (NaN) in y leave that respondent out of that item only: exactly as a domain of the
respondents who answered, with the design kept (R's ``na.rm=TRUE``; samplics' ``remove_nan`` gives the
same unless a whole PSU is missing). ``n`` counts the respondents with an answer and a positive weight.

``deff`` is the Taylor variance over the variance of the same statistic under simple random sampling
with replacement of n respondents, Kish's design effect as R's ``survey`` computes it with
``deff="replace"``: S² / n for a mean or proportion and (Σw)² S² / n for a total, with
S² = n / (n − 1) · Σ w (y − ȳ)² / Σw over the domain's respondents. samplics computes no Taylor deff.

All the work is a handful of passes over the data: respondents are grouped by (PSU, domain) with a
sparse indicator product, and everything after that runs on the group sums.

Replicate weights (bootstrap or jackknife) give the alternative variance, and ``wave_difference``
tests a change between two waves.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from adal.stats.grouping import encode, group_sums, indicator
from adal.stats.weighting import as_weights

STATISTICS = ("mean", "proportion", "total")
BLOCK_ROWS = 1 << 16  # rows summed at a time, so that missing-value masks and squares stay small


@dataclass(frozen=True, eq=False)
class Design:
    """A stratified multi-stage design, one entry per respondent.

    ``fpc``, when given, is for each respondent the number of PSUs in its stratum's population (of
    respondents, when there are no PSUs); it must be the same within a stratum.
    """

    weights: np.ndarray
    strata: np.ndarray | None = None
    psu: np.ndarray | None = None
    fpc: np.ndarray | None = None

    def __post_init__(self):
        w = as_weights(self.weights)
        object.__setattr__(self, "weights", w)
        for name in ("strata", "psu", "fpc"):
            value = getattr(self, name)
            if value is not None and np.shape(value) != w.shape:
                raise ValueError(f"{name} has {np.size(value)} entries for {w.size} respondents")

    @property
    def n(self) -> int:
        return self.weights.size

    @cached_property
    def layout(self) -> "Layout":
        return Layout.of(self)


@dataclass(frozen=True, eq=False)
class Layout:
    """The design's first stage, with PSUs numbered 0..P-1 in (stratum, PSU) order."""

    psu_of: np.ndarray  # each respondent's PSU number
    stratum_of_psu: np.ndarray  # each PSU's stratum number, non-decreasing
    stratum_labels: np.ndarray
    psus_in_stratum: np.ndarray  # n_h
    fpc_factor: np.ndarray  # 1 - n_h / N_h (1 without a correction)

    @property
    def psus(self) -> int:
        return self.stratum_of_psu.size

    @property
    def strata(self) -> int:
        return self.psus_in_stratum.size

    @property
    def df(self) -> int:
        return self.psus - self.strata

    @property
    def scale(self) -> np.ndarray:
        """(1 − f_h) · n_h / (n_h − 1) per stratum; 0 for a stratum whose PSUs were all taken."""
        n_h = self.psus_in_stratum
        return self.fpc_factor * n_h / np.maximum(n_h - 1, 1)

    @classmethod
    def of(cls, design: Design) -> "Layout":
        n = design.n
        if design.strata is None:
            stratum, labels = np.zeros(n, np.intp), np.array([None], dtype=object)
        else:
            stratum, labels = encode(design.strata, what="strata")
        if design.psu is None:  # every respondent is its own PSU
            order = np.argsort(stratum, kind="stable")
            psu_of = np.empty(n, np.intp)
            psu_of[order] = np.arange(n)
            stratum_of_psu = stratum[order]
        else:
            psu, psu_labels = encode(design.psu, what="PSUs")
            psu_of, keys = encode(stratum * psu_labels.size + psu)
            stratum_of_psu = keys // psu_labels.size
        n_h = np.bincount(stratum_of_psu, minlength=labels.size)
        factor = _fpc_factor(design.fpc, stratum, n_h, labels)
        lonely = (n_h == 1) & (factor > 0)
        if lonely.any():
            stratum_label = labels.tolist()[np.flatnonzero(lonely)[0]]
            raise ValueError(
                f"stratum {stratum_label!r} has a single PSU, so its variance cannot be estimated; "
                "merge it with a similar stratum"
            )
        return cls(psu_of, stratum_of_psu, labels, n_h, factor)


def _fpc_factor(fpc, stratum: np.ndarray, n_h: np.ndarray, labels: np.ndarray) -> np.ndarray:
    if fpc is None:
        return np.ones(n_h.size)
    population = np.asarray(fpc, dtype=np.float64)
    someone = np.zeros(n_h.size, np.intp)
    someone[stratum] = np.arange(stratum.size)  # any respondent of each stratum: all must agree
    per_stratum = population[someone]
    if not (population == per_stratum[stratum]).all():
        raise ValueError("fpc must be the same for every respondent of a stratum")
    short = ~(per_stratum >= n_h)  # also catches NaN
    if short.any():
        h = int(np.flatnonzero(short)[0])
        raise ValueError(
            f"stratum {labels.tolist()[h]!r}: fpc says the population has {per_stratum[h]:g} PSUs, "
            f"fewer than the {n_h[h]} in the sample"
        )
    return 1.0 - n_h / per_stratum


@dataclass(frozen=True)
class Estimate:
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    deff: float


@dataclass(frozen=True, eq=False)
class EstimateMatrix:
    """Estimates of many items in many domains at once: every array is indexed [domain, item]."""

    statistic: str
    domains: list  # the domain labels, sorted; [None] when there was no domain
    estimate: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    n: np.ndarray
    deff: np.ndarray
    df: int

    def at(self, domain_index: int, item: int) -> Estimate:
        d, j = domain_index, item
        return Estimate(
            float(self.estimate[d, j]),
            float(self.se[d, j]),
            float(self.ci_low[d, j]),
            float(self.ci_high[d, j]),
            int(self.n[d, j]),
            float(self.deff[d, j]),
        )


def mean(y, design: Design, *, level: float = 0.95) -> Estimate:
    """The weighted mean of ``y`` (NaN: no answer, left out) with its Taylor SE and t interval."""
    return estimate_matrix("mean", _column(y), design, level=level).at(0, 0)


def proportion(y, design: Design, *, level: float = 0.95) -> Estimate:
    """The weighted share of ``y`` == 1 among the answers (0 or 1; NaN left out), with a logit interval."""
    return estimate_matrix("proportion", _column(y), design, level=level).at(0, 0)


def total(y, design: Design, *, level: float = 0.95) -> Estimate:
    """The weighted total of ``y`` (NaN left out) with its Taylor SE and t interval."""
    return estimate_matrix("total", _column(y), design, level=level).at(0, 0)


def by_domain(statistic: str, y, design: Design, domain, *, level: float = 0.95) -> dict[object, Estimate]:
    """``statistic`` ("mean", "proportion" or "total") of ``y`` in each domain, keyed by domain label."""
    m = estimate_matrix(statistic, _column(y), design, domain, level=level)
    return {label: m.at(d, 0) for d, label in enumerate(m.domains)}


def mean_matrix(Y: np.ndarray, design: Design, domain: np.ndarray | None = None, *, level: float = 0.95):
    """Means of every column of ``Y`` (respondents × items) in every domain, as an ``EstimateMatrix``."""
    return estimate_matrix("mean", Y, design, domain, level=level)


def _column(y) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"y must be one value per respondent (a 1-D array), not shape {y.shape}")
    return y[:, None]


def estimate_matrix(
    statistic: str, Y: np.ndarray, design: Design, domain: np.ndarray | None = None, *, level: float = 0.95
) -> EstimateMatrix:
    """``statistic`` of every column of ``Y`` in every domain, with SEs, intervals, counts and deffs."""
    if statistic not in STATISTICS:
        raise ValueError(f"unknown statistic {statistic!r}; choose one of {', '.join(STATISTICS)}")
    if not 0 < level < 1:
        raise ValueError(f"the confidence level must lie between 0 and 1, not {level}")
    Y = np.asarray(Y, dtype=np.float64)
    if Y.ndim != 2 or Y.shape[0] != design.n:
        raise ValueError(f"Y must be {design.n} respondents × items, not shape {Y.shape}")
    if statistic == "proportion":
        _check_binary(Y)
    layout = design.layout
    if domain is None:
        dom, labels = np.zeros(design.n, np.intp), [None]
    else:
        dom, uniques = encode(domain, what="domains")
        if dom.size != design.n:
            raise ValueError(f"{dom.size} domains for {design.n} respondents")
        labels = uniques.tolist()
    sums = _Sums.of(Y, design.weights, layout.psu_of, dom, len(labels))
    return _finish(statistic, sums, layout, labels, level)


def _check_binary(Y: np.ndarray) -> None:
    for block in range(0, Y.shape[0], BLOCK_ROWS):
        part = Y[block : block + BLOCK_ROWS]
        if not ((part == 0) | (part == 1) | np.isnan(part)).all():
            raise ValueError("a proportion needs answers coded 0 or 1 (or NaN for no answer)")


@dataclass(frozen=True, eq=False)
class _Sums:
    """Weighted sums of each item by (PSU, domain) group, the occupied groups only.

    Items are shifted by a constant per item (``shift``) before summing, so that the sums of squares
    and the scores do not lose digits to a large mean.
    """

    group_psu: np.ndarray  # PSU of each group
    group_domain: np.ndarray  # domain of each group
    domains: int
    shift: np.ndarray  # per item
    w: np.ndarray  # Σ w over answers, groups × items
    wy: np.ndarray  # Σ w (y - shift)
    wyy: np.ndarray  # Σ w (y - shift)²
    count: np.ndarray  # answers with a positive weight

    @classmethod
    def of(cls, Y: np.ndarray, weights: np.ndarray, psu_of: np.ndarray, dom: np.ndarray, domains: int):
        code, keys = encode(psu_of * domains + dom)
        groups, items = keys.size, Y.shape[1]
        shift = _typical(Y[:1024])
        w, wy, wyy, count = (np.zeros((groups, items)) for _ in range(4))
        for start in range(0, Y.shape[0], BLOCK_ROWS):
            rows = slice(start, start + BLOCK_ROWS)
            _add_block(Y[rows], weights[rows], code[rows], groups, shift, (w, wy, wyy, count))
        return cls(keys // domains, keys % domains, domains, shift, w, wy, wyy, count)


def _typical(head: np.ndarray) -> np.ndarray:
    """Each item's mean over the first answers (0 with none): a shift close to the item's mean."""
    answered = ~np.isnan(head)
    return np.where(answered, head, 0.0).sum(axis=0) / np.maximum(answered.sum(axis=0), 1)


def _add_block(Y, weights, code, groups, shift, into) -> None:
    w, wy, wyy, count = into
    answered = ~np.isnan(Y)
    centred = np.where(answered, Y - shift, 0.0)
    weighted = indicator(code, groups, weights)
    wy += weighted @ centred
    wyy += weighted @ (centred * centred)
    positive = (weights > 0).astype(np.float64)
    if answered.all():  # the common case: one bincount serves every item
        w += np.bincount(code, weights=weights, minlength=groups)[:, None]
        count += np.bincount(code, weights=positive, minlength=groups)[:, None]
    else:
        mask = answered.astype(np.float64)
        w += weighted @ mask
        count += indicator(code, groups, positive) @ mask


def _finish(statistic: str, s: _Sums, layout: Layout, labels: list, level: float) -> EstimateMatrix:
    W = group_sums(s.group_domain, s.domains, s.w)  # domains × items
    WY = group_sums(s.group_domain, s.domains, s.wy)
    WYY = group_sums(s.group_domain, s.domains, s.wyy)
    n = group_sums(s.group_domain, s.domains, s.count).round().astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        centred_mean = WY / W  # ȳ − shift
        if statistic == "total":
            estimate = WY + s.shift * W
            # z = w y, summed per group: shift back what was taken off before summing
            scores = s.wy + s.shift * s.w
        else:
            estimate = centred_mean + s.shift
            scores = (s.wy - centred_mean[s.group_domain] * s.w) / W[s.group_domain]
        variance = np.where(W > 0, _taylor_variance(scores, s, layout), np.nan)
        se = np.sqrt(variance)
        ss = WYY - W * centred_mean**2  # Σ w (y − ȳ)²
        s2 = n / (n - 1) * ss / W
        srs = s2 / n * (W**2 if statistic == "total" else 1.0)
        deff = variance / srs
    from scipy import stats  # here, not at import: it costs web workers a second and tens of MB

    t = stats.t.ppf(0.5 + level / 2, layout.df) if layout.df > 0 else np.nan
    if statistic == "proportion":
        low, high = _logit_interval(estimate, se, t)
    else:
        low, high = estimate - t * se, estimate + t * se
    return EstimateMatrix(statistic, labels, estimate, se, low, high, n, deff, layout.df)


def _taylor_variance(scores: np.ndarray, s: _Sums, layout: Layout) -> np.ndarray:
    """Σ_h scale_h Σ_{PSU i in h} (z_i − z̄_h)² for every (domain, item), from the groups' scores.

    A PSU with no respondent in a domain has score 0 there; it still counts in n_h, so it adds z̄_h².
    """
    scores = np.nan_to_num(scores)  # an empty domain has no scores; its estimate is already NaN
    stratum = layout.stratum_of_psu[s.group_psu]
    cell = stratum * s.domains + s.group_domain  # (stratum, domain)
    cells = layout.strata * s.domains
    n_h = np.repeat(layout.psus_in_stratum, s.domains)[:, None]
    z_bar = group_sums(cell, cells, scores) / n_h
    deviation = scores - z_bar[cell]
    occupied = np.bincount(cell, minlength=cells)[:, None]
    squares = group_sums(cell, cells, deviation * deviation) + (n_h - occupied) * z_bar**2
    per_stratum = squares.reshape(layout.strata, s.domains, -1)
    return np.einsum("h,hdj->dj", layout.scale, per_stratum)


def _logit_interval(p: np.ndarray, se: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.log(p / (1 - p))
        half = t * se / (p * (1 - p))
        low, high = _expit(centre - half), _expit(centre + half)
    edge = (p == 0) | (p == 1)
    return np.where(edge, p, low), np.where(edge, p, high)


def _expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


# Replicate weights ---------------------------------------------------------------------------------

REPLICATE_METHODS = ("bootstrap", "jackknife")
MAX_REPLICATE_CELLS = 100_000_000  # respondents × replicates: 800 MB of weights


def replicate_weights(
    design: Design, *, method: str = "bootstrap", replicates: int = 200, seed: int = 0
) -> np.ndarray:
    """Replicate weights, respondents × replicates, for the variance of any statistic.

    ``bootstrap``: Rao and Wu's rescaling bootstrap, as samplics draws it: in each stratum n_h − 1 of
    its n_h PSUs are drawn with replacement, and a PSU drawn c times has its weights multiplied by
    1 − a + a · c · n_h / (n_h − 1), with a = √(1 − f_h) (a = 1 without a correction), so the
    replicates' variance matches the Taylor variance of a total in expectation. ``jackknife``: delete
    one PSU (JKn): one replicate per PSU, that PSU's weights set to 0 and the rest of its stratum's
    multiplied by n_h / (n_h − 1); ``replicates`` is then the number of PSUs, whatever is asked.
    ``seed`` makes the bootstrap reproducible.
    """
    if method not in REPLICATE_METHODS:
        raise ValueError(f"unknown replication method {method!r}; choose bootstrap or jackknife")
    layout = design.layout
    count = layout.psus if method == "jackknife" else replicates
    if count < 2:
        raise ValueError("a replicate variance needs at least 2 replicates")
    if design.n * count > MAX_REPLICATE_CELLS:
        raise ValueError(
            f"{design.n:,} respondents × {count:,} replicates is too many weights to hold; "
            + (
                "use the bootstrap with fewer replicates"
                if method == "jackknife"
                else "ask for fewer replicates"
            )
        )
    if method == "jackknife":
        multipliers = _jackknife_multipliers(layout)
    else:
        multipliers = _bootstrap_multipliers(layout, count, np.random.default_rng(seed))
    return design.weights[:, None] * multipliers[layout.psu_of]


def _bootstrap_multipliers(layout: Layout, replicates: int, rng: np.random.Generator) -> np.ndarray:
    """PSUs × replicates: every stratum's n_h − 1 draws with replacement, all strata at once."""
    n_h = layout.psus_in_stratum
    first_psu = np.concatenate([[0], np.cumsum(n_h)[:-1]])
    drawn_from = np.repeat(np.arange(n_h.size), np.maximum(n_h - 1, 0))  # the stratum of each draw
    draws = first_psu[drawn_from] + np.floor(rng.random((replicates, drawn_from.size)) * n_h[drawn_from])
    cell = (np.arange(replicates)[:, None] * layout.psus + draws.astype(np.intp)).ravel()
    counts = np.bincount(cell, minlength=replicates * layout.psus).reshape(replicates, layout.psus)
    h = layout.stratum_of_psu
    a = np.sqrt(layout.fpc_factor)[h]
    rescale = (n_h / np.maximum(n_h - 1, 1))[h]
    return (1 - a + a * rescale * counts).T


def _jackknife_multipliers(layout: Layout) -> np.ndarray:
    """PSUs × replicates (one per PSU); a stratum whose PSUs were all taken is left as it is."""
    h = layout.stratum_of_psu
    n_h = layout.psus_in_stratum[h]
    same_stratum = h[:, None] == h[None, :]
    inflate = np.where(n_h > 1, n_h / np.maximum(n_h - 1, 1), 1.0)
    multipliers = np.where(same_stratum, inflate[None, :], 1.0)
    np.fill_diagonal(multipliers, np.where(n_h > 1, 0.0, 1.0))
    return multipliers


def replicate_se(
    y, design: Design, replicate_weights: np.ndarray, *, statistic: str = "mean", method: str = "bootstrap"
) -> float:
    """The SE of ``statistic`` of ``y`` (NaN left out) from replicate weights made by ``replicate_weights``.

    ``bootstrap``: the variance of the R replicate estimates around their mean, divided by R (samplics'
    default). ``jackknife``: Σ_r (1 − f_h) (n_h − 1) / n_h · (θ_r − θ)², around the full-sample
    estimate θ, with h the stratum of the PSU replicate r leaves out (samplics' ``conservative``
    form, R's ``mse=TRUE``); for a total it equals the Taylor variance exactly.
    """
    if statistic not in STATISTICS:
        raise ValueError(f"unknown statistic {statistic!r}; choose one of {', '.join(STATISTICS)}")
    if method not in REPLICATE_METHODS:
        raise ValueError(f"unknown replication method {method!r}; choose bootstrap or jackknife")
    y = _column(y)[:, 0]
    replicates = np.asarray(replicate_weights, dtype=np.float64)
    if replicates.ndim != 2 or replicates.shape[0] != design.n:
        raise ValueError(
            f"replicate weights must be {design.n} respondents × replicates, not {replicates.shape}"
        )
    answered = ~np.isnan(y)
    y0 = np.where(answered, y, 0.0)
    full = _weighted(statistic, y0 @ design.weights, answered @ design.weights)
    theta = _weighted(statistic, y0 @ replicates, answered @ replicates)
    if method == "bootstrap":
        return float(np.sqrt(np.mean((theta - theta.mean()) ** 2)))
    layout = design.layout
    if replicates.shape[1] != layout.psus:
        raise ValueError(
            f"{replicates.shape[1]} replicates, but the jackknife has one per PSU ({layout.psus})"
        )
    h = layout.stratum_of_psu
    n_h = layout.psus_in_stratum[h]
    coefficient = layout.fpc_factor[h] * (n_h - 1) / n_h
    return float(np.sqrt(np.sum(coefficient * (theta - full) ** 2)))


def _weighted(statistic: str, weighted_sum, weight_total):
    return weighted_sum if statistic == "total" else weighted_sum / weight_total


# Two waves ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    difference: float
    se: float
    z: float
    p_value: float
    significant: bool


def wave_difference(a: Estimate, b: Estimate, *, level: float = 0.95) -> Difference:
    """Has the estimate changed from wave ``a`` to wave ``b``? A two-sided z test of b − a.

    The waves are independent samples, so the variance of the difference is the sum of the two
    variances; the normal reference suits the large samples of a national survey.
    """
    if not 0 < level < 1:
        raise ValueError(f"the confidence level must lie between 0 and 1, not {level}")
    difference = b.estimate - a.estimate
    se = float(np.hypot(a.se, b.se))
    # With no sampling error at all, any change is certain and no change is no evidence.
    no_error_z = 0.0 if difference == 0 else float(np.copysign(np.inf, difference))
    z = difference / se if se > 0 else no_error_z
    from scipy import stats

    p_value = float(2 * stats.norm.sf(abs(z)))
    return Difference(difference, se, z, p_value, p_value < 1 - level)
