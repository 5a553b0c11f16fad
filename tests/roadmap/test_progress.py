"""The road map's arithmetic on its own: every roll-up method, the status and the RAG rule at its
boundaries (adal/roadmap/progress.py, no database)."""

import datetime as dt

import pytest

from adal.roadmap import progress as p
from adal.roadmap.progress import Child

D = dt.date


# ---------------------------------------------------------------- weighted mean


def test_the_weighted_mean_weighs_each_child():
    assert p.roll_up(p.WEIGHTED_MEAN, [Child(100, 3), Child(0, 1)]) == 75


def test_a_missing_weight_counts_as_one():
    assert p.roll_up(p.WEIGHTED_MEAN, [Child(100, None), Child(0, 3)]) == 25


def test_every_weight_missing_is_a_plain_mean():
    assert p.roll_up(p.WEIGHTED_MEAN, [Child(90, None), Child(30, None), Child(0, None)]) == 40


def test_a_zero_weight_leaves_the_child_out():
    assert p.roll_up(p.WEIGHTED_MEAN, [Child(100, 0), Child(20, 1)]) == 20


def test_every_weight_zero_counts_the_children_alike():
    assert p.roll_up(p.WEIGHTED_MEAN, [Child(100, 0), Child(20, 0)]) == 60


def test_a_negative_weight_is_refused():
    with pytest.raises(ValueError):
        p.roll_up(p.WEIGHTED_MEAN, [Child(100, -1), Child(20, 2)])


def test_fractional_weights():
    assert p.roll_up(p.WEIGHTED_MEAN, [Child(50, 0.5), Child(100, 0.25)]) == pytest.approx(200 / 3)


# ---------------------------------------------------------------- share done and minimum


def test_share_done_counts_only_children_at_one_hundred():
    children = [Child(100), Child(99.9), Child(100), Child(0)]
    assert p.roll_up(p.SHARE_DONE, children) == 50


def test_share_done_ignores_weights():
    assert p.roll_up(p.SHARE_DONE, [Child(100, 10), Child(50, 0)]) == 50


def test_the_minimum_is_the_slowest_child():
    assert p.roll_up(p.MINIMUM, [Child(80), Child(35.5), Child(100)]) == 35.5


@pytest.mark.parametrize("method", p.ROLLUPS)
def test_a_parent_without_children_to_count_has_no_progress(method):
    assert p.roll_up(method, []) == 0


@pytest.mark.parametrize("method", p.ROLLUPS)
def test_a_single_child_is_the_parent(method):
    assert p.roll_up(method, [Child(100, 0)]) == 100


@pytest.mark.parametrize("method", p.ROLLUPS)
def test_progress_is_held_to_zero_to_one_hundred(method):
    assert p.roll_up(method, [Child(130), Child(150)]) == 100
    assert p.roll_up(method, [Child(-5)]) == 0


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError):
        p.roll_up("median", [Child(1)])


def test_a_tree_four_levels_deep_rolls_up_level_by_level():
    # level 4 leaves → level 3 by minimum → level 2 by share done → level 1 by weighted mean
    level3_a = p.roll_up(p.MINIMUM, [Child(100), Child(60)])  # 60
    level3_b = p.roll_up(p.MINIMUM, [Child(100), Child(100)])  # 100
    level2 = p.roll_up(p.SHARE_DONE, [Child(level3_a), Child(level3_b)])  # 50
    level1 = p.roll_up(p.WEIGHTED_MEAN, [Child(level2, 3), Child(100, 1)])
    assert (level3_a, level3_b, level2, level1) == (60, 100, 50, 62.5)


# ---------------------------------------------------------------- expected progress


START, DEADLINE = D(2024, 1, 1), D(2024, 1, 11)  # 2024-01-01 → 2024-01-11: ten days


def test_expected_progress_is_the_share_of_time_passed():
    assert p.expected_progress(START, DEADLINE, D(2024, 1, 6)) == 50
    assert p.expected_progress(START, DEADLINE, START) == 0
    assert p.expected_progress(START, DEADLINE, D(2023, 12, 1)) == 0
    assert p.expected_progress(START, DEADLINE, DEADLINE) == 100
    assert p.expected_progress(START, DEADLINE, D(2025, 1, 1)) == 100


def test_expected_progress_counts_the_days_it_is_given():
    # A counter of working days where the 2nd-5th are the only working days of the span.
    def working(a, b):
        return sum(1 for i in range(1, (b - a).days + 1) if 2 <= (a + dt.timedelta(days=i)).day <= 5)

    assert p.expected_progress(START, DEADLINE, D(2024, 1, 3), working) == 50


def test_a_deadline_on_its_start_expects_everything_at_once():
    assert p.expected_progress(START, START, START) == 0
    assert p.expected_progress(START, START, D(2024, 1, 2)) == 100


# ---------------------------------------------------------------- the RAG rule at its boundaries


def rag(progress, today, **kw):
    return p.rag(progress=progress, start=START, deadline=DEADLINE, today=today, **kw)


HALFWAY = D(2024, 1, 6)  # expected 50


@pytest.mark.parametrize(
    ("progress", "expected"),
    [
        (50, p.GREEN),
        (40, p.GREEN),  # exactly 10 behind: still green
        (39.9, p.AMBER),
        (25, p.AMBER),  # exactly 25 behind: still amber
        (24.9, p.RED),
        (0, p.RED),
        (100, p.GREEN),
    ],
)
def test_rag_halfway_through(progress, expected):
    assert rag(progress, HALFWAY) == expected


def test_on_its_deadline_day_a_measure_nearly_done_is_green():
    assert rag(90, DEADLINE) == p.GREEN
    assert rag(89.9, DEADLINE) == p.AMBER


def test_the_day_after_its_deadline_a_measure_not_done_is_red():
    assert rag(99.9, D(2024, 1, 12)) == p.RED
    assert rag(100, D(2024, 1, 12)) == p.GREEN


def test_before_its_start_a_measure_is_green():
    assert rag(0, D(2023, 6, 1)) == p.GREEN


def test_a_cancelled_measure_has_no_rating():
    assert rag(0, D(2030, 1, 1), cancelled=True) is None


# ---------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("progress", "today", "cancelled", "expected"),
    [
        (0, HALFWAY, False, p.PLANNED),
        (0.1, HALFWAY, False, p.IN_PROGRESS),
        (100, HALFWAY, False, p.FINISHED),
        (100, D(2030, 1, 1), False, p.FINISHED),
        (99, DEADLINE, False, p.IN_PROGRESS),
        (99, D(2024, 1, 12), False, p.OVERDUE),
        (0, D(2024, 1, 12), False, p.OVERDUE),
        (50, HALFWAY, True, p.CANCELLED),
    ],
)
def test_status_follows_progress_and_deadline(progress, today, cancelled, expected):
    assert p.status(progress=progress, deadline=DEADLINE, today=today, cancelled=cancelled) == expected


def test_the_module_imports_nothing_of_django():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(p.__file__).read_text())
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [n for n in names if n and (n.startswith("django") or n.startswith("adal"))]
