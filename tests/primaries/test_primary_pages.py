import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from adal.core.models import Role, Territory
from adal.core.permissions import SYSTEM
from adal.core.services import staff_create
from adal.councils.primaries.models import Ballot, Nomination, Participation, Primary, Voter
from adal.councils.primaries.services import ballot_cast, nomination_create
from tests.primaries.conftest import at_phase, upcoming


@pytest.fixture
def primary(org, voter, on_ballot):
    """The Aktobe primary: A and B consented, C declined, D not yet answered; six more voters."""
    p = upcoming(org["councils"]["aktobe"])
    on_ballot(p, voter("Aigerim Candidate"), voter("Bolat Candidate"))
    declined, pending = voter("Chingis Declined"), voter("Dana Pending")
    nominator = org["councils"]["aktobe"].memberships.first()
    c = nomination_create(primary=p, candidate=declined.member, nominator=nominator, by=SYSTEM)
    Nomination.objects.filter(pk=c.pk).update(state=Nomination.State.DECLINED)
    nomination_create(primary=p, candidate=pending.member, nominator=nominator, by=SYSTEM)
    p.voters = [voter() for _ in range(6)]
    p.pending = pending
    return p


def url(name, primary, **kw):
    return reverse(f"primaries:{name}", kwargs={"pk": primary.pk, **kw})


def test_the_public_page_lists_only_consenting_candidates(client, primary):
    page = client.get(url("primary", primary)).content.decode()
    assert "Aigerim Candidate" in page and "Bolat Candidate" in page
    assert "Chingis Declined" not in page and "Dana Pending" not in page
    assert "The results are published when voting ends." in page
    assert primary.title in client.get(reverse("primaries:list")).content.decode()


def test_a_nominee_is_asked_for_consent_and_gives_it(client, primary):
    client.force_login(primary.pending.user)
    assert "Give or refuse your consent" in client.get(url("primary", primary)).content.decode()
    response = client.post(url("consent", primary), {"decision": "consent", "statement": "Open budgets."})
    assert response.status_code == 302
    assert Nomination.objects.get(candidate=primary.pending.member).state == Nomination.State.CONSENTED


def test_voting_asks_to_sign_in(client, primary):
    with at_phase(primary, "voting"):
        response = client.get(url("vote", primary))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


def test_a_voter_votes_and_nothing_sent_back_or_kept_names_the_choice(client, primary):
    voter = primary.voters[0]
    choice = primary.nominations.get(candidate__full_name="Bolat Candidate")
    with at_phase(primary, "voting"):
        client.force_login(voter.user)
        assert client.get(url("vote", primary)).status_code == 200
        response = client.post(url("vote", primary), {"nomination": choice.pk})
        assert response.status_code == 302
        page = client.get(url("primary", primary)).content.decode()
        session = dict(client.session.items())
    assert "You have voted in this primary." in page
    assert Participation.objects.filter(voter=voter).exists()
    assert list(Ballot.objects.values_list("nomination", flat=True)) == [choice.pk]
    messages = " ".join(str(m) for m in get_messages(response.wsgi_request))
    for kept in (messages, repr(session)):
        assert "Bolat" not in kept and f"'nomination': {choice.pk}" not in kept


def test_a_second_ballot_is_refused_without_sending_the_choice_back(client, primary):
    a, b = primary.nominations.filter(state=Nomination.State.CONSENTED)
    with at_phase(primary, "voting"):
        client.force_login(primary.voters[0].user)
        client.post(url("vote", primary), {"nomination": a.pk})
        response = client.post(url("vote", primary), {"nomination": b.pk})
    page = response.content.decode()
    assert response.status_code == 400 and "You have already voted in this primary." in page
    assert "checked" not in page
    assert Ballot.objects.count() == 1


def test_the_ballot_must_name_a_candidate(client, primary):
    with at_phase(primary, "voting"):
        client.force_login(primary.voters[0].user)
        response = client.post(url("vote", primary), {})
    assert response.status_code == 400 and "Choose one candidate." in response.content.decode()
    assert not Participation.objects.exists()


def test_a_member_of_another_territory_gets_no_ballot(client, primary, voter):
    outsider = voter(kato="750000000")
    with at_phase(primary, "voting"):
        client.force_login(outsider.user)
        response = client.get(url("vote", primary))
    assert response.status_code == 403
    assert "registered in this council's territory" in response.content.decode()


def test_results_with_turnout_and_a_chart_after_the_end(client, primary):
    a = primary.nominations.get(candidate__full_name="Aigerim Candidate")
    with at_phase(primary, "voting"):
        for v in primary.voters[:5]:
            ballot_cast(primary=primary, nomination=a, by=v.user)
    with at_phase(primary, "finished"):
        page = client.get(url("primary", primary)).content.decode()
    # Electorate: six voters and the four nominees, all registered in Aktobe region.
    assert 'data-testid="turnout">50%' in page
    assert '<rect x="0" y="0" width="100" height="10" fill="#1f6f8b"/>' in page
    assert "Selected" in page


