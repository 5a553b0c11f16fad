"""Small-cell suppression: no count under five is shown, and none that is hidden can be recovered.

"Recovered" is checked as an intruder would: with linear programming (scipy's linprog), every hidden
count is minimised and maximised subject to everything still published — the shown counts, the
column totals that are shown, the nesting received ≥ answered ≥ on time, and counts ≥ 0. A hidden
count of one or more cases is safe when those bounds are at least one case apart. (A hidden zero may
be learnt: in a column whose total is 0 every count is 0, and a zero describes no one.)
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from adal.stats.disclosure import THRESHOLD, suppress, suppress_counts

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def nested_rows(draw, width=3):
    """Groups of nested counts (received ≥ answered ≥ answered on time), small ones common."""
    n_groups = draw(st.integers(1, 12))
    rows = []
    for _ in range(n_groups):
        received = draw(st.one_of(st.integers(0, 6), st.integers(0, 80)))
        row = [received]
        for _ in range(width - 1):
            row.append(draw(st.integers(0, row[-1])))
        rows.append(row)
    return rows


def intruder_bounds(rows, result):
    """For each hidden count, the least and greatest value consistent with what is published."""
    hidden = [(i, j) for i, row in enumerate(result.cells) for j, h in enumerate(row) if h]
    if not hidden:
        return {}
    index = {cell: k for k, cell in enumerate(hidden)}
    width = len(rows[0])
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for j in range(width):
        if result.totals[j]:
            continue
        line = np.zeros(len(hidden))
        shown = 0
        for i, row in enumerate(rows):
            if (i, j) in index:
                line[index[i, j]] = 1
            else:
                shown += row[j]
        a_eq.append(line)
        b_eq.append(sum(row[j] for row in rows) - shown)
    for i, row in enumerate(rows):
        for j in range(1, width):
            # row[j] ≤ row[j − 1], written over whichever of the two are unknown
            line, bound = np.zeros(len(hidden)), 0.0
            for jj, sign in ((j, 1), (j - 1, -1)):
                if (i, jj) in index:
                    line[index[i, jj]] += sign
                else:
                    bound -= sign * row[jj]
            if line.any():
                a_ub.append(line)
                b_ub.append(bound)
    bounds = {}
    for cell, k in index.items():
        objective = np.zeros(len(hidden))
        objective[k] = 1
        kwargs = {
            "A_eq": np.array(a_eq) if a_eq else None,
            "b_eq": b_eq or None,
            "A_ub": np.array(a_ub) if a_ub else None,
            "b_ub": b_ub or None,
            "bounds": (0, None),
        }
        low = linprog(objective, **kwargs)
        high = linprog(-objective, **kwargs)
        assert low.status == 0, low.message
        top = np.inf if high.status == 3 else -high.fun  # 3: unbounded, so certainly not pinned
        bounds[cell] = (low.fun, top)
    return bounds


@SETTINGS
@given(nested_rows())
def test_no_count_under_five_is_shown(rows):
    result = suppress(rows)
    for i, row in enumerate(rows):
        for j, count in enumerate(row):
            if 0 < count < THRESHOLD:
                assert result.cells[i][j]
    for j in range(len(rows[0])):
        total = sum(row[j] for row in rows)
        if 0 < total < THRESHOLD:
            assert result.totals[j]


@SETTINGS
@given(nested_rows())
def test_no_hidden_count_can_be_recovered_from_what_is_published(rows):
    result = suppress(rows)
    for (i, j), (low, high) in intruder_bounds(rows, result).items():
        cell = (i, j)
        if rows[i][j] == 0:
            continue  # a hidden zero may be learnt (a column whose total is 0 says so): it is no one
        assert high - low >= 1 - 1e-7, f"{cell} pinned to [{low}, {high}] in {rows} → {result}"


@SETTINGS
@given(nested_rows())
def test_what_is_nested_in_a_hidden_count_is_hidden_too(rows):
    result = suppress(rows)
    for row in result.cells:
        assert row == sorted(row)  # False… then True…: once hidden, hidden to the right


def test_one_small_group_takes_the_next_smallest_with_it():
    result = suppress_counts([40, 3, 12, 7])
    assert [c[0] for c in result.cells] == [False, True, False, True]
    assert result.totals == [False]


def test_two_small_groups_that_add_up_to_under_five_take_a_third():
    result = suppress_counts([40, 1, 2, 9, 30])
    assert [c[0] for c in result.cells] == [False, True, True, True, False]


def test_zeros_are_shown_and_a_small_total_is_hidden():
    result = suppress_counts([0, 3, 0])
    assert [c[0] for c in result.cells] == [True, True, True]
    assert result.totals == [True]
    assert suppress_counts([0, 9, 6]).cells == [[False], [False], [False]]


def test_rows_must_be_even():
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]])
