import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from adal.core.models import AuditEvent
from adal.core.texts import Texts
from adal.councils.models import AgendaItem, Attendance, Meeting, Topic
from adal.councils.selectors import council_page, members_current
from adal.councils.services import (
    CouncilActionRefused,
    agenda_item_add,
    meeting_plan,
    meeting_record_held,
    membership_add,
    membership_cease,
    minutes_publish,
    person_create,
    quorum_reached,
    today,
)
from tests.councils.factories import plan, seat


def yesterday() -> dt.date:
    return today() - dt.timedelta(days=1)


def topic(code):
    return Topic.objects.get(code=code)


@pytest.fixture
def aktobe(councils):
    """Aktobe's council with five members and a meeting planned for yesterday with two items."""
    council, by = councils["aktobe"], councils["secretary"]
    members = seat(council, 5, by=by)
    meeting = plan(council, yesterday(), by=by)
    items = [
        agenda_item_add(meeting=meeting, topic=topic("education"), title=Texts(ru="Поборы в школах"), by=by),
        agenda_item_add(
            meeting=meeting, topic=topic("drinking_water"), title=Texts(ru="Водопровод в Алге"), by=by
        ),
    ]
    return {"council": council, "by": by, "members": members, "meeting": meeting, "items": items}


def test_the_topics_ship_in_three_languages(db):
    for code, en in [("education", "Education"), ("enbek", 'The "Enbek" state programme')]:
        t = topic(code)
        assert (t.name_en, bool(t.name_ru), bool(t.name_kk)) == (en, True, True)
    assert topic("drinking_water").category == "drinking_water"
    assert Topic.objects.filter(category="bribery").exists()  # each hotline category has its topic


def test_a_meeting_goes_from_planned_to_held_to_published(aktobe):
    meeting, by, items = aktobe["meeting"], aktobe["by"], aktobe["items"]
    assert [i.order for i in items] == [1, 2]
    meeting = meeting_record_held(
        meeting=meeting,
        present=aktobe["members"][:3],
        decisions={
            items[0].pk: Texts(ru="Направить материалы в прокуратуру."),
            str(items[1].pk): Texts(ru=""),
        },
        by=by,
    )
    assert (meeting.state, meeting.held_on, meeting.members_total, meeting.quorum_met) == (
        Meeting.State.HELD,
        today(),
        5,
        True,
    )
    assert meeting.attendees.count() == 3
    assert [i.decision for i in meeting.agenda_items.all()] == ["Направить материалы в прокуратуру.", ""]
    meeting = minutes_publish(meeting=meeting, minutes=Texts(ru="Протокол № 1 …"), by=by)
    assert meeting.state == Meeting.State.MINUTES_PUBLISHED and meeting.published_at is not None
    actions = set(AuditEvent.objects.filter(target_id=str(meeting.pk)).values_list("action", flat=True))
    assert {"council.meeting_planned", "council.meeting_held", "council.minutes_published"} <= actions


@pytest.mark.parametrize(
    ("present", "members", "fraction", "reached"),
    [
        (3, 5, "0.50", True),
        (2, 4, "0.50", False),  # exactly half is not more than half
        (3, 4, "0.50", True),
        (0, 0, "0.50", False),
        (3, 5, "0.66", False),
        (4, 5, "0.66", True),
    ],
)
def test_a_quorum_is_more_than_the_share(present, members, fraction, reached):
    assert quorum_reached(present=present, members=members, fraction=Decimal(fraction)) is reached


def test_decisions_without_a_quorum_are_refused_and_nothing_changes(aktobe):
    meeting, items = aktobe["meeting"], aktobe["items"]
    audits = AuditEvent.objects.count()
    with pytest.raises(CouncilActionRefused, match="no quorum: 2 of 5"):
        meeting_record_held(
            meeting=meeting,
            present=aktobe["members"][:2],
            decisions={items[0].pk: Texts(ru="Решили.")},
            by=aktobe["by"],
        )
    meeting.refresh_from_db()
    assert (meeting.state, meeting.held_on, meeting.quorum_met) == (Meeting.State.PLANNED, None, None)
    assert not Attendance.objects.exists()
    assert not AgendaItem.objects.exclude(decision_ru="", decision_kk="", decision_en="").exists()
    assert AuditEvent.objects.count() == audits


def test_a_meeting_without_a_quorum_is_recorded_without_decisions(aktobe):
    meeting = meeting_record_held(meeting=aktobe["meeting"], present=aktobe["members"][:2], by=aktobe["by"])
    assert (meeting.state, meeting.quorum_met, meeting.members_total) == (Meeting.State.HELD, False, 5)


def test_the_quorum_share_is_set_per_council(aktobe):
    council = aktobe["council"]
    council.quorum_fraction = Decimal("0.66")
    council.save(update_fields=["quorum_fraction"])
    item = aktobe["items"][0]
    with pytest.raises(CouncilActionRefused):
        meeting_record_held(
            meeting=aktobe["meeting"],
            present=aktobe["members"][:3],
            decisions={item.pk: Texts(ru="x")},
            by=aktobe["by"],
        )
    meeting = meeting_record_held(
        meeting=aktobe["meeting"],
        present=aktobe["members"][:4],
        decisions={item.pk: Texts(ru="x")},
        by=aktobe["by"],
    )
    assert meeting.quorum_met is True


