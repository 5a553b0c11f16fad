import datetime as dt

import pytest
from django.utils import timezone

from adal.core.models import AuditEvent
from adal.core.permissions import SYSTEM
from adal.core.texts import Texts
from adal.councils.primaries.models import Ballot, Nomination, Participation
from adal.councils.primaries.selectors import electorate, results
from adal.councils.primaries.services import (
    PrimaryActionRefused,
    ballot_cast,
    nomination_answer,
    nomination_create,
    nomination_withdraw,
    primary_create,
    voter_register,
)
from adal.councils.services import membership_cease
from adal.discipline.services import proceeding_decide, proceeding_open
from tests.conftest import make_staff
from tests.primaries.conftest import ALGA, ALMATY_CITY, at_phase, territory, upcoming

H = dt.timedelta(hours=1)


def expel(member, on=None):
    on = on or timezone.localdate()
    proceeding = proceeding_open(
        member=member,
        grounds="court_verdict",
        grounds_details="Verdict",
        deciding_body="Bureau",
        opened_on=on,
        by=SYSTEM,
    )
    return proceeding_decide(proceeding=proceeding, sanction="expulsion", decided_on=on, by=SYSTEM)


# ---------------------------------------------------------------- announcing a primary


def test_the_secretary_announces_a_primary_and_the_audit_log_records_it(org):
    primary = upcoming(org["councils"]["aktobe"], by=org["secretary"])
    assert primary.created_by == org["secretary"]
    entry = AuditEvent.objects.get(action="primary.created")
    assert entry.actor == org["secretary"] and entry.data["seats"] == 2


def test_only_the_councils_secretary_may_announce_it(org):
    with pytest.raises(PrimaryActionRefused, match="Only the secretary of this council"):
        upcoming(org["councils"]["aktobe"], by=org["almaty_secretary"])


@pytest.mark.parametrize(
    ("close", "start", "end", "message"),
    [
        (-H, H, 2 * H, "Nominations must close in the future."),
        (2 * H, H, 3 * H, "Voting cannot start before nominations close."),
        (H, 2 * H, 2 * H, "Voting must end after it starts."),
    ],
)
def test_the_periods_must_follow_each_other(org, close, start, end, message):
    now = timezone.now()
    with pytest.raises(PrimaryActionRefused, match=message):
        primary_create(
            council=org["councils"]["aktobe"],
            title=Texts(ru="Primary"),
            seats=1,
            nominations_close=now + close,
            voting_starts=now + start,
            voting_ends=now + end,
            by=org["secretary"],
        )


def test_a_primary_needs_a_title_and_a_seat(org):
    with pytest.raises(PrimaryActionRefused, match="Give the primary a title"):
        upcoming(org["councils"]["aktobe"], title="  ")
    with pytest.raises(PrimaryActionRefused, match="at least one candidate"):
        upcoming(org["councils"]["aktobe"], seats=0)


# ---------------------------------------------------------------- who may vote


def test_the_electorate_is_the_councils_territory_with_its_districts_without_the_expelled(org, voter):
    in_region, in_district, elsewhere, expelled = (
        voter(),
        voter(kato=ALGA),
        voter(kato=ALMATY_CITY),
        voter(),
    )
    expel(expelled.member)
    regional = upcoming(org["councils"]["aktobe"])
    district = upcoming(org["councils"]["alga"])
    central = upcoming(org["councils"]["centre"])
    assert set(electorate(regional)) == {in_region, in_district}
    assert set(electorate(district)) == {in_district}
    assert set(electorate(central)) == {in_region, in_district, elsewhere}


def test_a_voter_is_registered_in_their_own_region_or_its_district(org, voter):
    v = voter()
    other = make_staff("someone", "", org["centre"])[0]
    with pytest.raises(PrimaryActionRefused, match="register them there"):
        voter_register(member=v.member, user=other, territory=territory(ALMATY_CITY), by=SYSTEM)
    with pytest.raises(PrimaryActionRefused, match="already registered"):
        voter_register(member=v.member, user=other, territory=territory(ALGA), by=SYSTEM)
    with pytest.raises(PrimaryActionRefused, match="Only an administrator"):
        voter_register(member=v.member, user=other, by=org["secretary"])


# ---------------------------------------------------------------- nominations


def test_a_member_nominates_and_the_candidate_consents(org, seat, voter):
    primary = upcoming(org["councils"]["aktobe"])
    candidate = voter()
    member_user = make_staff("member-user", "", org["aktobe"])[0]
    nominator = seat(primary.council, "Nominating member", user=member_user)
    nomination = nomination_create(
        primary=primary, candidate=candidate.member, nominator=nominator, by=member_user
    )
    assert nomination.state == Nomination.State.PROPOSED
    nomination = nomination_answer(
        nomination=nomination, consent=True, statement="For open budgets.", by=candidate.user
    )
    assert (nomination.state, nomination.statement) == (Nomination.State.CONSENTED, "For open budgets.")
    assert AuditEvent.objects.filter(action="primary.nomination_consented", actor=candidate.user).exists()


