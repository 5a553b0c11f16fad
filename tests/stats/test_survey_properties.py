"""Properties that hold for any sample: raking meets its margins, row order changes nothing."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adal.stats.estimation import Design, by_domain, mean_matrix, total
from adal.stats.weighting import rake, trim

# Derandomized: the same examples every run, no example database left behind.
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def samples(draw, min_size=4, max_size=60):
    """Respondents with two to four categorical margins, base weights and answers."""
    n = draw(st.integers(min_size, max_size))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    sizes = draw(st.lists(st.integers(2, 5), min_size=2, max_size=4))
    columns = [rng.integers(0, k, n) for k in sizes]
    weights = rng.uniform(0.5, 20, n)
    # Targets that some positive weighting of these very respondents meets, so raking can converge.
    truth = weights * rng.uniform(0.2, 5, n)
    margins = {
        f"m{i}": (codes, {int(c): float(truth[codes == c].sum()) for c in np.unique(codes)})
        for i, codes in enumerate(columns)
    }
    return weights, margins, rng


@SETTINGS
@given(samples())
def test_raked_weights_meet_every_margin(sample):
    weights, margins, _ = sample
    # Few respondents for many categories can take thousands of cycles; a real wave takes about ten.
    report = rake(weights, margins, tol=1e-10, max_iter=100_000)
    assert report.converged and report.max_error <= 1e-10
    for codes, targets in margins.values():
        for category, target in targets.items():
            assert report.weights[codes == category].sum() == pytest.approx(target, rel=1e-9)
    assert (report.weights > 0).all()


@SETTINGS
@given(samples(min_size=20))
def test_trimmed_weights_meet_the_margins_within_wide_bounds_or_say_so(sample):
    weights, margins, _ = sample
    try:
        report = trim(weights, lower=0.05, upper=20, margins=margins, max_iter=5000)
    except ValueError as e:  # a category no weights within the bounds can reach
        assert "widen the bounds" in str(e)
        return
    w = report.weights
    assert w.min() >= 0.05 * w.mean() * (1 - 1e-9) and w.max() <= 20 * w.mean() * (1 + 1e-9)
    if report.converged:
        for codes, targets in margins.values():
            for category, target in targets.items():
                assert w[codes == category].sum() == pytest.approx(target, rel=1e-9)


@st.composite
def designs(draw):
    n = draw(st.integers(12, 80))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    strata = np.repeat([0, 1, 2], [n // 3, n // 3, n - 2 * (n // 3)])
    psu = rng.integers(0, draw(st.integers(2, 4)), n)
    firsts = np.array([0, n // 3, 2 * (n // 3)])
    psu[firsts], psu[firsts + 1] = 0, 1  # every stratum has two PSUs at least
    weights = rng.uniform(1, 30, n)
    Y = rng.normal(50, 10, (n, 3))
    Y[rng.random((n, 3)) < 0.1] = np.nan
    domain = rng.choice(["a", "b", "c"], n)
    return weights, strata, psu, Y, domain, rng


@SETTINGS
@given(designs())
def test_estimates_do_not_depend_on_row_order(data):
    weights, strata, psu, Y, domain, rng = data
    before = mean_matrix(Y, Design(weights, strata, psu), domain)
    order = rng.permutation(weights.size)
    after = mean_matrix(Y[order], Design(weights[order], strata[order], psu[order]), domain[order])
    assert before.domains == after.domains
    for name in ("estimate", "se", "ci_low", "ci_high", "deff"):
        # atol: a domain inside one PSU has an SE of 0 give or take rounding
        np.testing.assert_allclose(
            getattr(after, name), getattr(before, name), rtol=1e-9, atol=1e-12, equal_nan=True
        )
    assert (before.n == after.n).all()


@SETTINGS
@given(designs())
def test_relabelling_psus_and_strata_changes_nothing(data):
    weights, strata, psu, Y, domain, _ = data
    before = mean_matrix(Y, Design(weights, strata, psu), domain)
    renamed = mean_matrix(Y, Design(weights, np.array(["x", "y", "z"])[strata], psu * 1000 + 7), domain)
    np.testing.assert_allclose(renamed.se, before.se, rtol=1e-12, atol=1e-12, equal_nan=True)


@SETTINGS
@given(designs())
def test_domain_totals_add_up_to_the_whole(data):
    weights, strata, psu, Y, domain, _ = data
    design = Design(weights, strata, psu)
    y = Y[:, 0]
    parts = by_domain("total", y, design, domain)
    assert sum(e.estimate for e in parts.values()) == pytest.approx(total(y, design).estimate, rel=1e-12)
