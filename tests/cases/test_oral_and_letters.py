"""A letter's clocks start on the day it was received, not on the day it was registered; the case page shows
the transcript of a call or a visit with the reporter's corrections and confirmation."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from adal.cases.models import CaseEvent
from adal.cases.selectors import Period, QueueFilters, cases_in_period, queue_counts, queue_page
from adal.cases.sweep import deadlines_sweep
from adal.core.permissions import REPORTER, SYSTEM
from adal.core.workdays import local_zone
from adal.demo.history import frozen_at
from adal.hotline.services import report_submit, transcript_confirm, transcript_correct
from tests.cases.conftest import LOW_RISK
from tests.cases.test_workspace import sign_in


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=local_zone())


def letter(draft, operator, *, received_on: dt.date, registered: dt.datetime):
    with frozen_at(registered):
        return report_submit(
            draft=draft(received_on=received_on), channel="letter", registered_by=operator
        ).report.case


def web(draft, *, at_moment: dt.datetime):
    with frozen_at(at_moment):
        return report_submit(draft=draft()).report.case


def test_a_letter_received_on_friday_and_registered_on_wednesday_runs_from_friday(org, draft):
    friday, wednesday = at(2026, 3, 13), at(2026, 3, 18, 11)
    late = letter(draft, org["operator"], received_on=friday.date(), registered=wednesday)
    on_time = web(draft, at_moment=friday)
    assert late.triage_due_at == on_time.triage_due_at
    assert late.triage_due_at.astimezone(local_zone()).date() == dt.date(2026, 3, 18)  # 16, 17, 18 March
    # Fifteen working days across Nauryz (21–25 March off), from Friday: not from Wednesday.
    assert late.answer_due_at == on_time.answer_due_at
    assert late.answer_due_at.astimezone(local_zone()).date() == dt.date(2026, 4, 8)
    assert late.registered_at.astimezone(local_zone()).date() == friday.date()
    assert late.report.registered_at == wednesday  # both moments are kept


def test_a_letter_received_before_a_holiday_counts_the_holiday_out(org, draft):
    # Received on Friday 20 March 2026; 23–25 March are Nauryz days off; registered the Thursday after.
    case = letter(draft, org["operator"], received_on=dt.date(2026, 3, 20), registered=at(2026, 3, 26))
    assert case.triage_due_at.astimezone(local_zone()).date() == dt.date(2026, 3, 30)  # 26, 27, 30 March


def test_statistics_count_a_letter_in_the_period_it_was_received(org, draft):
    case = letter(draft, org["operator"], received_on=dt.date(2026, 3, 31), registered=at(2026, 4, 2))
    march = Period(start=at(2026, 3, 1, 0), end=at(2026, 4, 1, 0))
    assert list(cases_in_period(march)) == [case]


def test_a_letter_registered_after_its_triage_deadline_is_overdue_at_once_and_swept(client, org, draft):
    # Registered on a Thursday; received the Thursday before, so triage was due on 10 February.
    registered = at(2026, 2, 12, 11)
    case = letter(draft, org["operator"], received_on=dt.date(2026, 2, 5), registered=registered)
    assert case.due_at < registered and case.remind_at is None  # no "due soon" for a deadline missed
    sign_in(client, org["operator"])
    with frozen_at(registered + dt.timedelta(minutes=1)):  # before any sweep
        assert case.overdue_level_now == 1
        assert queue_counts(org["operator"], QueueFilters())["overdue"] == 1
        assert [r.pk for r in queue_page(org["operator"], QueueFilters(overdue=True)).cases] == [case.pk]
        queue = client.get(reverse("cases:queue")).content.decode()
        assert re.search(rf'<tr class="overdue-row"><td><a href="/staff/cases/{case.pk}/">', queue)
        page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
        assert '<span class="badge overdue">' in page
        assert "почтовый штемпель или штамп о регистрации" in page and 'data-testid="registered-at"' in page
    swept = deadlines_sweep(now=registered + dt.timedelta(minutes=5), by=SYSTEM)
    assert swept["overdue"] == 1 and swept["reminded"] == 0
    case.refresh_from_db()
    assert case.overdue_level == 1
    assert CaseEvent.objects.filter(case=case, kind="overdue").exists()


def test_a_case_registered_on_time_shows_one_registration_moment(client, org, new_case):
    case = new_case()
    sign_in(client, org["operator"])
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'data-testid="registered-at"' not in page and 'data-testid="received-on"' not in page
    assert 'data-testid="transcript"' not in page


# ---------------------------------------------------------------- the transcript on the case page


@pytest.fixture
def phone_case(org, draft):
    submitted = report_submit(
        draft=draft(category="bribery", transcript_kind="transcript"),
        channel="phone",
        registered_by=org["operator"],
    )
    return submitted.report.case, submitted.receipt


def case_page(client, case) -> str:
    return client.get(reverse("cases:case", args=[case.pk])).content.decode()


def test_the_case_page_shows_the_transcript_awaiting_the_reporter(client, org, phone_case):
    case, _receipt = phone_case
    sign_in(client, org["operator"])
    page = case_page(client, case)
    assert 'data-testid="transcript" data-state="awaiting"' in page
    assert "Стенограмма (дословно)" in page and "Ожидает проверки заявителем" in page
    assert "Заявитель запись не подтвердил." in page
    assert case.report.transcript.text in page


def test_the_case_page_shows_corrections_beside_the_original_and_the_confirmation(client, org, phone_case):
    case, receipt = phone_case
    report = case.report
    transcript_correct(report=report, text="Сумма была 70 000 тенге.", receipt=receipt, by=REPORTER)
    sign_in(client, org["operator"])
    page = case_page(client, case)
    assert 'data-state="corrected"' in page and "Исправлено заявителем" in page
    assert "Сумма была 70 000 тенге." in page and report.transcript.text in page
    transcript_confirm(report=report, by=REPORTER)
    page = case_page(client, case)
    assert 'data-state="confirmed"' in page and 'data-testid="transcript-confirmed"' in page
    assert "Заявитель подтвердил запись" in page
    timeline = re.search(r'data-testid="timeline">(.*?)</ol>', page, re.S).group(1)
    assert "Заявитель исправил запись обращения" in timeline and "70 000" not in timeline


def test_a_correction_is_news_for_the_assigned_officer(
    org, phone_case, mailoutbox, django_capture_on_commit_callbacks
):
    from adal.cases.services import case_accept, case_assign

    case, receipt = phone_case
    case = case_accept(case=case, by=org["operator"], risk=LOW_RISK)
    case = case_assign(case=case, by=org["head"], officer=org["officer"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transcript_correct(report=case.report, text="Поправка к записи.", receipt=receipt, by=REPORTER)
    (mail,) = mailoutbox
    assert mail.to == [org["officer"].email] and "Поправка" not in mail.body + mail.subject
    assert case.report.registration_number in mail.subject