def test_with_few_ballots_the_page_shows_the_turnout_only(client, primary):
    a = primary.nominations.get(candidate__full_name="Aigerim Candidate")
    with at_phase(primary, "voting"):
        for v in primary.voters[:2]:
            ballot_cast(primary=primary, nomination=a, by=v.user)
    with at_phase(primary, "finished"):
        page = client.get(url("primary", primary), headers={"accept-language": "en"}).content.decode()
    assert 'data-testid="turnout">20%' in page
    assert "The count per candidate is not published: fewer than 5 ballots were cast" in page
    assert 'data-testid="result-row"' not in page


# ---------------------------------------------------------------- the secretary


def moments(days: int) -> dict:
    now = timezone.localtime()
    return {
        name: (now + dt.timedelta(days=days + i)).strftime("%Y-%m-%dT%H:%M")
        for i, name in enumerate(("nominations_close", "voting_starts", "voting_ends"))
    }


def test_the_secretary_announces_a_primary(client, org):
    client.force_login(org["secretary"])
    assert client.get(reverse("primaries:staff_create")).status_code == 200
    data = {"council": org["councils"]["aktobe"].pk, "title_en": "Primary 2027", "seats": 3, **moments(3)}
    response = client.post(reverse("primaries:staff_create"), data)
    primary = Primary.objects.get(title_en="Primary 2027")
    assert response.status_code == 302 and response["Location"] == url("staff_primary", primary)


def test_a_refused_primary_comes_back_with_the_reason(client, org):
    client.force_login(org["secretary"])
    data = {"council": org["councils"]["aktobe"].pk, "title_en": "Primary", "seats": 1, **moments(-3)}
    response = client.post(reverse("primaries:staff_create"), data)
    assert (
        response.status_code == 400 and "Nominations must close in the future." in response.content.decode()
    )
    data = {**data, **moments(3), "seats": 0}
    response = client.post(reverse("primaries:staff_create"), data)
    assert "A primary selects at least one candidate." in response.content.decode()


def test_the_secretary_may_announce_only_for_their_council(client, org):
    client.force_login(org["secretary"])
    data = {"council": org["councils"]["almaty"].pk, "title_en": "Primary", "seats": 1, **moments(3)}
    response = client.post(reverse("primaries:staff_create"), data)
    assert response.status_code == 400 and not Primary.objects.exists()
    client.force_login(org["almaty_secretary"])
    assert client.get(url("staff_primary", upcoming(org["councils"]["aktobe"]))).status_code == 403


def test_others_have_no_secretary_pages(client, primary):
    client.force_login(primary.voters[0].user)
    assert client.get(reverse("primaries:staff_create")).status_code == 403


def test_the_secretary_records_and_withdraws_nominations(client, org, primary, voter):
    client.force_login(org["secretary"])
    nominator = org["councils"]["aktobe"].memberships.first()
    candidate = voter("Erlan Nominee")
    response = client.post(
        url("staff_primary", primary),
        {"candidate": candidate.member.membership_number, "nominator": nominator.pk},
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get(candidate=candidate.member)
    response = client.post(
        url("staff_primary", primary), {"candidate": "NO-SUCH-NUMBER", "nominator": nominator.pk}
    )
    assert response.status_code == 400
    assert "No party member has this membership number." in response.content.decode()
    client.post(url("staff_withdraw", primary, nomination_id=nomination.pk), {"reason": "Not a resident"})
    nomination.refresh_from_db()
    assert (nomination.state, nomination.withdrawn_reason) == (Nomination.State.WITHDRAWN, "Not a resident")
    assert "Erlan Nominee" in client.get(url("staff_primary", primary)).content.decode()


def test_the_secretary_lists_their_primaries(client, org, primary):
    client.force_login(org["secretary"])
    assert primary.title in client.get(reverse("primaries:staff_list")).content.decode()


@pytest.fixture
def superuser(org):
    return staff_create(
        username="root", password="x", role=Role.ADMINISTRATOR, unit=None, is_superuser=True, by=SYSTEM
    )


@pytest.mark.parametrize("model", ["voter", "primary", "nomination"])
def test_the_admin_shows_voters_primaries_and_nominations(client, superuser, primary, model):
    client.force_login(superuser)
    assert client.get(reverse(f"admin:primaries_{model}_changelist")).status_code == 200


def test_the_admin_registers_a_voter_through_the_checks(client, org, superuser, voter):
    registered = voter()
    client.force_login(superuser)
    data = {
        "member": registered.member.pk,
        "user": org["secretary"].pk,
        "territory": Territory.objects.get(kato="750000000").pk,
    }
    response = client.post(reverse("admin:primaries_voter_add"), data, headers={"accept-language": "en"})
    assert response.status_code == 200 and "register them there" in response.content.decode()
    assert Voter.objects.count() == 1
