"""Survey weights: base weights, non-response adjustment, raking, trimming and Kish's design effect.

Arrays in, plain dataclasses out; one weight per respondent, in the order of the microdata. Raking is
iterative proportional fitting (Deming and Stephan, 1940) on the respondents themselves, one margin
after another, each step a ``np.bincount`` and a gather, so a million respondents rake in well under
a second. The errors carry what went wrong as attributes (the margins, the totals, the category) so
that an application can phrase them in its user's language.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from adal.stats.grouping import encode

MARGIN_TOTAL_RTOL = 1e-6  # population totals of the margins must agree this closely
BOUND_RTOL = 1e-6  # a trimmed weight this close to its bound counts as within it
STALL_CYCLES = 20  # bounded raking gives up when its error has not halved in this many cycles


class InconsistentMargins(ValueError):
    """The margins cannot all be met: totals disagree, or a category and its target do not match up."""

    def __init__(
        self, message: str, *, totals: Mapping[str, float] | None = None, margin=None, category=None
    ):
        super().__init__(message)
        self.totals = dict(totals or {})
        self.margin = margin
        self.category = category


class RakingDidNotConverge(ValueError):
    """Raking stopped at ``max_iter`` cycles short of the tolerance; ``report`` holds where it got to."""

    def __init__(self, message: str, report: "RakeReport"):
        super().__init__(message)
        self.report = report


@dataclass(frozen=True, eq=False)
class RakeReport:
    weights: np.ndarray
    iterations: int
    converged: bool
    max_error: float  # largest |achieved - target| / target over all margin cells


@dataclass(frozen=True, eq=False)
class _Margin:
    name: str
    codes: np.ndarray  # category code of each respondent, 0..k-1
    labels: list  # the k categories
    targets: np.ndarray  # population total of each category


type Margins = Mapping[str, tuple[np.ndarray, Mapping[object, float]]]


def as_weights(weights, *, what: str = "weights") -> np.ndarray:
    """A float copy of ``weights``, checked: 1-D, finite, non-negative, not all zero."""
    w = np.array(weights, dtype=np.float64)
    if w.ndim != 1 or w.size == 0:
        raise ValueError(f"{what} must be a non-empty 1-D array, not shape {w.shape}")
    if not np.isfinite(w).all():
        raise ValueError(f"{what} must be finite numbers; {int((~np.isfinite(w)).sum())} are not")
    if (w < 0).any():
        raise ValueError(f"{what} cannot be negative; {int((w < 0).sum())} are")
    if not w.any():
        raise ValueError(f"{what} are all zero")
    return w


def base_weights(selection_probability: np.ndarray) -> np.ndarray:
    """Design weights: the inverse of each respondent's probability of selection (0 < p ≤ 1)."""
    p = np.asarray(selection_probability, dtype=np.float64)
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"selection probabilities must be a non-empty 1-D array, not shape {p.shape}")
    bad = ~((p > 0) & (p <= 1))  # also catches NaN
    if bad.any():
        raise ValueError(
            f"selection probabilities must lie in (0, 1]; {int(bad.sum())} do not, "
            f"the first at position {int(np.flatnonzero(bad)[0])}"
        )
    return 1.0 / p


def nonresponse_adjust(weights: np.ndarray, responded: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Spread the weight of the non-respondents over the respondents of the same cell.

    Within each adjustment cell the respondents' weights are multiplied by (weight of everyone
    sampled) / (weight of the respondents), so each cell keeps its weighted total; non-respondents
    get weight 0. A cell with sampled weight but no responding weight cannot be adjusted: collapse it
    with a similar cell first.
    """
    w = as_weights(weights)
    r = np.asarray(responded)
    if r.shape != w.shape or not np.isin(r, (0, 1)).all():
        raise ValueError("responded must say, for each sampled unit, whether it responded (True/False)")
    r = r.astype(bool)
    codes, labels = encode(cells, what="adjustment cells")
    if codes.size != w.size:
        raise ValueError(f"{codes.size} adjustment cells for {w.size} sampled units")
    sampled = np.bincount(codes, weights=w, minlength=labels.size)
    responding = np.bincount(codes, weights=w * r, minlength=labels.size)
    empty = (responding == 0) & (sampled > 0)
    if empty.any():
        cell = labels[np.flatnonzero(empty)[0]].item()
        raise ValueError(f"adjustment cell {cell!r} has no respondents to carry its weight; collapse it")
    factor = np.divide(sampled, responding, out=np.zeros_like(sampled), where=responding > 0)
    return w * r * factor[codes]


def kish_deff(weights: np.ndarray) -> float:
    """Kish's design effect due to unequal weights, n·Σw² / (Σw)² = 1 + relvariance of the weights."""
    w = as_weights(weights)
    return float(w.size * np.dot(w, w) / w.sum() ** 2)