def test_only_members_of_this_council_nominate(org, seat, voter):
    primary = upcoming(org["councils"]["aktobe"])
    stranger = make_staff("stranger", "", org["aktobe"])[0]
    nominator = seat(primary.council)
    with pytest.raises(PrimaryActionRefused, match="Only a member of the council"):
        nomination_create(primary=primary, candidate=voter().member, nominator=nominator, by=stranger)
    almaty_member = seat(org["councils"]["almaty"])
    with pytest.raises(PrimaryActionRefused, match="Only a current member of this council"):
        nomination_create(primary=primary, candidate=voter().member, nominator=almaty_member, by=SYSTEM)
    membership_cease(membership=nominator, on=dt.date(2020, 1, 1), by=SYSTEM)
    with pytest.raises(PrimaryActionRefused, match="Only a current member of this council"):
        nomination_create(primary=primary, candidate=voter().member, nominator=nominator, by=SYSTEM)


def test_a_candidate_must_be_a_voter_in_good_standing_in_the_territory(org, seat, voter):
    primary = upcoming(org["councils"]["alga"])
    nominator = seat(primary.council)
    with pytest.raises(PrimaryActionRefused, match="not a party member in good standing"):
        nomination_create(primary=primary, candidate=voter().member, nominator=nominator, by=SYSTEM)
    expelled = voter(kato=ALGA)
    expel(expelled.member)
    with pytest.raises(PrimaryActionRefused, match="not a party member in good standing"):
        nomination_create(primary=primary, candidate=expelled.member, nominator=nominator, by=SYSTEM)
    candidate = voter(kato=ALGA)
    nomination_create(primary=primary, candidate=candidate.member, nominator=nominator, by=SYSTEM)
    with pytest.raises(PrimaryActionRefused, match="already been nominated"):
        nomination_create(primary=primary, candidate=candidate.member, nominator=nominator, by=SYSTEM)


def test_nominations_close_on_time(org, seat, voter):
    primary = upcoming(org["councils"]["aktobe"])
    candidate, nominator = voter().member, seat(primary.council)
    with at_phase(primary, "consent"), pytest.raises(PrimaryActionRefused, match="Nominations closed on"):
        nomination_create(primary=primary, candidate=candidate, nominator=nominator, by=SYSTEM)


def test_only_the_candidate_answers_and_only_once_before_voting(org, seat, voter):
    primary = upcoming(org["councils"]["aktobe"])
    candidate, someone = voter(), voter()
    nomination = nomination_create(
        primary=primary, candidate=candidate.member, nominator=seat(primary.council), by=SYSTEM
    )
    with pytest.raises(PrimaryActionRefused, match="Only the candidate"):
        nomination_answer(nomination=nomination, consent=True, by=someone.user)
    with pytest.raises(PrimaryActionRefused, match="Only the candidate"):
        nomination_answer(nomination=nomination, consent=True, by=org["secretary"])
    nomination_answer(nomination=nomination, consent=False, by=candidate.user)
    with pytest.raises(PrimaryActionRefused, match="already been answered"):
        nomination_answer(nomination=nomination, consent=True, by=candidate.user)
    late = nomination_create(
        primary=primary, candidate=someone.member, nominator=seat(primary.council), by=SYSTEM
    )
    with at_phase(primary, "voting"), pytest.raises(PrimaryActionRefused, match="Voting has started"):
        nomination_answer(nomination=late, consent=True, by=someone.user)


def test_the_secretary_withdraws_a_nomination_with_a_reason_before_voting(org, voter, on_ballot):
    primary = upcoming(org["councils"]["aktobe"])
    [nomination] = on_ballot(primary, voter())
    with pytest.raises(PrimaryActionRefused, match="Give the reason"):
        nomination_withdraw(nomination=nomination, reason=" ", by=org["secretary"])
    with pytest.raises(PrimaryActionRefused, match="Only the secretary"):
        nomination_withdraw(nomination=nomination, reason="Ineligible", by=org["almaty_secretary"])
    nomination = nomination_withdraw(nomination=nomination, reason="Ineligible", by=org["secretary"])
    assert nomination.state == Nomination.State.WITHDRAWN


# ---------------------------------------------------------------- voting


@pytest.fixture
def voting(org, voter, on_ballot):
    """The Aktobe primary with two candidates and five more voters; the tests vote in its period."""
    primary = upcoming(org["councils"]["aktobe"])
    a, b = voter("Candidate A"), voter("Candidate B")
    return primary, on_ballot(primary, a, b), [voter() for _ in range(5)]


def cast(primary, votes):
    with at_phase(primary, "voting"):
        for voter, nomination in votes:
            ballot_cast(primary=primary, nomination=nomination, by=voter.user)


