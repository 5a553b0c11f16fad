"""Survey weights: base weights, non-response, raking (against ipfn), trimming, Kish's deff."""

import warnings

import numpy as np
import pytest
from ipfn.ipfn import ipfn

from adal.stats.weighting import (
    InconsistentMargins,
    RakingDidNotConverge,
    base_weights,
    kish_deff,
    nonresponse_adjust,
    rake,
    trim,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)  # samplics announces on import that it is archived
    from samplics import SampleWeight


def sample(n=2000, seed=7):
    """Respondents with region, sex, age group and settlement, over-sampling some on purpose."""
    rng = np.random.default_rng(seed)
    region = rng.choice(["Almaty", "Astana", "Aktobe", "Kyzylorda", "Abai"], n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    sex = rng.choice(["f", "m"], n, p=[0.6, 0.4])
    age = rng.integers(0, 4, n)
    urban = rng.random(n) < np.where(region == "Almaty", 0.9, 0.4)
    weights = base_weights(rng.uniform(0.001, 0.01, n))
    return weights, {"region": region, "sex": sex, "age": age, "urban": urban}


def census(total=1_000_000):
    return {
        "region": {"Almaty": 0.2 * total, "Astana": 0.2 * total, "Aktobe": 0.2 * total,
                   "Kyzylorda": 0.2 * total, "Abai": 0.2 * total},
        "sex": {"f": 0.52 * total, "m": 0.48 * total},
        "age": {0: 0.3 * total, 1: 0.3 * total, 2: 0.25 * total, 3: 0.15 * total},
        "urban": {True: 0.6 * total, False: 0.4 * total},
    }  # fmt: skip


def margins_of(columns, targets):
    return {name: (columns[name], targets[name]) for name in targets}


def achieved(weights, categories, targets):
    return {c: weights[categories == c].sum() for c in targets}


# Base weights and non-response ---------------------------------------------------------------------


def test_base_weights_are_inverse_selection_probabilities():
    assert base_weights(np.array([0.5, 0.01, 1.0])).tolist() == [2.0, 100.0, 1.0]


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5, np.nan])
def test_base_weights_reject_impossible_probabilities(bad):
    with pytest.raises(ValueError, match=r"\(0, 1\]; 1 do not, the first at position 1"):
        base_weights(np.array([0.5, bad]))


def test_nonresponse_moves_each_cells_weight_onto_its_respondents():
    w = np.array([10.0, 10, 20, 5, 5, 5])
    responded = np.array([True, False, True, True, True, False])
    cells = np.array(["a", "a", "a", "b", "b", "b"])
    adjusted = nonresponse_adjust(w, responded, cells)
    # cell a: 40 sampled, 30 responding → ×4/3; cell b: 15 sampled, 10 responding → ×3/2
    assert adjusted == pytest.approx([40 / 3, 0, 80 / 3, 7.5, 7.5, 0])
    assert adjusted[cells == "a"].sum() == pytest.approx(40)
    assert adjusted[cells == "b"].sum() == pytest.approx(15)


def test_nonresponse_matches_samplics():
    rng = np.random.default_rng(1)
    w = rng.uniform(1, 9, 500)
    responded = rng.random(500) < 0.7
    cells = rng.integers(0, 6, 500)
    theirs = SampleWeight().adjust(w, cells, np.where(responded, "rr", "nr"))
    assert nonresponse_adjust(w, responded, cells) == pytest.approx(theirs, rel=1e-12)


def test_a_cell_without_respondents_must_be_collapsed():
    with pytest.raises(ValueError, match="cell 'rural' has no respondents to carry its weight"):
        nonresponse_adjust(np.ones(3), np.array([1, 0, 0]), np.array(["urban", "rural", "rural"]))


def test_nonresponse_needs_a_yes_or_no_per_unit():
    with pytest.raises(ValueError, match="whether it responded"):
        nonresponse_adjust(np.ones(2), np.array([1, 2]), np.array([0, 0]))


# Kish ------------------------------------------------------------------------------------------------


def test_kish_deff_is_one_for_equal_weights_and_grows_with_their_spread():
    assert kish_deff(np.full(10, 3.0)) == pytest.approx(1.0)
    # 1, 1, 4: n Σw² / (Σw)² = 3 · 18 / 36
    assert kish_deff(np.array([1.0, 1, 4])) == pytest.approx(1.5)