def rake(
    weights: np.ndarray,
    margins: Margins,
    *,
    tol: float = 1e-10,
    max_iter: int = 1000,
    strict: bool = True,
) -> RakeReport:
    """Rake ``weights`` until every margin meets its population totals (iterative proportional fitting).

    ``margins`` maps a name to (category of each respondent, {category: population total}). The
    margins must agree on the grand total (relatively, to 1e-6), every category with respondents needs
    a total and every total needs respondents with weight; otherwise ``InconsistentMargins`` says which.
    Converged means every margin cell is within ``tol`` of its target, relatively. When ``max_iter``
    cycles are not enough (a combination of categories that no respondent has can make the margins
    unreachable), ``RakingDidNotConverge`` is raised with the last weights in its ``report``, or, with
    ``strict=False``, that report is returned with ``converged=False``.
    """
    if tol <= 0 or max_iter < 1:
        raise ValueError("raking needs a positive tolerance and at least one iteration")
    w = as_weights(weights)
    report = _ipf(w, _prepare_margins(w, margins), tol, max_iter)
    if strict and not report.converged:
        raise RakingDidNotConverge(
            f"raking did not converge in {max_iter} iterations: a margin is still off by "
            f"{report.max_error:.3g} (relative); some combination of categories may have no respondents",
            report,
        )
    return report


def _ipf(
    w: np.ndarray,
    prepared: list[_Margin],
    tol: float,
    max_iter: int,
    bounds: tuple[float, float] | None = None,
    solve_rounds: int = 20,
) -> RakeReport:
    """Iterative proportional fitting of ``w`` in place: one cycle adjusts every margin once.

    With ``bounds`` every weight is held within them, and the fitting gives up once the margins' error
    has not halved in ``STALL_CYCLES`` cycles: bounds that leave no room converge no further.
    """
    best, best_at = np.inf, 0
    for iteration in range(1, max_iter + 1):
        worst = 0.0
        for m in prepared:
            achieved = np.bincount(m.codes, weights=w, minlength=m.targets.size)
            factor = m.targets / achieved
            worst = max(worst, float(np.abs(1.0 - 1.0 / factor).max()))
            if bounds is None:
                w *= factor[m.codes]
            else:
                factor = _bounded_factor(w, m, factor, bounds, solve_rounds)
                np.clip(w * factor[m.codes], *bounds, out=w)
        # The deviations seen during a cycle bound the final error only roughly; check it exactly.
        if worst <= tol and (error := _max_error(w, prepared)) <= tol:
            return RakeReport(w, iteration, True, error)
        if worst < best / 2:
            best, best_at = worst, iteration
        elif bounds is not None and iteration - best_at >= STALL_CYCLES:
            break
    return RakeReport(w, iteration, False, _max_error(w, prepared))


def _max_error(w: np.ndarray, prepared: list[_Margin]) -> float:
    return max(
        float(
            (np.abs(np.bincount(m.codes, weights=w, minlength=m.targets.size) - m.targets) / m.targets).max()
        )
        for m in prepared
    )


def _prepare_margins(w: np.ndarray, margins: Margins) -> list[_Margin]:
    if not margins:
        raise ValueError("raking needs at least one margin")
    prepared = [
        _prepare_margin(name, categories, totals, w) for name, (categories, totals) in margins.items()
    ]
    totals = {m.name: float(m.targets.sum()) for m in prepared}
    reference = next(iter(totals.values()))
    if any(abs(t - reference) > MARGIN_TOTAL_RTOL * reference for t in totals.values()):
        described = ", ".join(f"{name!r} sums to {t:,.6g}" for name, t in totals.items())
        spread = (max(totals.values()) - min(totals.values())) / min(totals.values())
        raise InconsistentMargins(
            f"the margins disagree on the population total ({described}; {spread:.3g} apart, relatively)",
            totals=totals,
        )
    return prepared


def _prepare_margin(name: str, categories, totals: Mapping[object, float], w: np.ndarray) -> _Margin:
    codes, uniques = encode(categories, what=f"categories of margin {name!r}")
    if codes.size != w.size:
        raise ValueError(f"margin {name!r} has {codes.size} categories for {w.size} respondents")
    labels = uniques.tolist()
    for category, total in totals.items():
        if not (np.isfinite(total) and total > 0):
            raise InconsistentMargins(
                f"margin {name!r}: the population total of {category!r} must be a positive number, "
                f"not {total!r}",
                margin=name,
                category=category,
            )
    missing = [c for c in labels if c not in totals]
    if missing:
        raise InconsistentMargins(
            f"margin {name!r}: category {missing[0]!r} has respondents but no population total",
            margin=name,
            category=missing[0],
        )
    carried = set(labels)
    orphan = [c for c in totals if c not in carried]
    if orphan:
        raise InconsistentMargins(
            f"margin {name!r}: the population total of {orphan[0]!r} ({totals[orphan[0]]:,.6g}) has no "
            "respondents to carry it",
            margin=name,
            category=orphan[0],
        )
    weightless = np.bincount(codes, weights=w, minlength=len(labels)) == 0
    if weightless.any():
        category = labels[int(np.flatnonzero(weightless)[0])]
        raise InconsistentMargins(
            f"margin {name!r}: the respondents of {category!r} all have weight 0",
            margin=name,
            category=category,
        )
    return _Margin(name, codes, labels, np.array([float(totals[c]) for c in labels]))