def test_a_meeting_cannot_be_held_before_its_day_or_in_the_future(aktobe):
    meeting, by = aktobe["meeting"], aktobe["by"]
    for day in (yesterday() - dt.timedelta(days=1), today() + dt.timedelta(days=1)):
        with pytest.raises(CouncilActionRefused):
            meeting_record_held(meeting=meeting, present=aktobe["members"], held_on=day, by=by)
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.PLANNED


def test_only_members_on_the_day_are_counted_and_may_be_present(aktobe):
    council, by, members = aktobe["council"], aktobe["by"], aktobe["members"]
    membership_cease(membership=members[4], on=yesterday() - dt.timedelta(days=3), by=by)
    newcomer = membership_add(
        council=council,
        person=person_create(full_name="Новый член", by=by),
        position="member",
        term_start=today(),
        by=by,
    )
    assert len(members_current(council, on=yesterday())) == 4
    for present in ([members[4]], [newcomer]):
        with pytest.raises(CouncilActionRefused, match="Only members"):
            meeting_record_held(meeting=aktobe["meeting"], present=present, held_on=yesterday(), by=by)
    meeting = meeting_record_held(meeting=aktobe["meeting"], present=members[:3], held_on=yesterday(), by=by)
    assert (meeting.members_total, meeting.quorum_met) == (4, True)


def test_a_decision_on_another_meetings_item_is_refused(aktobe):
    other = plan(aktobe["council"], yesterday(), by=aktobe["by"])
    foreign = agenda_item_add(meeting=other, topic=topic("enbek"), title=Texts(ru="Еңбек"), by=aktobe["by"])
    with pytest.raises(CouncilActionRefused, match="not on the agenda"):
        meeting_record_held(
            meeting=aktobe["meeting"],
            present=aktobe["members"],
            decisions={foreign.pk: Texts(ru="x")},
            by=aktobe["by"],
        )


def test_the_agenda_is_closed_once_the_meeting_is_held(aktobe):
    meeting = meeting_record_held(meeting=aktobe["meeting"], present=aktobe["members"], by=aktobe["by"])
    with pytest.raises(CouncilActionRefused, match="only while the meeting is planned"):
        agenda_item_add(meeting=meeting, topic=topic("other"), title=Texts(ru="Разное"), by=aktobe["by"])
    with pytest.raises(CouncilActionRefused, match="already been recorded"):
        meeting_record_held(meeting=meeting, present=aktobe["members"], by=aktobe["by"])


def test_a_meeting_needs_a_place_or_a_link(councils):
    council, by = councils["aktobe"], councils["secretary"]
    when = timezone.now() + dt.timedelta(days=7)
    with pytest.raises(CouncilActionRefused):
        meeting_plan(council=council, planned_at=when, by=by)
    with pytest.raises(CouncilActionRefused):
        meeting_plan(council=council, planned_at=when, online_url="zoom meeting 123", by=by)
    online = meeting_plan(
        council=council, planned_at=when, online_url="https://meet.example.kz/aktobe", by=by
    )
    assert online.place == "" and online.region.kato == "150000000"


def test_minutes_are_published_once_after_the_meeting(aktobe):
    meeting, by = aktobe["meeting"], aktobe["by"]
    with pytest.raises(CouncilActionRefused, match="before publishing"):
        minutes_publish(meeting=meeting, minutes=Texts(ru="Протокол"), by=by)
    meeting = meeting_record_held(meeting=meeting, present=aktobe["members"], by=by)
    with pytest.raises(CouncilActionRefused, match="Write the minutes"):
        minutes_publish(meeting=meeting, minutes=Texts(ru="  "), by=by)
    minutes_publish(meeting=meeting, minutes=Texts(ru="Протокол"), by=by)
    with pytest.raises(CouncilActionRefused, match="already been published"):
        minutes_publish(meeting=meeting, minutes=Texts(ru="Другой протокол"), by=by)
    meeting.refresh_from_db()
    assert meeting.minutes == "Протокол"


def test_members_only_minutes_are_shown_to_members_and_the_secretary(aktobe, org):
    by = aktobe["by"]
    member_user = org["colleague"]
    membership_add(
        council=aktobe["council"],
        person=person_create(full_name="Коллега", user=member_user, by=by),
        position="member",
        term_start=today(),
        by=by,
    )
    meeting = meeting_record_held(meeting=aktobe["meeting"], present=aktobe["members"], by=by)
    minutes_publish(meeting=meeting, minutes=Texts(ru="Закрытый протокол"), visibility="members", by=by)
    assert council_page(council=aktobe["council"]).minutes == []
    assert council_page(council=aktobe["council"], viewer=org["almaty_head"]).minutes == []
    for viewer in (member_user, by):
        assert council_page(council=aktobe["council"], viewer=viewer).minutes == [meeting]


def test_the_council_page_lists_members_and_meetings(aktobe):
    council, by = aktobe["council"], aktobe["by"]
    upcoming = meeting_plan(
        council=council, planned_at=timezone.now() + dt.timedelta(days=3), place=Texts(ru="Зал"), by=by
    )
    held = meeting_record_held(meeting=aktobe["meeting"], present=aktobe["members"], by=by)
    page = council_page(council=council)
    assert page.members[0].position == "chair" and len(page.members) == 5
    assert (page.upcoming, page.past, page.manages) == ([upcoming], [held], False)
    assert council_page(council=council, viewer=by).manages
