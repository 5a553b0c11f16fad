"""Counting a primary's ballots: pure functions, no Django, so the rules can be tested alone.

Each ballot names one candidate; the ``seats`` candidates with the most votes are selected. A candidate
with no vote is never selected. When candidates tie for the last seat(s), the count does not decide
between them: they are marked ``tied`` and none of them is selected, so that the council settles it
by its own rules (a run-off) rather than by an arbitrary order.
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Standing:
    candidate: Hashable
    votes: int
    share: float  # of all ballots, 0..1
    selected: bool
    tied: bool


def standings(votes: Mapping[Hashable, int], seats: int) -> list[Standing]:
    """Candidates by votes, most first (equal votes keep the order of ``votes``)."""
    if seats < 1:
        raise ValueError("a primary selects at least one candidate")
    if any(v < 0 for v in votes.values()):
        raise ValueError("votes cannot be negative")
    total = sum(votes.values())
    ranked = sorted(votes.items(), key=lambda item: -item[1])
    # The votes a candidate needs to be sure of a seat: more than the best of those left out.
    left_out = ranked[seats][1] if len(ranked) > seats else 0
    at_cutoff = ranked[seats - 1][1] if len(ranked) >= seats else 0
    tie = len(ranked) > seats and at_cutoff == left_out and left_out > 0
    return [
        Standing(
            candidate=candidate,
            votes=n,
            share=n / total if total else 0.0,
            selected=n > left_out if tie else n > 0 and rank < seats,
            tied=tie and n == left_out,
        )
        for rank, (candidate, n) in enumerate(ranked)
    ]


def turnout(ballots: int, electorate: int) -> float | None:
    """Share of the electorate who voted; None when nobody was eligible."""
    if ballots < 0 or electorate < 0 or ballots > electorate:
        raise ValueError("ballots must lie between 0 and the electorate")
    return ballots / electorate if electorate else None
