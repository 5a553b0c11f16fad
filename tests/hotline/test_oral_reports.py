"""Reports by phone, in person and by letter, as an operator registers them, and the transcript of a call or
a visit as the reporter checks it in the inbox (EU Directive 2019/1937, art. 18)."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from adal.cases.models import CaseEvent
from adal.core.models import AuditEvent
from adal.core.permissions import REPORTER, NotAllowed, Refused
from adal.core.workdays import local_zone
from adal.hotline.models import Report, Transcript, TranscriptCorrection
from adal.hotline.services import report_submit, transcript_confirm, transcript_correct
from tests.conftest import PASSWORD, totp_now
from tests.hotline.test_pages import FORM, receipt_from_slip, submit

ORAL = ["phone", "in_person"]
TODAY = lambda: timezone.now().astimezone(local_zone()).date()  # noqa: E731


def sign_in(client, operator):
    user, secret = operator
    client.post(
        reverse("core:login"), {"username": user.username, "password": PASSWORD, "code": totp_now(secret)}
    )


def register(client, **fields):
    return client.post(reverse("hotline:staff_report_new"), {**FORM, "language": "ru", **fields})


def receipt_of(response) -> str:
    return re.search(r'data-testid="receipt">([^<]+)<', response.content.decode()).group(1).replace(" ", "")


def nothing_saved():
    return not Report.objects.exists() and not Transcript.objects.exists() and not CaseEvent.objects.exists()


# ---------------------------------------------------------------- registration, channel by channel


@pytest.mark.parametrize("channel", ORAL)
def test_a_call_or_a_visit_is_registered_with_its_transcript_as_the_account(client, operator, channel):
    sign_in(client, operator)
    response = register(client, channel=channel, transcript_kind="transcript")
    assert response.status_code == 200
    report = Report.objects.get()
    transcript = report.transcript
    assert report.channel == channel and report.registered_by == operator[0]
    assert transcript.kind == "transcript" and transcript.text == FORM["description"]
    assert transcript.written_by == operator[0] and transcript.confirmed_at is None
    assert report.content["description"] == ""  # one copy of the account: the transcript
    assert report.received_at == report.registered_at == transcript.written_at
    assert report.case.registered_at == report.received_at


@pytest.mark.parametrize("channel", ORAL)
def test_a_call_or_a_visit_without_saying_transcript_or_minutes_saves_nothing(client, operator, channel):
    sign_in(client, operator)
    response = register(client, channel=channel)
    assert response.status_code == 400
    assert "Укажите, что вы записали: дословную стенограмму или точный протокол" in response.content.decode()
    assert nothing_saved()


@pytest.mark.parametrize("channel", ORAL)
def test_a_call_or_a_visit_with_an_empty_transcript_saves_nothing(client, operator, channel):
    sign_in(client, operator)
    response = register(client, channel=channel, transcript_kind="minutes", description="   ")
    assert response.status_code == 400
    assert nothing_saved()


def test_a_letter_is_registered_with_the_day_it_was_received(client, operator):
    sign_in(client, operator)
    three_days_ago = TODAY() - dt.timedelta(days=3)
    response = register(client, channel="letter", received_on=three_days_ago.isoformat())
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.received_at == dt.datetime.combine(three_days_ago, dt.time(12), tzinfo=local_zone())
    assert timezone.now() - report.registered_at < dt.timedelta(minutes=1)
    assert report.content["description"] == FORM["description"]  # a letter is its own account
    assert not Transcript.objects.exists()
    assert report.case.registered_at == report.received_at  # the clocks run from the stamp


def test_a_letter_received_today_is_received_at_its_registration(client, operator):
    sign_in(client, operator)
    assert register(client, channel="letter", received_on=TODAY().isoformat()).status_code == 200
    report = Report.objects.get()
    assert report.received_at == report.registered_at


@pytest.mark.parametrize(
    ("received_on", "error"),
    [
        ("", "Укажите дату поступления письма: по почтовому штемпелю или штампу"),
        ("not a date", "Введите правильную дату."),
        ("tomorrow", "Дата поступления не может быть в будущем."),
        ("long ago", "Проверьте дату: на обращение, поступившее"),
    ],
)
def test_a_letter_with_no_or_a_wrong_date_saves_nothing(client, operator, received_on, error):
    day = {
        "tomorrow": (TODAY() + dt.timedelta(days=1)).isoformat(),
        "long ago": (TODAY() - dt.timedelta(days=60)).isoformat(),  # the answer's 15 working days are gone
    }.get(received_on, received_on)
    sign_in(client, operator)
    response = register(client, channel="letter", received_on=day)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert nothing_saved()


def test_the_date_errors_are_in_the_operators_language(client, operator):
    sign_in(client, operator)
    client.post(reverse("set_language"), {"language": "kk", "next": "/"})
    page = register(client, channel="letter").content.decode()
    assert "Хаттың түскен күнін көрсетіңіз" in page
    page = register(client, channel="phone").content.decode()
    assert "Өтініш берушінің сөзін не жазғаныңызды көрсетіңіз" in page
    assert nothing_saved()


def test_the_bound_names_the_deadline_that_has_passed(client, operator):
    sign_in(client, operator)
    page = register(client, channel="letter", received_on="2020-01-06").content.decode()
    # 15 working days from Monday 6 January 2020, 7 January (Orthodox Christmas) off: 28 January.
    assert "поступившее 6 января 2020 г., нужно было ответить до 28 января 2020 г." in page


@pytest.mark.parametrize("channel", ORAL)
def test_a_call_or_a_visit_may_be_dated_earlier_and_is_checked_alike(client, operator, channel):
    sign_in(client, operator)
    yesterday = TODAY() - dt.timedelta(days=1)
    future = (TODAY() + dt.timedelta(days=2)).isoformat()
    assert register(client, channel=channel, transcript_kind="minutes", received_on=future).status_code == 400
    assert nothing_saved()
    response = register(client, channel=channel, transcript_kind="minutes", received_on=yesterday.isoformat())
    assert response.status_code == 200
    report = Report.objects.get()
    assert (
        report.received_at.astimezone(local_zone()).date()
        == yesterday
        < report.registered_at.astimezone(local_zone()).date()
    )


def test_a_transcript_kind_chosen_before_switching_to_a_letter_is_dropped(client, operator):
    sign_in(client, operator)
    response = register(client, channel="letter", transcript_kind="minutes", received_on=TODAY().isoformat())
    assert response.status_code == 200 and not Transcript.objects.exists()


def test_the_service_refuses_what_only_an_operator_states(draft, operator):
    with pytest.raises(ValidationError) as refused:
        report_submit(draft=draft(received_on=TODAY()))
    assert "received_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        report_submit(draft=draft(transcript_kind="minutes"), channel="letter", registered_by=operator[0])
    assert {"transcript_kind", "received_on"} <= set(refused.value.message_dict)
    assert nothing_saved()


def test_the_form_offers_the_date_and_the_kind_and_no_day_after_today(client, operator):
    sign_in(client, operator)
    page = client.get(reverse("hotline:staff_report_new")).content.decode()
    assert f'type="date" name="received_on" max="{TODAY().isoformat()}"' in page
    assert 'name="transcript_kind" value="transcript"' in page and 'value="minutes"' in page


# ---------------------------------------------------------------- the reporter checks the transcript


@pytest.fixture
def phone_report(client, operator):
    """A phone report registered through the staff page; the client is then the reporter's, in the inbox."""
    sign_in(client, operator)
    receipt = receipt_of(register(client, channel="phone", transcript_kind="minutes"))
    client.post(reverse("core:logout"))
    client.cookies.clear()
    assert client.post(reverse("hotline:inbox_login"), {"receipt": receipt}).status_code == 302
    report = Report.objects.get()
    return report, receipt


