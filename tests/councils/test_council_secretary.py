"""The secretaries' pages: a secretary runs their own council's meetings, proposals and news through
the same services as everyone; another council's pages are closed to them, and a signed-out visitor is
sent to sign in. A case officer puts a case on a council's agenda from a page reached from the case."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from adal.cases.models import CaseEvent
from adal.core.permissions import SYSTEM
from adal.core.texts import Texts
from adal.councils.models import AgendaItem, Meeting, News, Proposal, Topic
from adal.councils.services import agenda_item_add, meeting_plan, proposal_create, today
from tests.cases.test_transitions import accepted
from tests.councils.factories import at, plan, seat
from tests.councils.test_council_pages import sign_in

EN = {"accept-language": "en"}


@pytest.fixture
def aktobe(councils):
    """Aktobe's council with three members and a meeting planned for today."""
    by = councils["secretary"]
    members = seat(councils["aktobe"], 3, by=by)
    meeting = plan(councils["aktobe"], today(), by=by)
    return {**councils, "members": members, "meeting": meeting}


def staff_urls(slug: str, meeting: Meeting, proposal: Proposal) -> list[str]:
    return [
        reverse("councils:staff_council", args=[slug]),
        reverse("councils:meeting_new", args=[slug]),
        reverse("councils:staff_meeting", args=[slug, meeting.pk]),
        reverse("councils:proposal_new", args=[slug]),
        reverse("councils:staff_proposal", args=[slug, proposal.pk]),
        reverse("councils:news_new", args=[slug]),
    ]


@pytest.fixture
def draft_proposal(aktobe):
    return proposal_create(
        council=aktobe["aktobe"],
        kind="state_body",
        addressee=Texts(ru="Акимат"),
        title=Texts(ru="Проект"),
        text=Texts(ru="Текст."),
        by=aktobe["secretary"],
    )