def trim(
    weights: np.ndarray,
    *,
    lower: float | None = None,
    upper: float | None = None,
    margins: Margins | None = None,
    max_rounds: int = 20,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> RakeReport:
    """Keep every weight between ``lower`` and ``upper`` times the mean weight, re-raking to ``margins``.

    Trimming and re-raking in one: the weights are raked with every weight held within the bounds. In
    each raking step a category's factor is solved for the weights left free while those it would push
    past a bound stay at the bound, and that is repeated (up to ``max_rounds`` times; it settles in a
    few) until no more weights reach a bound, so re-raking cannot undo the trimming. Without margins
    the one margin kept is the total of the weights. The mean weight is the margins' total over the
    number of respondents, which fixes the bounds; a category whose target its respondents cannot
    reach within the bounds is an error. ``converged`` means every weight is within its bounds (to a
    relative 1e-6) and every margin within ``tol``; bounds too tight for the margins together stop the
    raking once it makes no progress, with ``converged`` False. ``iterations`` counts raking cycles;
    ``max_error`` is the margins' largest relative error. Weights of 0 stay 0 and do not count.
    """
    w = as_weights(weights)
    if lower is None and upper is None:
        raise ValueError("trimming needs a lower or an upper bound")
    lo, hi = (0.0 if lower is None else float(lower)), (np.inf if upper is None else float(upper))
    if not (0 <= lo <= 1 <= hi) or max_rounds < 1:
        raise ValueError(
            f"bounds must satisfy 0 ≤ lower ≤ 1 ≤ upper (ratios to the mean); got {lower}, {upper}"
        )
    positive = w > 0
    if margins:
        prepared = [
            _Margin(m.name, m.codes[positive], m.labels, m.targets) for m in _prepare_margins(w, margins)
        ]
    else:  # the total as the one margin to keep
        prepared = [_Margin("total", np.zeros(int(positive.sum()), np.intp), [None], np.array([w.sum()]))]
    mean = prepared[0].targets.sum() / positive.sum()
    for m in prepared:
        _check_reachable(m, lo, hi, mean)
    bounds = (lo * mean, hi * mean)
    free = w[positive]  # the first raking step clips them
    report = _ipf(free, prepared, tol, max_iter, bounds, max_rounds)
    w[positive] = free
    return RakeReport(w, report.iterations, report.converged and _within(free, lo, hi), report.max_error)


def _check_reachable(m: _Margin, lo: float, hi: float, mean: float) -> None:
    """A category's target must lie between its respondents all at the lower bound and all at the upper."""
    ratio = m.targets / (np.bincount(m.codes, minlength=m.targets.size) * mean)
    outside = (ratio < lo * (1 - BOUND_RTOL)) | (ratio > hi * (1 + BOUND_RTOL))
    if outside.any():
        k = int(np.flatnonzero(outside)[0])
        raise ValueError(
            f"margin {m.name!r}: category {m.labels[k]!r} needs a mean weight of {ratio[k]:.3g} times the "
            f"overall mean, outside the bounds [{lo:g}, {hi:g}]; widen the bounds"
        )


def _within(w: np.ndarray, lo: float, hi: float) -> bool:
    mean = w.mean()
    return bool(w.min() >= lo * mean * (1 - BOUND_RTOL) and w.max() <= hi * mean * (1 + BOUND_RTOL))


def _bounded_factor(
    w: np.ndarray, m: _Margin, factor: np.ndarray, bounds: tuple[float, float], rounds: int
) -> np.ndarray:
    """The factor per category that meets its target when every weight is held within ``bounds``.

    Starting from the plain raking factor: the weights it would push past a bound are fixed at that
    bound, the factor is solved again for the others, and so on until the set of fixed weights settles
    (a category that cannot reach its target within the bounds keeps its last factor).
    """
    low, high = bounds
    for _ in range(rounds):
        scaled = w * factor[m.codes]
        below, above = scaled < low, scaled > high
        if not (below.any() or above.any()):
            break
        at_bounds = np.where(below, low, 0.0) + np.where(above, high, 0.0)
        fixed = np.bincount(m.codes, weights=at_bounds, minlength=m.targets.size)
        movable = np.bincount(m.codes, weights=np.where(below | above, 0.0, w), minlength=m.targets.size)
        solved = np.divide(m.targets - fixed, movable, out=factor.copy(), where=movable > 0)
        solved = np.where(solved > 0, solved, factor)
        if np.array_equal(solved, factor):
            break
        factor = solved
    return factor
