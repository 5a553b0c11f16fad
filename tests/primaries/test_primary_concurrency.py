"""Ballots arriving at the same moment, from real threads with their own database connections."""

import threading
from collections import Counter

import pytest

from adal.core.models import AuditEvent
from adal.councils.primaries.models import Ballot, Participation
from adal.councils.primaries.services import PrimaryActionRefused, ballot_cast
from tests.primaries.conftest import at_phase, upcoming


def at_once(calls) -> list[str]:
    """Run the calls in threads released together; return "won" or "refused" for each."""
    outcomes, barrier = [], threading.Barrier(len(calls))

    def run(call):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            call()
            outcomes.append("won")
        except PrimaryActionRefused:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.fixture
def primary_with_candidates(org, voter, on_ballot):
    primary = upcoming(org["councils"]["aktobe"])
    return primary, on_ballot(primary, voter("Candidate A"), voter("Candidate B"))


@pytest.mark.django_db(transaction=True)
def test_one_voter_sending_four_ballots_at_once_casts_one(primary_with_candidates, voter):
    primary, (a, b) = primary_with_candidates
    someone = voter()
    choices = [a, b, a, b]
    with at_phase(primary, "voting"):
        outcomes = at_once(
            [lambda n=n: ballot_cast(primary=primary, nomination=n, by=someone.user) for n in choices]
        )
    assert sorted(outcomes) == ["refused", "refused", "refused", "won"]
    assert Participation.objects.filter(primary=primary).count() == 1
    assert Ballot.objects.filter(primary=primary).count() == 1
    assert AuditEvent.objects.filter(action="primary.voted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_voters_at_once_lose_no_ballot_and_add_none(primary_with_candidates, voter):
    primary, (a, b) = primary_with_candidates
    early = [voter() for _ in range(20)]
    with at_phase(primary, "voting"):
        for v in early:  # a full box, so every new ballot is mixed with others
            ballot_cast(primary=primary, nomination=a, by=v.user)
        crowd = [voter() for _ in range(6)]
        outcomes = at_once([lambda v=v: ballot_cast(primary=primary, nomination=b, by=v.user) for v in crowd])
    assert outcomes == ["won"] * 6
    tally = Counter(Ballot.objects.filter(primary=primary).values_list("nomination_id", flat=True))
    assert tally == {a.pk: 20, b.pk: 6}
    assert Participation.objects.filter(primary=primary).count() == 26
