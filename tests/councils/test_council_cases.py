"""A case meets a council both ways: the agenda item lists the case, and the case's timeline shows
the placement on the agenda and, once the meeting is held, the council's decision."""

import datetime as dt

import pytest

from adal.cases.models import CaseEvent
from adal.core.models import AuditEvent
from adal.core.texts import Texts
from adal.councils.models import AgendaItem, Topic
from adal.councils.services import (
    CouncilActionRefused,
    agenda_item_add,
    case_put_on_agenda,
    meeting_record_held,
    today,
)
from tests.councils.factories import plan, seat


@pytest.fixture
def meeting(councils):
    council, by = councils["aktobe"], councils["secretary"]
    members = seat(council, 3, by=by)
    return plan(council, today() - dt.timedelta(days=1), by=by), members


def test_an_officer_puts_a_case_on_the_agenda_and_the_decision_reaches_its_timeline(
    org, councils, aktobe_case, meeting
):
    meeting, members = meeting
    case = aktobe_case(category="drinking_water")
    item = case_put_on_agenda(case=case, meeting=meeting, by=org["officer"])
    assert (item.topic.code, item.order, list(item.cases.all())) == ("drinking_water", 1, [case])
    assert list(case.agenda_items.all()) == [item]
    # An item without a title of its own is named after its topic in each language.
    topic = item.topic
    assert (item.title_ru, item.title_kk, item.title_en) == (
        f"Дело горячей линии по теме «{topic.name_ru}»",
        f"«{topic.name_kk}» тақырыбы бойынша жедел желі ісі",
        f"A hotline case on “{topic.name_en}”",
    )
    placed = case.events.get(kind="council_agenda")
    assert placed.actor == org["officer"]
    assert placed.data == {"council": councils["aktobe"].pk, "meeting": meeting.pk, "item": item.pk}
    assert "Aktobe council" in placed.note

    meeting_record_held(
        meeting=meeting,
        present=members,
        decisions={item.pk: Texts(ru="Рекомендовать акимату проверить зачисление в школы.")},
        by=councils["secretary"],
    )
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["council_agenda", "council_decision"]
    decision = case.events.get(kind="council_decision")
    assert "Рекомендовать акимату проверить зачисление в школы." in decision.note
    assert decision.actor == councils["secretary"]
    for action in ("case.council_agenda", "case.council_decision"):
        assert AuditEvent.objects.filter(action=action, target_id=str(case.pk)).exists()


def test_a_secretary_links_cases_when_adding_an_item(org, councils, aktobe_case, meeting):
    meeting, members = meeting
    cases = [aktobe_case(), aktobe_case(category="drinking_water")]
    item = agenda_item_add(
        meeting=meeting,
        topic=Topic.objects.get(code="drinking_water"),
        title=Texts(ru="Питьевая вода"),
        rapporteur="Руководитель ЖКХ",
        cases=cases,
        by=councils["secretary"],
    )
    second = case_put_on_agenda(case=aktobe_case(), meeting=meeting, item=item, by=org["officer"])
    assert second == item and item.cases.count() == 3
    meeting_record_held(
        meeting=meeting, present=members, decisions={item.pk: Texts(ru="Решение.")}, by=councils["secretary"]
    )
    assert CaseEvent.objects.filter(kind="council_decision").count() == 3
    assert CaseEvent.objects.filter(kind="council_agenda").count() == 3


def test_no_decision_no_event(org, councils, aktobe_case, meeting):
    meeting, members = meeting
    case = aktobe_case()
    case_put_on_agenda(case=case, meeting=meeting, by=org["officer"])
    meeting_record_held(meeting=meeting, present=members, by=councils["secretary"])
    assert not case.events.filter(kind="council_decision").exists()


def test_only_the_cases_officer_or_a_head_may_put_it_on_an_agenda(org, councils, aktobe_case, meeting):
    meeting, _members = meeting
    case = aktobe_case()
    for who in (org["colleague"], org["almaty_head"], org["analyst"], org["secretary"]):
        with pytest.raises(CouncilActionRefused):
            case_put_on_agenda(case=case, meeting=meeting, by=who)
    assert case_put_on_agenda(case=case, meeting=meeting, by=org["head"]).cases.get() == case


def test_a_council_considers_only_cases_of_its_part_of_the_organisation(org, councils, aktobe_case, new_case):
    case = aktobe_case()
    by = councils["admin"]
    central = plan(councils["centre"], today(), by=by)
    district = plan(councils["alga"], today(), by=by)
    assert (
        case_put_on_agenda(case=case, meeting=central, by=org["officer"]).cases.get() == case
    )  # the centre is above
    with pytest.raises(CouncilActionRefused, match="not handled within"):
        case_put_on_agenda(case=case, meeting=district, by=org["officer"])  # the district is below
    unrouted = new_case()
    with pytest.raises(CouncilActionRefused):
        agenda_item_add(
            meeting=central,
            topic=Topic.objects.get(code="other"),
            title=Texts(ru="x"),
            cases=[unrouted],
            by=by,
        )


def test_a_held_meeting_takes_no_more_cases_and_nothing_changes(org, councils, aktobe_case, meeting):
    meeting, members = meeting
    meeting_record_held(meeting=meeting, present=members, by=councils["secretary"])
    case = aktobe_case()
    events = case.events.count()
    with pytest.raises(CouncilActionRefused, match="only while the meeting is planned"):
        case_put_on_agenda(case=case, meeting=meeting, by=org["officer"])
    assert case.events.count() == events and not AgendaItem.objects.exists()


def test_a_case_is_put_on_an_item_once(org, aktobe_case, meeting):
    meeting, _members = meeting
    case = aktobe_case()
    item = case_put_on_agenda(case=case, meeting=meeting, by=org["officer"])
    with pytest.raises(CouncilActionRefused, match="already on this agenda item"):
        case_put_on_agenda(case=case, meeting=meeting, item=item, by=org["officer"])
    assert case.events.filter(kind="council_agenda").count() == 1
