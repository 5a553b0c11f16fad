from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from adal.stats.composite import (
    SOURCE_STEP,
    MethodParams,
    as_decimal,
    cpi_method,
    estimate,
    shift_source,
    smallest_change_to_move,
    source_pull,
)

PARAMS = cpi_method(2023)


def row(*scores):
    return "KAZ", "Kazakhstan", {f"s{i}": s for i, s in enumerate(scores)}


def score(r):
    return estimate(r[2], PARAMS).score


def test_the_pull_of_each_source():
    pulls = source_pull(row(40, 50, 60, 90), PARAMS)  # mean 60
    assert [(p.source, p.deviation, p.pull) for p in pulls] == [
        ("s0", -20, pytest.approx(-20 / 3)),
        ("s1", -10, pytest.approx(-10 / 3)),
        ("s2", 0, 0),
        ("s3", 30, 10),
    ]
    assert [p.score_without for p in pulls] == [67, 63, 60, 50]  # 200/3, 190/3, 180/3, 150/3


def test_removing_a_source_changes_the_mean_by_its_pull(cpi_2023):
    kaz = next(r for r in cpi_2023.source_rows() if r[0] == "KAZ")
    base = estimate(kaz[2], PARAMS)
    pulls = source_pull(kaz, PARAMS)
    assert sum(p.pull for p in pulls) == pytest.approx(0, abs=1e-9)
    assert pulls == sorted(pulls, key=lambda p: p.pull)
    for p in pulls:
        without = estimate({s: v for s, v in kaz[2].items() if s != p.source}, PARAMS)
        assert base.mean - without.mean == pytest.approx(p.pull, abs=1e-9)
        assert p.score_without == without.score
        assert p.deviation == pytest.approx(p.score - base.mean, abs=1e-9)


def test_no_score_without_three_sources():
    assert [p.score_without for p in source_pull(row(40, 50, 90), PARAMS)] == [None, None, None]
    with pytest.raises(ValueError, match="fewer than 3"):
        source_pull(row(40, 50, None), PARAMS)


def test_the_smallest_change_by_hand():
    # 40, 50, 60: mean 50. Up: a mean of 50.5 already rounds up, so +1.5 is enough; down: the mean must
    # fall strictly below 49.5, so −1.5 is not, one step more is.
    change = smallest_change_to_move(row(40, 50, 60), PARAMS, "s1")
    assert (change.score, change.up, change.down) == (50, Decimal("1.5"), Decimal("-1.500001"))
    assert score(shift_source(row(40, 50, 60), "s1", change.up)) == 51
    assert score(shift_source(row(40, 50, 60), "s1", Decimal("1.499999"))) == 50
    assert score(shift_source(row(40, 50, 60), "s1", Decimal("-1.5"))) == 50
    assert score(shift_source(row(40, 50, 60), "s1", change.down)) == 49


def test_a_move_the_0_to_100_scale_cannot_hold_is_none():
    assert smallest_change_to_move(row(100, 100, 99), PARAMS, "s2").up is None  # 100 already
    assert smallest_change_to_move(row(60, 60, 99), PARAMS, "s2").up is None  # 73 → 74 needs 100.5
    assert smallest_change_to_move(row(60, 60.5, 98.5), PARAMS, "s2").up == Decimal("1.5")  # to 100
    assert smallest_change_to_move(row(0, 0, 1), PARAMS, "s2").down is None
    with pytest.raises(ValueError, match="does not score"):
        smallest_change_to_move(row(40, 50, 60, None), PARAMS, "s3")


def test_the_smallest_change_for_kazakhstan_2023(cpi_2023):
    kaz = next(r for r in cpi_2023.source_rows() if r[0] == "KAZ")
    for source in (s for s, v in kaz[2].items() if v is not None):
        change = smallest_change_to_move(kaz, PARAMS, source)
        assert score(shift_source(kaz, source, change.up)) == change.score + 1
        assert score(shift_source(kaz, source, change.up - SOURCE_STEP)) == change.score
        assert score(shift_source(kaz, source, change.down)) == change.score - 1
        assert score(shift_source(kaz, source, change.down + SOURCE_STEP)) == change.score


source_scores = st.lists(
    st.one_of(st.floats(0, 100), st.integers(0, 100), st.decimals(0, 100, places=5)), min_size=3, max_size=13
)


@given(scores=source_scores, which=st.integers(0, 12), fraction=st.floats(0, 1, exclude_max=True))
def test_the_smallest_change_moves_the_score_by_exactly_one_point_and_no_less_does(scores, which, fraction):
    """Changes come in steps of SOURCE_STEP: the returned one moves the score, all a step smaller do not."""
    r, source = row(*scores), f"s{which % len(scores)}"
    value = as_decimal(r[2][source])
    base = score(r)
    change = smallest_change_to_move(r, PARAMS, source)
    assert change.score == base
    if change.up is None:
        assert score(shift_source(r, source, 100 - value)) == base
    else:
        assert value + change.up <= 100
        assert score(shift_source(r, source, change.up)) == base + 1
        assert score(shift_source(r, source, change.up - SOURCE_STEP)) == base
        assert score(shift_source(r, source, (change.up - SOURCE_STEP) * Decimal(fraction))) == base
    if change.down is None:
        assert score(shift_source(r, source, -value)) == base
    else:
        assert value + change.down >= 0
        assert score(shift_source(r, source, change.down)) == base - 1
        assert score(shift_source(r, source, change.down + SOURCE_STEP)) == base
        assert score(shift_source(r, source, (change.down + SOURCE_STEP) * Decimal(fraction))) == base


@given(scores=source_scores)
def test_pulls_add_up_to_the_mean_without_each_source(scores):
    params = MethodParams(min_sources=3)
    r = row(*scores)
    assume(len(scores) > 3)
    base = estimate(r[2], params)
    for p in source_pull(r, params):
        without = estimate({s: v for s, v in r[2].items() if s != p.source}, params)
        assert base.mean - without.mean == pytest.approx(p.pull, abs=1e-9)