def inbox(client) -> str:
    return client.get(reverse("hotline:inbox")).content.decode()


def transcript_state(page: str) -> str:
    return re.search(r'data-testid="transcript" data-state="(\w+)"', page).group(1)


def test_the_reporter_reads_the_transcript_awaiting_their_check(client, phone_report):
    page = inbox(client)
    assert transcript_state(page) == "awaiting"
    assert "Протокол ваших слов" in page and FORM["description"] in page
    assert "Ожидает вашей проверки." in page


def test_the_reporter_confirms_the_transcript(client, phone_report):
    response = client.post(reverse("hotline:inbox_transcript_confirm"))
    assert response.status_code == 302 and response["Location"].endswith("#transcript")
    transcript = Transcript.objects.get()
    assert transcript.confirmed_at is not None
    page = inbox(client)
    assert transcript_state(page) == "confirmed" and "Вы подтвердили запись" in page
    assert 'data-testid="transcript-confirm"' not in page  # nothing more to do
    assert client.post(reverse("hotline:inbox_transcript_confirm")).status_code == 400  # once
    assert Transcript.objects.get().confirmed_at == transcript.confirmed_at


def test_the_reporter_corrects_then_confirms_and_the_original_never_changes(client, phone_report):
    report, _ = phone_report
    original = _raw_transcript_text(report)
    fix = "Я сказал 150 000 тенге, а не 100 000, и это было 2 ноября."
    response = client.post(reverse("hotline:inbox_transcript_correct"), {"text": fix})
    assert response.status_code == 302
    page = inbox(client)
    assert transcript_state(page) == "corrected" and fix in page and FORM["description"] in page
    assert "Вы исправили запись" in page and "Подтвердить с моими исправлениями" in page

    client.post(reverse("hotline:inbox_transcript_correct"), {"text": "И ещё: инспектор был один."})
    assert client.post(reverse("hotline:inbox_transcript_confirm")).status_code == 302
    transcript = Transcript.objects.get()
    corrections = list(transcript.corrections.all())
    assert [c.text for c in corrections] == [fix, "И ещё: инспектор был один."]
    assert corrections[0].submitted_at <= corrections[1].submitted_at <= transcript.confirmed_at
    assert transcript.text == FORM["description"] and _raw_transcript_text(report) == original
    assert transcript_state(inbox(client)) == "confirmed"
    # Confirmed is final: more goes as a message.
    response = client.post(reverse("hotline:inbox_transcript_correct"), {"text": "Ещё одно исправление."})
    assert response.status_code == 400 and "Вы уже подтвердили запись" in response.content.decode()
    assert TranscriptCorrection.objects.count() == 2