def test_a_voter_casts_one_ballot_with_no_trace_of_the_choice_beside_them(voting):
    primary, (a, _b), voters = voting
    cast(primary, [(voters[0], a)])
    assert Participation.objects.get().voter == voters[0]
    assert list(Ballot.objects.values_list("nomination", flat=True)) == [a.pk]
    entry = AuditEvent.objects.get(action="primary.voted")
    assert (entry.actor, entry.target_id, entry.data) == (voters[0].user, str(primary.pk), {})


def test_a_second_ballot_is_refused_and_changes_nothing(voting):
    primary, (a, b), voters = voting
    cast(primary, [(voters[0], a)])
    with pytest.raises(PrimaryActionRefused, match="already voted"):
        cast(primary, [(voters[0], b)])
    assert (Participation.objects.count(), Ballot.objects.count()) == (1, 1)


@pytest.mark.parametrize("phase", ["nominations", "consent", "finished"])
def test_voting_only_in_the_period(voting, phase):
    primary, (a, _b), voters = voting
    with at_phase(primary, phase), pytest.raises(PrimaryActionRefused, match="Voting is open from"):
        ballot_cast(primary=primary, nomination=a, by=voters[0].user)
    assert not Ballot.objects.exists()


def test_only_eligible_voters_vote_for_a_candidate_on_this_ballot(org, voting, voter, seat):
    primary, (a, _b), voters = voting
    outsider = voter(kato=ALMATY_CITY)
    other_primary = upcoming(org["councils"]["aktobe"], title="Another primary")
    elsewhere = nomination_create(
        primary=other_primary, candidate=voters[2].member, nominator=seat(other_primary.council), by=SYSTEM
    )
    with at_phase(primary, "voting"):
        with pytest.raises(PrimaryActionRefused, match="registered in this council's territory"):
            ballot_cast(primary=primary, nomination=a, by=outsider.user)
        expel(voters[1].member)
        with pytest.raises(PrimaryActionRefused, match="registered in this council's territory"):
            ballot_cast(primary=primary, nomination=a, by=voters[1].user)
        with pytest.raises(PrimaryActionRefused, match="registered as voters"):
            ballot_cast(primary=primary, nomination=a, by=org["secretary"])
        with pytest.raises(PrimaryActionRefused, match="Choose one of the candidates"):
            ballot_cast(primary=primary, nomination=elsewhere, by=voters[3].user)
    assert not Participation.objects.exists()


# ---------------------------------------------------------------- results


def test_results_appear_only_after_voting_ends_with_turnout(voting):
    primary, (a, b), voters = voting
    cast(primary, zip(voters, [a, a, a, b, b], strict=True))
    with at_phase(primary, "voting"):
        assert not results(primary).finished
    with at_phase(primary, "finished"):
        outcome = results(primary)
    # Electorate: the five voters and the two candidates, all registered in Aktobe region.
    assert (outcome.ballots, outcome.electorate, outcome.shown) == (5, 7, True)
    assert outcome.turnout == pytest.approx(5 / 7)
    assert [(r.nomination, r.votes, r.selected) for r in outcome.rows] == [(a, 3, True), (b, 2, True)]


def test_a_tie_for_the_last_seat_selects_neither(org, voter, on_ballot):
    primary = upcoming(org["councils"]["aktobe"], seats=1)
    a, b = on_ballot(primary, voter(), voter())
    cast(primary, zip([voter() for _ in range(6)], [a, a, a, b, b, b], strict=True))
    with at_phase(primary, "finished"):
        outcome = results(primary)
    assert outcome.tie and not any(r.selected for r in outcome.rows)


def test_with_too_few_ballots_only_the_turnout_is_published(voting):
    primary, (a, _b), voters = voting
    cast(primary, [(v, a) for v in voters[:4]])
    with at_phase(primary, "finished"):
        outcome = results(primary)
    assert (outcome.ballots, outcome.shown, outcome.rows) == (4, False, [])
    assert outcome.turnout == pytest.approx(4 / 7)


def test_a_voter_expelled_before_the_end_still_counts_in_the_electorate(voting):
    primary, (a, _b), voters = voting
    cast(primary, [(v, a) for v in voters])
    with at_phase(primary, "voting"):
        expel(voters[0].member)
    with at_phase(primary, "finished"):
        outcome = results(primary)
    assert (outcome.ballots, outcome.electorate) == (5, 7)


def test_a_member_expelled_without_voting_leaves_the_electorate(voting):
    primary, (a, _b), voters = voting
    cast(primary, [(v, a) for v in voters[1:]])
    with at_phase(primary, "voting"):
        expel(voters[0].member)
    with at_phase(primary, "finished"):
        outcome = results(primary)
    assert (outcome.ballots, outcome.electorate) == (4, 6)
