import datetime as dt

import pytest
from django.core.management import call_command

from adal.core.models import WorkdayException
from adal.core.workdays import Calendar, calendar, local_zone


def test_counting_skips_nauryz(db, capsys):
    call_command("workdays", "2026-03-19", "15")
    assert capsys.readouterr().out.strip() == "2026-04-14"


def test_counting_starts_the_working_day_after():
    # Friday 2026-11-20 + 1 working day is Monday the 23rd.
    assert Calendar().add_working_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 23)


def test_new_year_and_christmas_are_days_off():
    # 2026-12-31 (Thu) + 1: 1 and 2 January are holidays, 3–4 a weekend, 5 Monday, 7 Orthodox Christmas.
    cal = Calendar()
    assert cal.add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 5)
    assert cal.add_working_days(dt.date(2026, 12, 31), 2) == dt.date(2027, 1, 6)
    assert cal.add_working_days(dt.date(2026, 12, 31), 3) == dt.date(2027, 1, 8)


def test_a_working_saturday_from_the_exceptions_table_counts(db):
    saturday = dt.date(2026, 11, 28)
    WorkdayException.objects.create(date=saturday, kind=WorkdayException.Kind.WORKING_DAY, note="decree")
    assert calendar().add_working_days(dt.date(2026, 11, 27), 1) == saturday


def test_an_extra_day_off_from_the_exceptions_table_is_skipped(db):
    WorkdayException.objects.create(date=dt.date(2026, 11, 30), kind=WorkdayException.Kind.DAY_OFF)
    assert calendar().add_working_days(dt.date(2026, 11, 27), 1) == dt.date(2026, 12, 1)


def test_the_deadline_is_the_end_of_the_day_in_almaty():
    registered = dt.datetime(2026, 3, 19, 20, 0, tzinfo=dt.UTC)  # already the 20th in Almaty (UTC+5)
    due = Calendar().deadline(registered, 1)
    assert due.astimezone(local_zone()).date() == dt.date(2026, 3, 26)  # 21–25 March are Nauryz
    assert (due.astimezone(local_zone()).hour, due.astimezone(local_zone()).minute) == (23, 59)


def test_working_days_between():
    cal = Calendar()
    assert cal.working_days_between(dt.date(2026, 3, 19), dt.date(2026, 4, 14)) == 15
    assert cal.working_days_between(dt.date(2026, 4, 14), dt.date(2026, 3, 19)) == -15


def test_the_command_rejects_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("workdays", "19.03.2026", "15")