def test_kish_deff_matches_samplics():
    w = np.random.default_rng(2).lognormal(0, 0.7, 1000)
    assert kish_deff(w) == pytest.approx(SampleWeight().calculate_deff_weight(w), rel=1e-12)


# Raking ----------------------------------------------------------------------------------------------


def test_raking_meets_every_margin():
    w, columns = sample()
    targets = census()
    report = rake(w, margins_of(columns, targets))
    assert report.converged and 1 < report.iterations < 100
    assert report.max_error <= 1e-10
    for name, totals in targets.items():
        assert achieved(report.weights, columns[name], totals) == pytest.approx(totals, rel=1e-10)
    assert (w == sample()[0]).all(), "the weights passed in are not changed"


def test_raking_agrees_with_ipfn_respondent_by_respondent():
    """ipfn rakes the cross-table of base weights; each respondent then gets its cell's factor."""
    w, columns = sample()
    targets = census()
    names = list(targets)
    order = {name: sorted(targets[name]) for name in names}
    cell = tuple(np.searchsorted(order[name], columns[name]) for name in names)
    table = np.zeros([len(order[name]) for name in names])
    np.add.at(table, cell, w)
    aggregates = [np.array([targets[name][c] for c in order[name]]) for name in names]
    fitted = ipfn(
        table.copy(), aggregates, [[i] for i in range(len(names))],
        convergence_rate=1e-14, max_iteration=1000, rate_tolerance=0,
    ).iteration()  # fmt: skip
    theirs = w * fitted[cell] / table[cell]
    ours = rake(w, margins_of(columns, targets), tol=1e-14).weights
    assert ours == pytest.approx(theirs, rel=1e-8)


def test_a_looser_tolerance_stops_sooner():
    w, columns = sample()
    loose = rake(w, margins_of(columns, census()), tol=1e-3)
    tight = rake(w, margins_of(columns, census()), tol=1e-12)
    assert loose.iterations < tight.iterations
    assert loose.max_error <= 1e-3 and tight.max_error <= 1e-12


def test_margins_that_disagree_on_the_total_are_named_with_the_gap():
    w, columns = sample()
    targets = census()
    targets["sex"] = {"f": 520_000, "m": 490_000}  # 1,010,000 against 1,000,000
    with pytest.raises(InconsistentMargins, match=r"'sex' sums to 1\.01e\+06.*0\.01 apart") as caught:
        rake(w, margins_of(columns, targets))
    assert caught.value.totals["sex"] == 1_010_000 and caught.value.totals["region"] == 1_000_000


def test_totals_within_a_millionth_count_as_agreeing():
    w, columns = sample()
    targets = census()
    targets["sex"] = {"f": 520_000.5, "m": 480_000}
    assert rake(w, margins_of(columns, targets), tol=1e-6).converged


def test_a_category_without_a_target_is_refused():
    w, columns = sample()
    targets = census()
    del targets["region"]["Abai"]
    targets["region"]["Almaty"] += 200_000
    with pytest.raises(InconsistentMargins, match="'Abai' has respondents but no population total") as caught:
        rake(w, margins_of(columns, targets))
    assert (caught.value.margin, caught.value.category) == ("region", "Abai")


def test_a_target_without_respondents_is_refused():
    w, columns = sample()
    targets = census()
    targets["age"] = {0: 250_000, 1: 250_000, 2: 200_000, 3: 150_000, 4: 150_000}
    with pytest.raises(InconsistentMargins, match=r"total of 4 \(150,000\) has no respondents"):
        rake(w, margins_of(columns, targets))


def test_a_category_whose_respondents_weigh_nothing_is_refused():
    w, columns = sample()
    w[columns["region"] == "Abai"] = 0
    with pytest.raises(InconsistentMargins, match="respondents of 'Abai' all have weight 0"):
        rake(w, margins_of(columns, census()))


@pytest.mark.parametrize("total", [0, -5, np.nan])
def test_targets_must_be_positive(total):
    with pytest.raises(InconsistentMargins, match="must be a positive number"):
        rake(np.ones(2), {"sex": (np.array(["f", "m"]), {"f": 1.0, "m": total})})


def test_margins_no_weighting_can_meet_do_not_converge():
    # Only women in the city and men in villages were reached: sex and settlement are the same split,
    # so 70% women and 50% urban cannot both hold.
    sex = np.array(["f", "f", "m", "m"])
    urban = np.array([True, True, False, False])
    margins = {"sex": (sex, {"f": 70.0, "m": 30.0}), "urban": (urban, {True: 50.0, False: 50.0})}
    with pytest.raises(RakingDidNotConverge, match="did not converge in 50 iterations") as caught:
        rake(np.ones(4), margins, max_iter=50)
    assert not caught.value.report.converged and caught.value.report.max_error > 0.1
    report = rake(np.ones(4), margins, max_iter=50, strict=False)
    assert (report.converged, report.iterations) == (False, 50)


