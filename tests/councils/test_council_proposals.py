import datetime as dt

import pytest

from adal.core.models import AuditEvent
from adal.core.texts import Texts
from adal.councils.models import Proposal
from adal.councils.selectors import council_page
from adal.councils.services import (
    CouncilActionRefused,
    proposal_answer,
    proposal_consider,
    proposal_create,
    proposal_submit,
    today,
)
from tests.councils.factories import plan

D = dt.date


@pytest.fixture
def proposal_draft(councils):
    def make(**overrides):
        values = dict(
            council=councils["aktobe"],
            kind=Proposal.Kind.STATE_BODY,
            addressee=Texts(ru="Управление образования Актюбинской области"),
            title=Texts(ru="О прозрачном зачислении в первые классы"),
            text=Texts(ru="Предлагаем публиковать списки зачисленных детей и свободные места."),
            by=councils["secretary"],
        )
        return proposal_create(**{**values, **overrides})

    return make


def test_a_proposal_goes_from_draft_to_a_reasoned_answer(councils, proposal_draft):
    by = councils["secretary"]
    proposal = proposal_draft()
    assert proposal.state == Proposal.State.DRAFT
    proposal = proposal_submit(proposal=proposal, submitted_on=D(2019, 9, 2), by=by)
    proposal = proposal_consider(proposal=proposal, on=D(2019, 9, 10), by=by)
    proposal = proposal_answer(
        proposal=proposal,
        outcome=Proposal.State.PARTLY_ACCEPTED,
        answer=Texts(ru="Списки будут публиковаться с 2020 года; свободные места — по мере возможности."),
        answered_on=D(2019, 10, 1),
        by=by,
    )
    assert (proposal.state, proposal.submitted_on, proposal.considered_from, proposal.answered_on) == (
        "partly_accepted",
        D(2019, 9, 2),
        D(2019, 9, 10),
        D(2019, 10, 1),
    )
    actions = list(AuditEvent.objects.filter(target_id=str(proposal.pk), target_type="councils.Proposal"))
    assert [a.action for a in actions] == [
        "council.proposal_created",
        "council.proposal_submitted",
        "council.proposal_under_consideration",
        "council.proposal_answered",
    ]


def test_a_submitted_proposal_may_be_answered_directly(councils, proposal_draft):
    by = councils["secretary"]
    proposal = proposal_submit(
        proposal=proposal_draft(kind=Proposal.Kind.LEGISLATIVE, addressee=Texts(ru="Мажилис")), by=by
    )
    proposal = proposal_answer(
        proposal=proposal,
        outcome="rejected",
        answer=Texts(ru="Норма уже есть в законе."),
        answered_on=today(),
        by=by,
    )
    assert proposal.state == Proposal.State.REJECTED


def test_a_proposal_is_answered_once_and_with_reasons(councils, proposal_draft):
    by = councils["secretary"]
    proposal = proposal_draft()
    answer = dict(outcome="accepted", answer=Texts(ru="Принято."), answered_on=today(), by=by)
    with pytest.raises(CouncilActionRefused, match="Submit the proposal"):
        proposal_answer(proposal=proposal, **answer)
    proposal = proposal_submit(proposal=proposal, submitted_on=today() - dt.timedelta(days=5), by=by)
    for bad, message in [
        ({"answer": Texts(ru="   ")}, "reasoned answer"),
        ({"outcome": "under_consideration"}, "Choose the outcome"),
        ({"answered_on": today() - dt.timedelta(days=6)}, "before the proposal was submitted"),
        ({"answered_on": today() + dt.timedelta(days=1)}, "future"),
    ]:
        with pytest.raises(CouncilActionRefused, match=message):
            proposal_answer(proposal=proposal, **{**answer, **bad})
    proposal = proposal_answer(proposal=proposal, **answer)
    audits = AuditEvent.objects.count()
    with pytest.raises(CouncilActionRefused, match="already been answered"):
        proposal_answer(
            proposal=proposal, **{**answer, "outcome": "rejected", "answer": Texts(ru="Отклонено.")}
        )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.answer, AuditEvent.objects.count()) == ("accepted", "Принято.", audits)


def test_a_stale_page_cannot_answer_twice(councils, proposal_draft):
    by = councils["secretary"]
    proposal = proposal_submit(proposal=proposal_draft(), by=by)
    stale = Proposal.objects.get(pk=proposal.pk)
    proposal_answer(
        proposal=proposal, outcome="accepted", answer=Texts(ru="Принято."), answered_on=today(), by=by
    )
    with pytest.raises(CouncilActionRefused):
        proposal_answer(
            proposal=stale, outcome="rejected", answer=Texts(ru="Нет."), answered_on=today(), by=by
        )
    assert Proposal.objects.get(pk=proposal.pk).state == "accepted"


def test_submitting_and_considering_follow_the_order(councils, proposal_draft):
    by = councils["secretary"]
    proposal = proposal_draft()
    with pytest.raises(CouncilActionRefused, match="Only a submitted"):
        proposal_consider(proposal=proposal, by=by)
    proposal = proposal_submit(proposal=proposal, submitted_on=today(), by=by)
    with pytest.raises(CouncilActionRefused, match="Only a draft"):
        proposal_submit(proposal=proposal, by=by)
    with pytest.raises(CouncilActionRefused, match="before it was submitted"):
        proposal_consider(proposal=proposal, on=today() - dt.timedelta(days=1), by=by)


def test_a_proposal_links_meetings_and_cases_of_its_council(councils, proposal_draft, aktobe_case):
    by = councils["secretary"]
    meeting, case = plan(councils["aktobe"], today(), by=by), aktobe_case()
    proposal = proposal_draft(meetings=[meeting], cases=[case])
    assert (list(proposal.meetings.all()), list(proposal.cases.all())) == ([meeting], [case])
    with pytest.raises(CouncilActionRefused, match="Link only meetings of this council"):
        proposal_draft(meetings=[plan(councils["almaty"], today(), by=councils["admin"])])
    with pytest.raises(CouncilActionRefused):
        proposal_draft(council=councils["alga"], cases=[case], by=councils["admin"])


def test_drafts_are_not_public(councils, proposal_draft):
    by = councils["secretary"]
    hidden, shown = (
        proposal_draft(),
        proposal_submit(proposal=proposal_draft(title=Texts(ru="Второе")), by=by),
    )
    assert council_page(council=councils["aktobe"]).proposals == [shown]
    assert set(council_page(council=councils["aktobe"], viewer=by).proposals) == {hidden, shown}
