import pytest
from hypothesis import given
from hypothesis import strategies as st

from adal.councils.primaries.tally import standings, turnout


def outcome(votes, seats):
    return [(s.candidate, s.votes, s.selected, s.tied) for s in standings(votes, seats)]


def test_the_most_voted_are_selected_up_to_the_seats():
    assert outcome({"a": 2, "b": 7, "c": 4}, 2) == [
        ("b", 7, True, False),
        ("c", 4, True, False),
        ("a", 2, False, False),
    ]


def test_a_tie_for_the_last_seat_is_left_to_the_council():
    assert outcome({"a": 5, "b": 3, "c": 3}, 2) == [
        ("a", 5, True, False),
        ("b", 3, False, True),
        ("c", 3, False, True),
    ]


def test_a_tie_above_the_cut_off_decides_nothing_and_needs_nothing():
    assert outcome({"a": 4, "b": 4, "c": 1}, 2) == [
        ("a", 4, True, False),
        ("b", 4, True, False),
        ("c", 1, False, False),
    ]


def test_a_candidate_without_votes_is_never_selected():
    assert outcome({"a": 3, "b": 0}, 2) == [("a", 3, True, False), ("b", 0, False, False)]
    assert outcome({"a": 0, "b": 0}, 1) == [("a", 0, False, False), ("b", 0, False, False)]


def test_shares_are_of_all_ballots():
    assert [s.share for s in standings({"a": 3, "b": 1}, 1)] == [0.75, 0.25]
    assert [s.share for s in standings({"a": 0}, 1)] == [0.0]


def test_turnout():
    assert turnout(5, 7) == pytest.approx(5 / 7)
    assert turnout(0, 0) is None
    with pytest.raises(ValueError, match="between 0 and the electorate"):
        turnout(8, 7)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="at least one candidate"):
        standings({"a": 1}, 0)
    with pytest.raises(ValueError, match="negative"):
        standings({"a": -1}, 1)


@given(
    votes=st.dictionaries(st.integers(0, 30), st.integers(0, 50), max_size=12),
    seats=st.integers(1, 6),
)
def test_never_more_selected_than_seats_and_every_selected_beats_every_other(votes, seats):
    result = standings(votes, seats)
    selected = [s.votes for s in result if s.selected]
    others = [s.votes for s in result if not s.selected]
    assert len(selected) <= seats
    assert all(v > 0 for v in selected)
    assert not selected or not others or min(selected) > max(others)
    # Seats are left empty only for ties or for want of candidates with votes.
    if len(selected) < seats:
        assert any(s.tied for s in result) or sum(1 for v in votes.values() if v > 0) < seats