def test_raking_checks_its_inputs():
    with pytest.raises(ValueError, match="at least one margin"):
        rake(np.ones(3), {})
    with pytest.raises(ValueError, match="has 2 categories for 3 respondents"):
        rake(np.ones(3), {"sex": (np.array(["f", "m"]), {"f": 1.0, "m": 2.0})})
    with pytest.raises(ValueError, match="cannot be negative"):
        rake(np.array([1.0, -1, 1]), {"sex": (np.array(["f", "m", "f"]), {"f": 1.0, "m": 2.0})})
    with pytest.raises(ValueError, match="categories of margin 'age' are missing for 1"):
        rake(np.ones(2), {"age": (np.array([1.0, np.nan]), {1.0: 2.0})})


# Trimming -------------------------------------------------------------------------------------------


def test_trimming_without_margins_keeps_the_total_and_the_bounds():
    w = np.random.default_rng(3).lognormal(0, 1, 2000)
    report = trim(w, lower=0.3, upper=3.0)
    trimmed = report.weights
    assert report.converged
    assert trimmed.sum() == pytest.approx(w.sum(), rel=1e-12)
    assert trimmed.max() == pytest.approx(3.0 * trimmed.mean(), rel=1e-9)
    assert trimmed.min() == pytest.approx(0.3 * trimmed.mean(), rel=1e-9)
    inside = (w > 0.5 * w.mean()) & (w < 2 * w.mean())
    ratio = trimmed[inside] / w[inside]
    assert ratio == pytest.approx(np.full(ratio.size, ratio[0])), "untrimmed weights keep their proportions"


def test_trimming_with_margins_holds_the_bounds_and_the_margins():
    w, columns = sample()
    targets = census()
    raked = rake(w, margins_of(columns, targets)).weights
    assert raked.max() / raked.mean() > 4, "the test needs weights worth trimming"
    report = trim(raked, lower=0.3, upper=2.5, margins=margins_of(columns, targets))
    trimmed = report.weights
    assert report.converged and report.max_error <= 1e-10
    assert trimmed.max() <= 2.5 * trimmed.mean() * (1 + 1e-9)
    assert trimmed.min() >= 0.3 * trimmed.mean() * (1 - 1e-9)
    for name, totals in targets.items():
        assert achieved(trimmed, columns[name], totals) == pytest.approx(totals, rel=1e-9)
    assert kish_deff(trimmed) < kish_deff(raked)


def test_weights_of_zero_stay_zero_when_trimmed():
    w = np.array([0.0, 1, 1, 1, 10])
    report = trim(w, upper=2.0)
    assert report.weights[0] == 0
    assert report.weights.sum() == pytest.approx(13)
    assert report.weights[1:].max() == pytest.approx(2 * report.weights[1:].mean())


def test_bounds_a_category_cannot_meet_are_refused():
    w, columns = sample()
    # Abai is 10% of the sample and 20% of the population: its weights must average about twice the mean.
    with pytest.raises(
        ValueError, match=r"category 'Abai' needs a mean weight of 2\.07 times .* \[0\.5, 1\.5\]"
    ):
        trim(w, lower=0.5, upper=1.5, margins=margins_of(columns, census()))


def test_bounds_the_margins_cannot_meet_together_stop_without_converging():
    # Each category alone can reach its target with weights of at most 1.5, the four cells together cannot.
    a = np.array(["a", "a", "b", "b"])
    x = np.array(["x", "y", "x", "y"])
    margins = {"A": (a, {"a": 3.0, "b": 1.0}), "X": (x, {"x": 3.0, "y": 1.0})}
    report = trim(np.ones(4), upper=1.5, margins=margins)
    assert not report.converged and report.max_error > 0.01
    assert report.iterations < 100, "stalled raking gives up early"


@pytest.mark.parametrize(("lower", "upper"), [(None, None), (1.2, None), (None, 0.8), (-0.1, 2)])
def test_trimming_bounds_must_surround_the_mean(lower, upper):
    with pytest.raises(ValueError, match="bound"):
        trim(np.ones(3), lower=lower, upper=upper)
