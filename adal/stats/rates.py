"""Rates over small numbers, as the portal publishes them: a share with its Wilson interval, the funnel
plot's control limits around a national share, and the median with its interquartile range.

Wilson's score interval (Wilson 1927) is used for every share because it stays inside [0, 1] and keeps
close to its nominal coverage at the small counts a district unit has, where the textbook
p ± z·sqrt(p(1−p)/n) interval collapses to a point at 0% or 100% and covers far too little.

Funnel limits follow Spiegelhalter, "Funnel plots for comparing institutional performance" (Statistics in
Medicine 24, 2005), section 3.1 and appendix A.1.1: **exact binomial** limits, interpolated so they run
smoothly in n. The normal approximation θ ± z·sqrt(θ(1−θ)/n) is what the paper offers for large
counts, but our units answer 5 to a few hundred cases a year at shares near 80–95%, where the binomial
is skewed and the normal limits pass 100% (and would wrongly flag a small unit that answered every
case on time); the exact limits never leave [0, 1] and have the stated probability at every n.
"""

import functools
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import binom, norm

CONFIDENCE = 0.95
# The funnel's two pairs of limits: about 2 and 3 standard deviations, Spiegelhalter's choice.
FUNNEL_LEVELS = (0.95, 0.998)


@functools.cache
def z_for(confidence: float) -> float:
    """The two-sided normal quantile: 1.959964 for 95% (kept: a page asks for it once a share)."""
    if not 0 < confidence < 1:
        raise ValueError(f"a confidence level lies strictly between 0 and 1, not {confidence}")
    return float(norm.ppf(1 - (1 - confidence) / 2))


@dataclass(frozen=True)
class Share:
    """`successes` out of `n`, with its Wilson interval."""

    successes: int
    n: int
    share: float
    low: float
    high: float


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson's score interval for a binomial proportion (the same as statsmodels' method="wilson")."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"no share of {successes} out of {n}")
    z = z_for(confidence)
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    # At the ends the bound is exactly 0 or 1; float noise would put it a hair inside.
    low = 0.0 if successes == 0 else (centre - margin) / scale
    high = 1.0 if successes == n else (centre + margin) / scale
    return low, high


def share(successes: int, n: int, confidence: float = CONFIDENCE) -> Share | None:
    """The share with its interval, or None when there is nothing to divide by."""
    if n == 0:
        return None
    low, high = wilson_interval(successes, n, confidence)
    return Share(successes, n, successes / n, low, high)


# ---------------------------------------------------------------- funnel plot


def binomial_limit(target: float, n: int, p: float) -> float:
    """The p-quantile of the observed share in n cases at the true share `target`, interpolated.

    Spiegelhalter (2005), A.1.1: r is the smallest count with P(R ≤ r) ≥ p, and the limit is (r − α)/n
    with α = (P(R ≤ r) − p) / P(R = r), so that the limit moves continuously between the steps of the
    discrete distribution.
    """
    if n <= 0:
        raise ValueError("a funnel limit needs at least one case")
    return float(binomial_limits(target, np.array([n]), p)[0])


def binomial_limits(target: float, ns: np.ndarray, p: float) -> np.ndarray:
    """``binomial_limit`` at every n of ``ns`` at once: a funnel's curve is a few hundred of them, and one
    array call costs what one scalar call does."""
    if not 0 <= target <= 1:
        raise ValueError(f"a share lies in [0, 1], not {target}")
    ns = np.asarray(ns, dtype=float)
    r = binom.ppf(p, ns, target)
    at_r, below_r = binom.cdf(r, ns, target), binom.cdf(r - 1, ns, target)
    step = at_r - below_r
    # A degenerate target (0 or 1) has no step to interpolate in: every case goes one way.
    alpha = np.divide(at_r - p, step, out=np.zeros_like(step), where=step > 0)
    return np.clip((r - alpha) / ns, 0.0, 1.0)


@dataclass(frozen=True)
class FunnelLimits:
    n: int
    low: float
    high: float


def funnel_limits(target: float, n: int, level: float) -> FunnelLimits:
    """The limits at which a unit with n cases would be surprising at this level, were its true share
    the national one."""
    if n <= 0:
        raise ValueError("a funnel limit needs at least one case")
    return funnel_limits_at(target, [n], level)[0]


def funnel_limits_at(target: float, ns: Sequence[int], level: float) -> list[FunnelLimits]:
    """``funnel_limits`` at every n of ``ns``, in two array calls (a few hundred units, or a curve)."""
    if not len(ns):
        return []
    tail = (1 - level) / 2
    lows, highs = binomial_limits(target, np.array(ns), tail), binomial_limits(target, np.array(ns), 1 - tail)
    return [FunnelLimits(int(n), float(lo), float(hi)) for n, lo, hi in zip(ns, lows, highs, strict=True)]


def funnel_curve(target: float, n_max: int, level: float, points: int = 60) -> list[FunnelLimits]:
    """The limits at n from 1 to n_max, spaced evenly in log n (where the funnel bends)."""
    if n_max < 1:
        return []
    ns = sorted({max(1, round(math.exp(math.log(n_max) * i / (points - 1)))) for i in range(points)})
    return funnel_limits_at(target, ns, level)


def outside(observed: float, limits: FunnelLimits) -> int:
    """−1 below the lower limit, +1 above the upper, 0 inside."""
    if observed < limits.low:
        return -1
    return 1 if observed > limits.high else 0


# ---------------------------------------------------------------- middle and spread


@dataclass(frozen=True)
class Quartiles:
    q1: float
    median: float
    q3: float
    n: int


def quartiles(values: Sequence[float]) -> Quartiles | None:
    """The median and the quartiles around it; None for no values."""
    return quartiles_of_counts(Counter(values))


def quartiles_of_counts(counts: Mapping[float, int]) -> Quartiles | None:
    """``quartiles`` of values given as how many times each occurs ({days: cases}), without writing out a
    value per case (a year of a million cases has a few dozen distinct days). Linear interpolation between
    order statistics: Hyndman and Fan's type 7, numpy's default."""
    items = sorted((value, n) for value, n in counts.items() if n > 0)
    total = sum(n for _value, n in items)
    if not total:
        return None

    def nth(k: int) -> float:  # the k-th value (from 0) of the values in order
        seen = 0
        for value, n in items:
            seen += n
            if k < seen:
                return value
        raise IndexError(k)

    def at(q: float) -> float:
        h = (total - 1) * q
        below = math.floor(h)
        low, high = nth(below), nth(min(below + 1, total - 1))
        return low + (h - below) * (high - low)

    return Quartiles(at(0.25), at(0.5), at(0.75), total)