def test_a_signed_out_visitor_is_sent_to_sign_in(client, aktobe, draft_proposal):
    for url in [reverse("councils:staff_home"), *staff_urls("aktobe", aktobe["meeting"], draft_proposal)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:login") + "?next=")
    action = reverse("councils:meeting_action", args=["aktobe", aktobe["meeting"].pk, "agenda"])
    assert client.post(action, {"agenda-title_ru": "x"}).status_code == 302
    assert not aktobe["meeting"].agenda_items.exists()


def test_a_secretary_cannot_manage_another_council(client, aktobe, draft_proposal):
    sign_in(client, aktobe["almaty_secretary"])
    for url in staff_urls("aktobe", aktobe["meeting"], draft_proposal):
        assert client.get(url).status_code == 403, url
    posts = {
        reverse("councils:meeting_new", args=["aktobe"]): {
            "planned_at": "2030-01-10T15:00",
            "place_ru": "Зал",
        },
        reverse("councils:meeting_action", args=["aktobe", aktobe["meeting"].pk, "agenda"]): {
            "agenda-topic": Topic.objects.get(code="education").pk,
            "agenda-title_ru": "Чужой пункт",
        },
        reverse("councils:proposal_action", args=["aktobe", draft_proposal.pk, "submit"]): {
            "submit-submitted_on": today().isoformat()
        },
        reverse("councils:news_new", args=["aktobe"]): {"title_ru": "Чужая новость", "body_ru": "Текст."},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert aktobe["aktobe"].meetings.count() == 1
    assert not aktobe["meeting"].agenda_items.exists() and not News.objects.exists()
    assert Proposal.objects.get(pk=draft_proposal.pk).state == Proposal.State.DRAFT
    # Their own council's address does not reach Aktobe's meeting either.
    own = reverse("councils:staff_meeting", args=["almaty", aktobe["meeting"].pk])
    assert client.get(own).status_code == 404


def test_a_case_officer_has_no_council_to_manage(client, org, aktobe):
    sign_in(client, org["officer"])
    assert client.get(reverse("councils:staff_council", args=["aktobe"])).status_code == 403
    html = client.get(reverse("councils:staff_home"), headers=EN).content.decode()
    assert reverse("councils:staff_council", args=["aktobe"]) not in html


def test_the_secretary_plans_a_meeting(client, aktobe):
    sign_in(client, aktobe["secretary"])
    assert (
        reverse("councils:staff_council", args=["aktobe"])
        in client.get(reverse("councils:staff_home")).content.decode()
    )
    response = client.post(
        reverse("councils:meeting_new", args=["aktobe"]),
        {"planned_at": "2030-03-10T15:00", "place_ru": "", "online_url": "https://meet.example.kz/aktobe"},
    )
    meeting = aktobe["aktobe"].meetings.get(online_url="https://meet.example.kz/aktobe")
    assert response["Location"] == reverse("councils:staff_meeting", args=["aktobe", meeting.pk])
    assert meeting.planned_at == at(dt.date(2030, 3, 10))  # read in Kazakhstan's time


def test_a_meeting_needs_a_place_or_a_link(client, aktobe):
    sign_in(client, aktobe["secretary"])
    response = client.post(
        reverse("councils:meeting_new", args=["aktobe"]), {"planned_at": "2030-03-10T15:00"}, headers=EN
    )
    assert response.status_code == 400
    assert "Give the place of the meeting or its online link." in response.content.decode()
    assert aktobe["aktobe"].meetings.count() == 1


def test_the_secretary_sets_the_agenda_with_cases(client, aktobe, aktobe_case):
    case = aktobe_case()
    number = case.report.registration_number
    sign_in(client, aktobe["secretary"])
    url = reverse("councils:meeting_action", args=["aktobe", aktobe["meeting"].pk, "agenda"])
    data = {
        "agenda-topic": Topic.objects.get(code="bribery").pk,
        "agenda-title_ru": "Вымогательство на трассе",
        "agenda-rapporteur": "Член совета №2",
        "agenda-cases": f"{number.lower()}, ",
    }
    assert client.post(url, data)["Location"] == reverse(
        "councils:staff_meeting", args=["aktobe", aktobe["meeting"].pk]
    )
    item = AgendaItem.objects.get(meeting=aktobe["meeting"])
    assert (item.title, item.rapporteur, list(item.cases.all())) == (
        "Вымогательство на трассе",
        "Член совета №2",
        [case],
    )
    assert CaseEvent.objects.filter(case=case, kind="council_agenda").count() == 1


def test_a_case_outside_the_council_is_refused_by_its_number(client, org, aktobe, new_case):
    elsewhere = accepted(org, new_case, region="750000000")  # routed to the centre, above Aktobe
    sign_in(client, aktobe["secretary"])
    url = reverse("councils:meeting_action", args=["aktobe", aktobe["meeting"].pk, "agenda"])
    data = {
        "agenda-topic": Topic.objects.get(code="bribery").pk,
        "agenda-title_ru": "Чужое дело",
        "agenda-cases": f"{elsewhere.report.registration_number} AC-2019-999999",
    }
    response = client.post(url, data, headers=EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert elsewhere.report.registration_number in html and "AC-2019-999999" in html
    assert "is handled within this council" in html
    assert not AgendaItem.objects.exists()


def test_the_secretary_records_the_meeting_held_and_publishes_the_minutes(client, aktobe, aktobe_case):
    by, meeting = aktobe["secretary"], aktobe["meeting"]
    case = aktobe_case()
    item = agenda_item_add(
        meeting=meeting,
        topic=Topic.objects.get(code="education"),
        title=Texts(ru="Школы"),
        cases=[case],
        by=by,
    )
    sign_in(client, by)
    page = client.get(reverse("councils:staff_meeting", args=["aktobe", meeting.pk]), headers=EN)
    assert 'data-action="held"' in page.content.decode()
    response = client.post(
        reverse("councils:meeting_action", args=["aktobe", meeting.pk, "held"]),
        {
            "held-held_on": today().isoformat(),
            "held-present": [m.pk for m in aktobe["members"][:2]],
            f"held-decision_{item.pk}_ru": "Направить в прокуратуру.",
            "held-minutes_ru": "Протокол № 1",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.state, meeting.quorum_met, meeting.attendees.count()) == ("held", True, 2)
    assert CaseEvent.objects.get(case=case, kind="council_decision").note.endswith("Направить в прокуратуру.")
    response = client.post(
        reverse("councils:meeting_action", args=["aktobe", meeting.pk, "minutes"]),
        {"minutes-minutes_ru": "Протокол № 1, окончательный", "minutes-visibility": "members"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.state, meeting.minutes_visibility) == ("minutes_published", "members")
    client.logout()
    public = client.get(reverse("councils:meeting", args=["aktobe", meeting.pk])).content.decode()
    assert "Протокол № 1, окончательный" not in public


def test_decisions_without_a_quorum_are_refused_and_nothing_changes(client, aktobe):
    by, meeting = aktobe["secretary"], aktobe["meeting"]
    item = agenda_item_add(
        meeting=meeting, topic=Topic.objects.get(code="education"), title=Texts(ru="Школы"), by=by
    )
    sign_in(client, by)
    response = client.post(
        reverse("councils:meeting_action", args=["aktobe", meeting.pk, "held"]),
        {
            "held-held_on": today().isoformat(),
            "held-present": [aktobe["members"][0].pk],
            f"held-decision_{item.pk}_ru": "Решение",
        },
        headers=EN,
    )
    assert response.status_code == 400
    assert "There is no quorum: 1 of 3 members are present." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.PLANNED and not meeting.attendees.exists()


def test_a_meeting_planned_for_later_cannot_be_recorded_as_held_yet(client, aktobe):
    later = meeting_plan(
        council=aktobe["aktobe"],
        planned_at=at(today() + dt.timedelta(days=3)),
        place=Texts(ru="Зал"),
        by=SYSTEM,
    )
    sign_in(client, aktobe["secretary"])
    page = client.get(reverse("councils:staff_meeting", args=["aktobe", later.pk])).content.decode()
    assert 'data-action="agenda"' in page and 'data-action="held"' not in page
    url = reverse("councils:meeting_action", args=["aktobe", later.pk, "held"])
    assert client.post(url, {"held-held_on": today().isoformat()}).status_code == 302
    later.refresh_from_db()
    assert later.state == Meeting.State.PLANNED


def test_a_proposal_goes_from_draft_to_answered(client, aktobe):
    sign_in(client, aktobe["secretary"])
    response = client.post(
        reverse("councils:proposal_new", args=["aktobe"]),
        {
            "kind": "legislative",
            "addressee_ru": "Фракция в Мажилисе",
            "title_ru": "О доступе к информации",
            "text_ru": "Дополнить закон.",
            "meetings": [aktobe["meeting"].pk],
        },
    )
    proposal = Proposal.objects.get(title_ru="О доступе к информации")
    assert response["Location"] == reverse("councils:staff_proposal", args=["aktobe", proposal.pk])
    assert list(proposal.meetings.all()) == [aktobe["meeting"]]
    day = today().isoformat()
    act = lambda name, data: client.post(  # noqa: E731
        reverse("councils:proposal_action", args=["aktobe", proposal.pk, name]), data, headers=EN
    )
    assert act("submit", {"submit-submitted_on": day}).status_code == 302
    assert act("consider", {"consider-on": day}).status_code == 302
    refused = act(
        "answer", {"answer-outcome": "partly_accepted", "answer-answer_ru": " ", "answer-answered_on": day}
    )
    assert refused.status_code == 400
    answer = {
        "answer-outcome": "partly_accepted",
        "answer-answer_ru": "Учтено частично.",
        "answer-answered_on": day,
    }
    assert act("answer", answer).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.state, proposal.answer, proposal.answered_on) == (
        "partly_accepted",
        "Учтено частично.",
        today(),
    )
    # Answered: nothing more to do, and a late action is turned away.
    assert act("submit", {"submit-submitted_on": day}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "partly_accepted"


def test_the_secretary_posts_news_that_the_public_page_shows(client, aktobe):
    sign_in(client, aktobe["secretary"])
    response = client.post(
        reverse("councils:news_new", args=["aktobe"]),
        {
            "title_ru": "Совет провёл приём граждан",
            "body_ru": "Пришли 12 человек.",
            "meeting": aktobe["meeting"].pk,
        },
    )
    post = News.objects.get()
    assert response["Location"] == reverse("councils:news", args=["aktobe", post.pk])
    assert post.meeting == aktobe["meeting"] and post.created_by == aktobe["secretary"]
    client.logout()
    assert (
        "Совет провёл приём граждан"
        in client.get(reverse("councils:council", args=["aktobe"])).content.decode()
    )


# ---------------------------------------------------------------- from a case to the agenda


def offered_meetings(html: str) -> list[int]:
    select = re.search(r'<select name="meeting".*?</select>', html, re.S).group(0)
    return [int(v) for v in re.findall(r'<option value="(\d+)"', select)]


def test_the_case_officer_puts_the_case_on_a_councils_agenda(client, org, aktobe, aktobe_case):
    case = aktobe_case()
    url = reverse("councils:case_agenda", args=[case.pk])
    sign_in(client, org["officer"])
    assert offered_meetings(client.get(url).content.decode()) == [aktobe["meeting"].pk]
    response = client.post(url, {"meeting": aktobe["meeting"].pk, "rapporteur": "Офицер"})
    assert response["Location"] == reverse("cases:case", args=[case.pk])
    item = AgendaItem.objects.get(meeting=aktobe["meeting"])
    assert (list(item.cases.all()), item.topic.code, item.rapporteur) == ([case], "bribery", "Офицер")
    assert CaseEvent.objects.filter(case=case, kind="council_agenda").exists()


def test_only_the_cases_officer_or_a_head_may_put_it_on_an_agenda(client, org, aktobe, aktobe_case):
    case = aktobe_case()
    url = reverse("councils:case_agenda", args=[case.pk])
    sign_in(client, org["colleague"])
    assert client.get(url).status_code == 403
    client.logout()
    sign_in(client, org["almaty_officer"])
    assert client.get(url).status_code == 404  # the case is out of their reach
    client.logout()
    sign_in(client, aktobe["secretary"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"meeting": aktobe["meeting"].pk}).status_code == 403
    assert not AgendaItem.objects.exists()


def test_only_meetings_of_councils_above_the_case_are_offered(client, org, aktobe, aktobe_case):
    case = aktobe_case()
    almaty_meeting = plan(aktobe["almaty"], today(), by=SYSTEM)
    centre_meeting = plan(aktobe["centre"], today(), by=SYSTEM)
    sign_in(client, org["officer"])
    url = reverse("councils:case_agenda", args=[case.pk])
    offered = offered_meetings(client.get(url).content.decode())
    assert sorted(offered) == sorted([aktobe["meeting"].pk, centre_meeting.pk])
    response = client.post(url, {"meeting": almaty_meeting.pk}, headers=EN)
    assert response.status_code == 400
    assert not AgendaItem.objects.exists()
