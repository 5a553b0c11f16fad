"""The index's arithmetic: answers to scores, scores to components, and the per-respondent index score
whose weighted mean is the index, in the whole population and in each domain."""

import numpy as np
import pytest

from adal.survey.index import IndexSpec, ItemScoring, component_scores, index_scores, item_scores

SPEC = IndexSpec(
    components={"a": 3.0, "b": 1.0},
    items=(
        ItemScoring("qa1", "a", 1.0, {1: 0.0, 2: 100.0}),  # 9 "don't know": not scored
        ItemScoring("qa2", "a", 3.0, {1: 0.0, 2: 50.0, 3: 100.0}),
        ItemScoring("qb", "b", 1.0, {1: 0.0, 2: 100.0}, condition=("used", frozenset({1}))),
    ),
)


def test_answers_become_scores_with_non_response_and_skips_left_out():
    answers = {
        "qa1": np.array([1, 2, 9, -1]),
        "qa2": np.array([3, 2, 1, 2]),
        "qb": np.array([2, 1, 2, 2]),
        "used": np.array([1, 1, 0, 1]),
    }
    scores = item_scores(SPEC, answers)
    assert np.array_equal(scores["qa1"], [0.0, 100.0, np.nan, np.nan], equal_nan=True)
    assert np.array_equal(scores["qb"], [100.0, 0.0, np.nan, 100.0], equal_nan=True)  # third: not asked
    components = component_scores(SPEC, scores)
    assert components["a"].tolist() == [75.0, 62.5, 0.0, 50.0]  # (1·qa1 + 3·qa2) / weights answered


def test_the_index_score_averages_to_the_weighted_sum_of_component_means():
    rng = np.random.default_rng(3)
    n = 500
    a, b = rng.uniform(0, 100, n), rng.uniform(0, 100, n)
    a[rng.random(n) < 0.2] = np.nan
    b[rng.random(n) < 0.5] = np.nan
    w = rng.uniform(1, 5, n)
    domain = rng.integers(0, 3, n)

    s, defined = index_scores(SPEC, {"a": a, "b": b}, w, domain)

    assert defined.all()
    for d in range(3):
        inside = domain == d
        mean = {
            c: np.nansum((w * y)[inside]) / w[inside & ~np.isnan(y)].sum() for c, y in (("a", a), ("b", b))
        }
        expected = 0.75 * mean["a"] + 0.25 * mean["b"]
        assert (w[inside] * s[inside]).sum() / w[inside].sum() == pytest.approx(expected, rel=1e-12)


def test_with_every_component_answered_the_index_score_is_the_weighted_sum():
    a, b = np.array([10.0, 80.0, 55.0]), np.array([100.0, 0.0, 40.0])
    s, _ = index_scores(SPEC, {"a": a, "b": b}, np.array([1.0, 2.0, 3.0]))
    assert s == pytest.approx(0.75 * a + 0.25 * b, rel=1e-12)


def test_a_domain_without_a_component_has_no_index():
    a, b = np.array([10.0, 80.0, 55.0]), np.array([np.nan, np.nan, 40.0])
    s, defined = index_scores(SPEC, {"a": a, "b": b}, np.ones(3), np.array([0, 0, 1]))
    assert defined.tolist() == [False, True]
    assert np.isnan(s[:2]).all() and s[2] == pytest.approx(0.75 * 55 + 0.25 * 40)