def _raw_transcript_text(report) -> bytes:
    """The ciphertext as stored: the same bytes mean the same original, and no plaintext is in it."""
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Transcript._meta.db_table)
        cursor.execute(f"SELECT text FROM {table} WHERE report_id = %s", [report.pk])  # noqa: S608 - ours
        (raw,) = cursor.fetchone()
    raw = bytes(raw)
    assert "тенге".encode() not in raw
    return raw


def test_corrections_and_confirmations_leave_content_free_steps_on_the_case(client, phone_report):
    report, _ = phone_report
    client.post(reverse("hotline:inbox_transcript_correct"), {"text": "Исправление: сумма была другой."})
    client.post(reverse("hotline:inbox_transcript_confirm"))
    events = list(CaseEvent.objects.filter(case__report=report, kind__startswith="transcript_"))
    assert [e.kind for e in events] == ["transcript_corrected", "transcript_confirmed"]
    assert all(e.actor_label == "reporter" and e.note is None and e.data == {} for e in events)
    actions = set(AuditEvent.objects.filter(actor_label="reporter").values_list("action", flat=True))
    assert {
        "report.transcript_corrected",
        "report.transcript_confirmed",
        "case.transcript_corrected",
    } <= actions
    assert "сумма" not in str(list(AuditEvent.objects.values_list("data", flat=True)))


def test_a_correction_is_refused_whole_when_it_is_empty_or_holds_the_receipt(client, phone_report):
    _report, receipt = phone_report
    response = client.post(reverse("hotline:inbox_transcript_correct"), {"text": "   "})
    assert response.status_code == 400
    response = client.post(reverse("hotline:inbox_transcript_correct"), {"text": f"мой код {receipt}"})
    assert response.status_code == 400 and "секретный" in response.content.decode().lower()
    assert not TranscriptCorrection.objects.exists() and not CaseEvent.objects.filter(
        kind="transcript_corrected"
    )


def test_the_reporter_of_another_report_cannot_touch_it(client, phone_report, operator):
    report, _ = phone_report
    from django.test import Client

    other = Client()
    submit(other)
    _number, other_receipt = receipt_from_slip(other)
    other.post(reverse("hotline:inbox_login"), {"receipt": other_receipt})
    assert 'data-testid="transcript"' not in other.get(reverse("hotline:inbox")).content.decode()
    assert other.post(reverse("hotline:inbox_transcript_confirm")).status_code == 400
    assert (
        other.post(reverse("hotline:inbox_transcript_correct"), {"text": "Чужое исправление"}).status_code
        == 400
    )
    transcript = Transcript.objects.get(report=report)
    assert transcript.confirmed_at is None and not transcript.corrections.exists()
    # Without an inbox session there is nobody to act for.
    anonymous = Client()
    assert anonymous.post(reverse("hotline:inbox_transcript_confirm"))["Location"] == reverse(
        "hotline:inbox_login"
    )


def test_only_the_reporter_may_check_the_transcript(phone_report, operator):
    report, receipt = phone_report
    with pytest.raises(NotAllowed):
        transcript_confirm(report=report, by=operator[0])
    with pytest.raises(NotAllowed):
        transcript_correct(report=report, text="Исправлено оператором", receipt=receipt, by=operator[0])
    assert Transcript.objects.get().confirmed_at is None


def test_a_report_without_a_transcript_has_nothing_to_check(db, draft):
    report = report_submit(draft=draft()).report
    with pytest.raises(Refused):
        transcript_confirm(report=report, by=REPORTER)
