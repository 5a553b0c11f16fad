"""A council secretary's workspace counts the meetings whose day has passed without being recorded."""

import datetime as dt

from django.urls import reverse
from django.utils import translation

from adal.core import workload
from tests.councils.factories import plan


def needs(user) -> dict:
    with translation.override("en"):
        return {n.label: n for n in workload.needs_of(user)}


def test_a_secretary_is_asked_to_record_a_meeting_whose_day_has_passed(councils):
    plan(councils["aktobe"], dt.date(2020, 3, 2))  # past, not recorded
    plan(councils["aktobe"], dt.date.today() + dt.timedelta(days=30))  # still to come
    plan(councils["almaty"], dt.date(2020, 3, 2))  # another council's
    to_record = needs(councils["secretary"])["Meetings to record"]
    assert to_record.count == 1 and to_record.urgent and to_record.url == reverse("councils:staff_home")
    assert needs(councils["almaty_secretary"])["Meetings to record"].count == 1


def test_staff_who_run_no_council_are_not_asked(org, councils):
    assert "Meetings to record" not in needs(org["officer"])
