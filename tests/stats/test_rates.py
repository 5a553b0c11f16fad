"""The portal's rates against independent implementations: statsmodels for Wilson's interval, the
binomial distribution summed by hand for the funnel limits, numpy for the quartiles."""

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from adal.stats.rates import (
    FunnelLimits,
    binomial_limit,
    funnel_curve,
    funnel_limits,
    outside,
    quartiles,
    quartiles_of_counts,
    share,
    wilson_interval,
)

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, database=None)


COUNTS = [(0, 1), (1, 1), (0, 5), (3, 5), (5, 5), (72, 100), (130, 180), (1, 1000), (999, 1000)]


@pytest.mark.parametrize(("successes", "n"), COUNTS)
@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_wilson_interval_agrees_with_statsmodels(successes, n, confidence):
    low, high = wilson_interval(successes, n, confidence)
    expected = proportion_confint(successes, n, alpha=1 - confidence, method="wilson")
    assert (low, high) == pytest.approx(expected, abs=1e-12)


@SETTINGS
@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_agrees_with_statsmodels_for_any_count(pair):
    successes, n = pair
    low, high = wilson_interval(successes, n)
    assert (low, high) == pytest.approx(proportion_confint(successes, n, method="wilson"), abs=1e-12)
    assert 0 <= low <= successes / n <= high <= 1


def test_a_share_carries_its_count_and_nothing_is_a_share_of_nothing():
    s = share(130, 180)
    assert (s.successes, s.n, s.share) == (130, 180, 130 / 180)
    assert s.low < s.share < s.high
    assert share(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(6, 5)


def exact_cdf(r: int, n: int, theta: Fraction) -> Fraction:
    """P(R ≤ r) for R ~ Binomial(n, θ), summed exactly in rationals."""
    return sum((math.comb(n, k) * theta**k * (1 - theta) ** (n - k) for k in range(r + 1)), Fraction(0))


def spiegelhalter_limit(theta: Fraction, n: int, p: Fraction) -> float:
    """Spiegelhalter (2005) A.1.1, written independently: walk r up until the CDF reaches p."""
    r = 0
    while exact_cdf(r, n, theta) < p:
        r += 1
    at_r, below_r = exact_cdf(r, n, theta), exact_cdf(r - 1, n, theta) if r else Fraction(0)
    alpha = (at_r - p) / (at_r - below_r)
    return float(min(max((r - alpha) / n, 0), 1))  # a share's limit, however far the tail, is in [0, 1]


@pytest.mark.parametrize("theta", [Fraction(1, 2), Fraction(4, 5), Fraction(9, 10), Fraction(97, 100)])
@pytest.mark.parametrize("n", [1, 5, 12, 40, 150])
@pytest.mark.parametrize("p", [Fraction(1, 1000), Fraction(1, 40), Fraction(39, 40), Fraction(999, 1000)])
def test_funnel_limits_are_the_interpolated_exact_binomial_quantiles(theta, n, p):
    assert binomial_limit(float(theta), n, float(p)) == pytest.approx(
        spiegelhalter_limit(theta, n, p), abs=1e-9
    )


def test_funnel_limits_approach_the_normal_ones_for_many_cases():
    theta, n = 0.85, 20_000
    limits = funnel_limits(theta, n, 0.95)
    margin = 1.959964 * math.sqrt(theta * (1 - theta) / n)
    assert limits.low == pytest.approx(theta - margin, abs=1 / n)
    assert limits.high == pytest.approx(theta + margin, abs=1 / n)


def test_funnel_narrows_with_more_cases_and_stays_within_zero_and_one():
    curve = funnel_curve(0.9, 500, 0.998)
    assert all(0 <= c.low <= 0.9 <= c.high <= 1 for c in curve)
    assert [c.n for c in curve] == sorted({c.n for c in curve})
    widths = [c.high - c.low for c in curve if c.n >= 10]
    assert all(a >= b - 1e-9 for a, b in itertools.pairwise(widths))
    assert funnel_limits(0.9, 100, 0.998).low < funnel_limits(0.9, 100, 0.95).low


def test_outside_tells_which_side():
    limits = FunnelLimits(20, 0.6, 0.95)
    assert (outside(0.5, limits), outside(0.8, limits), outside(1.0, limits)) == (-1, 0, 1)


@SETTINGS
@given(st.lists(st.integers(0, 120), min_size=1, max_size=300))
def test_quartiles_agree_with_numpy(days):
    q = quartiles(days)
    expected = np.percentile(days, [25, 50, 75])
    assert (q.q1, q.median, q.q3) == pytest.approx(tuple(expected), abs=1e-9)
    assert q.n == len(days)


def test_no_values_have_no_quartiles():
    assert quartiles([]) is None
    assert quartiles_of_counts({}) is None and quartiles_of_counts({3: 0}) is None


@SETTINGS
@given(st.dictionaries(st.integers(0, 120), st.integers(0, 50), max_size=30))
def test_quartiles_of_counts_are_those_of_the_values_written_out(counts):
    written_out = [days for days, n in counts.items() for _ in range(n)]
    assert quartiles_of_counts(counts) == quartiles(written_out)
