import datetime as dt
import threading

import pytest

from adal.cases.models import CaseEvent
from adal.core.models import AuditEvent
from adal.core.texts import Texts
from adal.councils.models import Attendance, Meeting, Topic
from adal.councils.services import CouncilActionRefused, agenda_item_add, meeting_record_held, today
from tests.councils.factories import plan, seat


@pytest.mark.django_db(transaction=True)
def test_two_secretaries_recording_the_same_meeting_as_held_one_wins(org, councils, aktobe_case):
    council, secretary, admin = councils["aktobe"], councils["secretary"], councils["admin"]
    members = seat(council, 3, by=secretary)
    meeting = plan(council, today() - dt.timedelta(days=1), by=secretary)
    item = agenda_item_add(
        meeting=meeting,
        topic=Topic.objects.get(code="other"),
        title=Texts(ru="Разное"),
        cases=[aktobe_case()],
        by=secretary,
    )
    outcomes, barrier = [], threading.Barrier(2)

    def record(who, present, decision):
        from django.db import connection as thread_connection

        try:
            stale = Meeting.objects.select_related("council").get(pk=meeting.pk)
            barrier.wait()
            meeting_record_held(
                meeting=stale, present=present, decisions={item.pk: Texts(ru=decision)}, by=who
            )
            outcomes.append(("won", decision))
        except CouncilActionRefused:
            outcomes.append(("refused", decision))
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=record, args=(secretary, members, "Решение секретаря")),
        threading.Thread(target=record, args=(admin, members[:2], "Решение администратора")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o for o, _ in outcomes) == ["refused", "won"]
    winner = next(d for o, d in outcomes if o == "won")
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert (meeting.state, item.decision) == (Meeting.State.HELD, winner)
    assert Attendance.objects.filter(meeting=meeting).count() == (3 if winner == "Решение секретаря" else 2)
    assert CaseEvent.objects.filter(kind="council_decision").count() == 1
    assert AuditEvent.objects.filter(action="council.meeting_held").count() == 1
