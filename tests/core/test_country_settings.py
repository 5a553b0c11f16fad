"""The calendar's country and time zone are settings (Kazakhstan's by default), not constants."""

import datetime as dt

from django.test import override_settings

from adal.core.workdays import Calendar, calendar, local_zone

NAURYZ = dt.date(2026, 3, 23)  # a Monday: a holiday in Kazakhstan, a working day in Germany
EASTER_MONDAY = dt.date(2026, 4, 6)  # a holiday in Germany, a working day in Kazakhstan


def test_by_default_the_calendar_is_kazakhstans():
    cal = Calendar()
    assert cal.country == "KZ"
    assert not cal.is_working_day(NAURYZ)
    assert cal.is_working_day(EASTER_MONDAY)
    assert local_zone().key == "Asia/Almaty"


@override_settings(ADAL_COUNTRY="DE")
def test_another_country_has_other_holidays(db):
    cal = calendar()
    assert cal.is_working_day(NAURYZ)
    assert not cal.is_working_day(EASTER_MONDAY)
    assert cal.add_working_days(dt.date(2026, 4, 2), 1) == dt.date(2026, 4, 7)  # Good Friday, Easter Monday


def test_a_calendar_may_name_its_country():
    assert not Calendar(country="DE").is_working_day(EASTER_MONDAY)


@override_settings(TIME_ZONE="Europe/Berlin")
def test_another_time_zone_moves_the_end_of_the_day():
    registered = dt.datetime(2026, 4, 7, 20, 0, tzinfo=dt.UTC)  # still the 7th in Berlin, the 8th in Almaty
    due = Calendar().deadline(registered, 1)
    assert local_zone().key == "Europe/Berlin"
    assert due == dt.datetime(2026, 4, 8, 23, 59, 59, tzinfo=local_zone())


def test_the_end_of_the_day_is_almatys_by_default():
    registered = dt.datetime(2026, 4, 7, 20, 0, tzinfo=dt.UTC)
    assert Calendar().deadline(registered, 1).date() == dt.date(2026, 4, 9)
