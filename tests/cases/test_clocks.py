import datetime as dt

from adal.cases.clocks import Clock, add_months
from adal.cases.models import ResponsePolicy
from adal.core.models import WorkdayException
from adal.core.workdays import Calendar, calendar, local_zone


def kz(cal=None):
    return Clock.of(ResponsePolicy.objects.get(code="kz"), cal or Calendar())


def eu():
    return Clock.of(ResponsePolicy.objects.get(code="eu-2019-1937"), Calendar())


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=local_zone())


def test_kazakhstan_answer_in_15_working_days_across_nauryz(db):
    assert kz().answer_due(at(2026, 3, 19)).date() == dt.date(2026, 4, 14)
    assert kz().triage_due(at(2026, 3, 19)).date() == dt.date(2026, 3, 27)


def test_kazakhstan_answer_across_new_year(db):
    # From 24 December 2026: 1 January, 4 January (for the 2nd, a Saturday) and 7 January are days off.
    assert kz().answer_due(at(2026, 12, 24)).date() == dt.date(2027, 1, 19)


def test_a_working_saturday_shortens_the_wait(db):
    WorkdayException.objects.create(date=dt.date(2026, 12, 26), kind=WorkdayException.Kind.WORKING_DAY)
    assert kz(calendar()).answer_due(at(2026, 12, 24)).date() == dt.date(2027, 1, 18)


def test_the_eu_preset_counts_calendar_days_and_months(db):
    assert eu().triage_due(at(2026, 3, 19)).date() == dt.date(2026, 3, 26)
    assert eu().answer_due(at(2026, 11, 30)).date() == dt.date(2027, 2, 28)


def test_the_extension_limit_is_two_months_from_registration(db):
    assert kz().extension_limit(at(2026, 12, 31)).date() == dt.date(2027, 2, 28)
    assert eu().extension_limit(at(2026, 12, 31)) is None


def test_reminder_comes_working_days_before(db):
    due = at(2026, 4, 14, 23)
    assert kz().remind_at(due) == dt.datetime(2026, 4, 10, 9, 0, tzinfo=local_zone())


def test_very_overdue_is_counted_in_working_days_after_the_deadline(db):
    # 21–25 March are Nauryz: 26, 27, 30, 31 March and 1 April.
    assert kz().escalate_at(at(2026, 3, 20, 23)).date() == dt.date(2026, 4, 1)


def test_add_months_clips_to_the_month_end():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)
