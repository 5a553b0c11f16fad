"""Retention: a case's content is purged when its policy's period after the case ended has passed, unless
a legal hold keeps it; the statistics fields and the event history stay."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from adal.cases.clocks import add_months, end_of_day, local_date
from adal.cases.models import Case, CaseEvent, LegalHold, ResponsePolicy, State
from adal.cases.retention import (
    CASE_CONTENT,
    RetentionRefused,
    case_content_purge,
    case_hold_lift,
    case_hold_place,
    kept_until,
    purge_due,
    retention_forecast,
    retention_purge,
)
from adal.cases.selectors import Period, case_counts_by, reporter_inbox
from adal.cases.services import (
    TransitionRefused,
    case_accept,
    case_answer,
    case_appeal,
    case_assign,
    case_close,
    case_decide,
    case_merge,
    case_note_add,
    case_redirect,
    case_request_answer,
    case_request_send,
    case_review_start,
    case_triage_start,
)
from adal.core import housekeeping
from adal.core.files import file_removals_finish, files_dir, remove_stored_on_commit, store_encrypted
from adal.core.models import AuditEvent, FileRemoval
from adal.core.permissions import REPORTER, WORKER, NotAllowed
from adal.core.workdays import local_zone
from adal.demo.history import frozen_at
from adal.hotline.identity import identity_open
from adal.hotline.models import Attachment, Message, Transcript
from adal.hotline.services import (
    UploadedFile,
    report_submit,
    reporter_message_add,
    transcript_confirm,
    transcript_correct,
)
from tests.cases.conftest import LOW_RISK
from tests.cases.test_transitions import accepted
from tests.cases.test_workspace import sign_in

SECRET = "Секретное содержание: директор Иванов берёт взятки."
MONTHS = 60  # Kazakhstan's preset


def months_after(moment: dt.datetime, months: int) -> dt.datetime:
    """The same local time ``months`` calendar months later."""
    local = moment.astimezone(local_zone())
    day = add_months(local.date(), months)
    return local.replace(year=day.year, month=day.month, day=day.day)


def closed_case(org, case: Case) -> Case:
    """A registered case taken through the whole algorithm, with content in every place that holds it."""
    case = case_accept(
        case=case_triage_start(case=case, by=org["operator"]), by=org["operator"], risk=LOW_RISK
    )
    case = case_assign(case=case, by=org["head"], officer=org["officer"])
    case = case_review_start(case=case, by=org["officer"])
    case_note_add(case=case, by=org["officer"], text="Заметка: свидетель Петров готов дать показания.")
    request = case_request_send(
        case=case,
        by=org["officer"],
        addressee="Управление образования",
        question="Вопрос о директоре Иванове.",
    )
    case_request_answer(request=request, by=org["officer"], answer="Ответ: Иванов уволен.")
    case = case_decide(
        case=case,
        by=org["officer"],
        outcome="substantiated",
        measures=[("disciplinary", "Производство против Иванова")],
        findings="Факт подтверждён: Иванов.",
    )
    case = case_answer(case=case, by=org["officer"], findings="Иванов привлечён к ответственности.")
    return case_close(case=case, by=org["officer"])


@pytest.fixture
def full_case(org, draft, pdf_bytes):
    """A confidential report with a file, a message from the reporter with another file, and its case
    closed; answers (case, receipt)."""
    submitted = report_submit(
        draft=draft(
            category="bribery",
            description=SECRET,
            identity_mode="confidential",
            name="Айгерим Сапарова",
            iin="900215450129",
            phone="+7 701 555 01 01",
        ),
        files=[UploadedFile("evidence.pdf", pdf_bytes)],
    )
    report = submitted.report
    reporter_message_add(
        report=report,
        receipt=submitted.receipt,
        body="Дополняю: Иванов снова требует деньги.",
        files=[UploadedFile("more.pdf", pdf_bytes)],
    )
    return closed_case(org, report.case), submitted.receipt


def stored_files() -> set[str]:
    return {p.name for p in files_dir().iterdir()}


def purge_after_period(case, capture, months=MONTHS + 1):
    with capture(execute=True):
        return retention_purge(by=WORKER, now=months_after(case.closed_at, months))


# ---------------------------------------------------------------- the purge


def test_a_closed_case_past_its_period_loses_its_content_and_keeps_its_statistics(
    org, full_case, django_capture_on_commit_callbacks
):
    case, _receipt = full_case
    report = case.report
    names = set(Attachment.objects.filter(report=report).values_list("stored_name", flat=True))
    assert len(names) == 2 and names <= stored_files()
    period = Period(case.registered_at - dt.timedelta(days=1), case.registered_at + dt.timedelta(days=1))
    by_category, by_outcome = case_counts_by(period, "category"), case_counts_by(period, "outcome")
    kinds = list(case.events.values_list("kind", "from_state", "to_state"))
    messages = list(Message.objects.filter(report=report).values_list("direction", "created_at"))

    assert purge_after_period(case, django_capture_on_commit_callbacks) == {
        "purged": 1,
        "refused": 0,
        "failed": 0,
    }

    case.refresh_from_db()
    report.refresh_from_db()
    assert case.purged_at and report.purged_at
    assert report.content == {} and identity_open(report) is None
    assert not Attachment.objects.filter(report=report).exists()
    assert not names & stored_files() and not FileRemoval.objects.exists()
    assert [m.body for m in Message.objects.filter(report=report)] == ["", ""]
    assert list(Message.objects.filter(report=report).values_list("direction", "created_at")) == messages
    assert [(r.question, r.answer) for r in case.requests.all()] == [("", None)]
    assert [r.addressee for r in case.requests.all()] == ["Управление образования"]
    assert [(m.kind, m.details) for m in case.measures.all()] == [("disciplinary", "")]
    assert not case.events.filter(note__isnull=False).exists()
    # The history stays, with one event more: the purge itself, content-free.
    assert list(case.events.values_list("kind", "from_state", "to_state")) == [
        *kinds,
        ("content_purged", "", ""),
    ]
    assert "Иванов" not in str(list(case.events.values_list("data", flat=True)))
    # The statistics fields stay, so the figures do not move.
    assert (case.category, case.state, case.outcome, report.identity_mode) == (
        "bribery",
        State.CLOSED,
        "substantiated",
        "confidential",
    )
    assert case_counts_by(period, "category") == by_category
    assert case_counts_by(period, "outcome") == by_outcome


def test_the_purge_is_audited_with_counts_not_content(org, full_case, django_capture_on_commit_callbacks):
    case, _receipt = full_case
    purge_after_period(case, django_capture_on_commit_callbacks)
    entry = AuditEvent.objects.get(action="case.content_purged")
    assert entry.actor_label == "system:worker" and entry.target_id == str(case.pk)
    assert entry.data["attachments"] == 2 and entry.data["messages"] == 2
    assert entry.data["event_notes"] >= 2 and entry.data["request_texts"] == 1
    assert entry.data["policy"] == "kz" and entry.data["retention_months"] == MONTHS
    assert AuditEvent.objects.filter(action="report.content_purged", target_id=str(case.report_id)).exists()
    trail = str(
        list(AuditEvent.objects.filter(action__endswith="content_purged").values_list("data", flat=True))
    )
    assert "Иванов" not in trail and "Сапарова" not in trail


def test_a_case_not_yet_past_its_period_is_kept(org, full_case, django_capture_on_commit_callbacks):
    case, _receipt = full_case
    until = kept_until(case)
    assert until == end_of_day(add_months(local_date(case.closed_at), MONTHS))
    assert not purge_due(until).filter(pk=case.pk).exists()
    assert purge_due(until + dt.timedelta(seconds=1)).filter(pk=case.pk).exists()
    with pytest.raises(RetentionRefused):
        case_content_purge(case=case, by=WORKER, now=until)
    assert purge_after_period(case, django_capture_on_commit_callbacks, months=MONTHS - 1)["purged"] == 0
    case.refresh_from_db()
    assert case.purged_at is None and case.report.content["description"] == SECRET


def test_an_open_case_is_never_purged(org, new_case):
    case = accepted(org, new_case)
    assert kept_until(case) is None
    assert not purge_due(months_after(timezone.now(), 200)).exists()
    with pytest.raises(RetentionRefused):
        case_content_purge(case=case, by=WORKER, now=months_after(timezone.now(), 200))


def test_a_policy_without_a_period_keeps_content(org, full_case):
    case, _receipt = full_case
    ResponsePolicy.objects.filter(pk=case.policy_id).update(retention_months=None)
    case.refresh_from_db()
    assert kept_until(case) is None
    assert retention_purge(by=WORKER, now=months_after(case.closed_at, 500))["purged"] == 0


def test_a_shorter_period_set_later_applies_to_ended_cases(org, full_case):
    case, _receipt = full_case
    ResponsePolicy.objects.filter(pk=case.policy_id).update(retention_months=12)
    assert purge_due(months_after(case.closed_at, 13)).filter(pk=case.pk).exists()


def test_purging_again_does_nothing(org, full_case, django_capture_on_commit_callbacks):
    case, _receipt = full_case
    purge_after_period(case, django_capture_on_commit_callbacks)
    events, audit = CaseEvent.objects.count(), AuditEvent.objects.count()
    assert purge_after_period(case, django_capture_on_commit_callbacks)["purged"] == 0
    assert case_content_purge(case=case, by=WORKER, now=months_after(case.closed_at, 70)) is None
    assert (CaseEvent.objects.count(), AuditEvent.objects.count()) == (events, audit)


def test_a_failure_in_the_middle_leaves_nothing_half_purged(
    org, full_case, monkeypatch, django_capture_on_commit_callbacks
):
    case, _receipt = full_case
    names = set(Attachment.objects.filter(report=case.report).values_list("stored_name", flat=True))
    audit = AuditEvent.objects.count()

    def broken(case):  # runs after the hotline's steps and the first case steps
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(CASE_CONTENT._steps, "broken", broken)
    with pytest.raises(RuntimeError):
        case_content_purge(case=case, by=WORKER, now=months_after(case.closed_at, 61))
    assert purge_after_period(case, django_capture_on_commit_callbacks) == {
        "purged": 0,
        "refused": 0,
        "failed": 1,
    }

    case.refresh_from_db()
    report = case.report
    report.refresh_from_db()
    assert case.purged_at is None and report.purged_at is None
    assert report.content["description"] == SECRET and identity_open(report)["name"] == "Айгерим Сапарова"
    assert set(Attachment.objects.filter(report=report).values_list("stored_name", flat=True)) == names
    assert names <= stored_files() and not FileRemoval.objects.exists()
    assert case.events.filter(note__isnull=False).exists()
    assert case.requests.get().question == "Вопрос о директоре Иванове."
    assert AuditEvent.objects.count() == audit


def test_only_the_code_purges(org, full_case):
    case, _receipt = full_case
    with pytest.raises(NotAllowed):
        case_content_purge(case=case, by=org["head"], now=months_after(case.closed_at, 61))


# ---------------------------------------------------------------- when a case has ended


def test_a_case_reopened_by_appeal_is_kept_and_its_period_restarts_at_its_new_close(
    org, full_case, django_capture_on_commit_callbacks
):
    case, _receipt = full_case
    first_close = case.closed_at
    later = first_close + dt.timedelta(days=2 * 365)
    with frozen_at(later):
        case = case_appeal(case=case, reason="Не согласен с ответом.")
    assert case.state == State.REOPENED and case.closed_at is None and kept_until(case) is None
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_purge(by=WORKER, now=months_after(first_close, 61))["purged"] == 0

    with frozen_at(later + dt.timedelta(days=30)):
        case = case_assign(case=case, by=org["centre_head"], officer=org["centre_head"])
        case = case_review_start(case=case, by=org["centre_head"])
        case = case_decide(
            case=case, by=org["centre_head"], outcome="partly", measures=[], findings="Пересмотрено."
        )
        case = case_answer(case=case, by=org["centre_head"], findings="Пересмотрено.")
        case = case_close(case=case, by=org["centre_head"])
    assert case.closed_at == later + dt.timedelta(days=30)
    assert kept_until(case) == end_of_day(add_months(local_date(case.closed_at), MONTHS))
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_purge(by=WORKER, now=months_after(first_close, 61))["purged"] == 0
        assert retention_purge(by=WORKER, now=months_after(case.closed_at, 61))["purged"] == 1


def test_a_purged_case_cannot_be_appealed(org, full_case, django_capture_on_commit_callbacks):
    case, _receipt = full_case
    purge_after_period(case, django_capture_on_commit_callbacks)
    case.refresh_from_db()
    with pytest.raises(TransitionRefused):
        case_appeal(case=case, reason="Поздно.")


def test_side_exits_end_the_case_and_start_its_period(org, new_case):
    case = case_triage_start(case=new_case(), by=org["operator"])
    case = case_redirect(
        case=case, by=org["operator"], authority="Агентство", reason="Уголовное дело.", risk=LOW_RISK
    )
    assert case.closed_at is not None
    assert kept_until(case) == end_of_day(add_months(local_date(case.closed_at), MONTHS))
    assert retention_purge(by=WORKER, now=months_after(case.closed_at, 61))["purged"] == 1


def test_a_duplicate_is_kept_as_long_as_the_case_it_was_merged_into(
    org, new_case, django_capture_on_commit_callbacks
):
    target = new_case(category="bribery")
    duplicate = case_triage_start(case=new_case(), by=org["operator"])
    duplicate = case_merge(case=duplicate, by=org["operator"], into=target, risk=LOW_RISK)
    moment = months_after(duplicate.closed_at, 61)
    assert kept_until(duplicate) is None  # the case it joined is still open
    assert retention_purge(by=WORKER, now=moment)["purged"] == 0

    target = closed_case(org, target)
    duplicate.refresh_from_db()
    assert kept_until(duplicate) == kept_until(target)
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_purge(by=WORKER, now=months_after(target.closed_at, 61))["purged"] == 2
    duplicate.refresh_from_db()
    assert duplicate.purged_at is not None


# ---------------------------------------------------------------- legal holds


def test_a_held_case_is_kept_until_the_hold_is_lifted(org, full_case, django_capture_on_commit_callbacks):
    case, _receipt = full_case
    hold = case_hold_place(case=case, by=org["head"], reason="Уголовное дело № 123, запрос суда.")
    moment = months_after(case.closed_at, 61)
    assert retention_forecast(moment)["kz"] == {"due": 0, "held": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_purge(by=WORKER, now=moment)["purged"] == 0
    with pytest.raises(RetentionRefused):
        case_content_purge(case=case, by=WORKER, now=moment)
    case.refresh_from_db()
    assert case.purged_at is None and case.report.content["description"] == SECRET

    case_hold_lift(case=case, by=org["centre_head"], reason="Приговор вступил в силу.")
    hold.refresh_from_db()
    assert hold.lifted_at and hold.lifted_by == org["centre_head"] and hold.lift_reason
    assert retention_forecast(moment)["kz"] == {"due": 1, "held": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_purge(by=WORKER, now=moment)["purged"] == 1
    hold.refresh_from_db()
    assert hold.reason == "" and hold.lift_reason is None  # the history stays, without its reasons
    assert hold.placed_by == org["head"] and hold.lifted_at is not None


def test_holds_are_on_the_timeline_and_in_the_audit_log(org, full_case):
    case, _receipt = full_case
    case_hold_place(case=case, by=org["head"], reason="Запрос прокуратуры.")
    with pytest.raises(RetentionRefused):
        case_hold_place(case=case, by=org["head"], reason="Ещё раз.")
    case_hold_lift(case=case, by=org["head"], reason="Проверка окончена.")
    with pytest.raises(RetentionRefused):
        case_hold_lift(case=case, by=org["head"], reason="Ещё раз.")
    assert list(case.events.filter(kind__startswith="legal_hold").values_list("kind", flat=True)) == [
        "legal_hold_placed",
        "legal_hold_lifted",
    ]
    assert AuditEvent.objects.filter(action="case.legal_hold_placed", actor_id=org["head"].pk).count() == 1
    assert AuditEvent.objects.filter(action="case.legal_hold_lifted").count() == 1
    assert "прокуратуры" not in str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert LegalHold.objects.filter(case=case).count() == 1


@pytest.mark.parametrize("who", ["operator", "officer", "analyst", "auditor", "almaty_head"])
def test_only_unit_heads_and_administrators_in_scope_place_holds(org, full_case, who):
    case, _receipt = full_case
    with pytest.raises(NotAllowed):
        case_hold_place(case=case, by=org[who], reason="Нужно сохранить.")
    assert not LegalHold.objects.exists()


def test_a_hold_needs_a_reason_and_content_to_hold(org, full_case, django_capture_on_commit_callbacks):
    case, _receipt = full_case
    with pytest.raises(RetentionRefused):
        case_hold_place(case=case, by=org["head"], reason="  ")
    purge_after_period(case, django_capture_on_commit_callbacks)
    with pytest.raises(RetentionRefused):
        case_hold_place(case=case, by=org["head"], reason="Слишком поздно.")


# ---------------------------------------------------------------- pages


def test_the_case_page_shows_the_period_and_lets_a_head_hold(client, org, full_case):
    case, _receipt = full_case
    sign_in(client, org["head"])
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'data-testid="retention-until"' in page and 'data-testid="hold-form"' in page
    response = client.post(reverse("cases:hold", args=[case.pk, "place"]), {"hold-reason": "Суд."})
    assert response.status_code == 302
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'data-testid="legal-hold"' in page and "Суд." in page
    client.post(reverse("cases:hold", args=[case.pk, "lift"]), {"hold-reason": "Решение суда."})
    assert not LegalHold.objects.filter(lifted_at__isnull=True).exists()


def test_an_officer_cannot_hold_through_the_page(client, org, full_case):
    case, _receipt = full_case
    sign_in(client, org["officer"])
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'data-testid="retention-until"' in page and 'data-testid="hold-form"' not in page
    response = client.post(reverse("cases:hold", args=[case.pk, "place"]), {"hold-reason": "Суд."})
    assert response.status_code == 403 and not LegalHold.objects.exists()


def test_a_purged_case_page_says_when_and_under_which_policy(
    client, org, full_case, django_capture_on_commit_callbacks
):
    case, _receipt = full_case
    purge_after_period(case, django_capture_on_commit_callbacks)
    sign_in(client, org["head"])
    page = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert 'data-testid="content-purged"' in page and 'data-testid="retention-purged"' in page
    assert str(case.policy) in page and SECRET not in page and "Иванов" not in page
    assert 'data-testid="hold-form"' not in page


def open_inbox(client, receipt) -> str:
    client.post(reverse("hotline:inbox_login"), {"receipt": receipt})
    response = client.get(reverse("hotline:inbox"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_inbox_says_how_long_the_report_is_kept(client, org, draft):
    submitted = report_submit(draft=draft())
    view = reporter_inbox(submitted.report)
    assert view.retention.months == MONTHS and view.retention.kept_until is None
    assert view.retention.hold is None and view.retention.holds == []  # holds are staff business
    page = open_inbox(client, submitted.receipt)
    assert 'data-testid="inbox-kept-for"' in page and "60" in page


def test_the_inbox_of_a_closed_report_gives_the_date(client, org, full_case):
    case, receipt = full_case
    page = open_inbox(client, receipt)
    assert 'data-testid="inbox-kept-until"' in page
    year = str(kept_until(case).astimezone(dt.UTC).year)
    assert re.search(rf"data-testid=\"inbox-kept-until\">[^<]*{year}", page)


def test_the_receipt_still_opens_a_purged_report(client, org, full_case, django_capture_on_commit_callbacks):
    case, receipt = full_case
    purge_after_period(case, django_capture_on_commit_callbacks)
    page = open_inbox(client, receipt)
    assert 'data-testid="inbox-purged"' in page and case.report.registration_number in page
    assert "Иванов" not in page and 'name="body"' not in page
    view = reporter_inbox(case.report)
    assert view.messages == [] and not view.can_appeal and not view.can_rate
    case.report.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        reporter_message_add(report=case.report, receipt=receipt, body="Ещё одно сообщение.")
    assert list(refused.value.message_dict) == ["body"]
    assert Message.objects.filter(report=case.report).count() == 2


# ---------------------------------------------------------------- the job and the command


def test_the_worker_keeps_the_daily_purge_scheduled():
    jobs = housekeeping.registered()
    assert "cases.retention_schedule" in jobs and "core.file_removals" in jobs


def test_files_left_by_a_crash_after_the_commit_are_removed_by_housekeeping(db):
    name = store_encrypted(b"evidence")
    from django.db import transaction

    with transaction.atomic():
        remove_stored_on_commit([name])  # the test's transaction never commits: as if the process died
    assert FileRemoval.objects.filter(stored_name=name).exists() and name in stored_files()
    assert file_removals_finish(by=WORKER) == 1
    assert name not in stored_files() and not FileRemoval.objects.exists()


def test_the_command_lists_counts_in_a_dry_run_and_purges_otherwise(org, full_case, capsys):
    case, _receipt = full_case
    moment = months_after(case.closed_at, 61)
    call_command("retention_purge", "--dry-run", "--at", moment.isoformat())
    out = capsys.readouterr().out
    assert re.search(r"kz\b.*due: 1.*held: 0", out)
    case.refresh_from_db()
    assert case.purged_at is None
    with frozen_at(moment):
        call_command("retention_purge")
    assert "purged: 1" in capsys.readouterr().out
    case.refresh_from_db()
    assert case.purged_at is not None


def test_one_daily_purge_waits_for_the_worker_at_night(db, settings):
    from django_tasks_db.models import DBTaskResult

    from adal.cases.tasks import RETENTION_AT, purge_expired_content, schedule_retention

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert schedule_retention(by=WORKER) is True
    assert schedule_retention(by=WORKER) is False  # one is waiting already
    waiting = DBTaskResult.objects.get(task_path=purge_expired_content.module_path, status="READY")
    run_at = waiting.run_after.astimezone(local_zone())
    assert run_at.time() == RETENTION_AT and dt.timedelta(0) < run_at - timezone.now() <= dt.timedelta(days=1)


def test_the_migration_dates_the_end_of_cases_that_left_by_a_side_exit(org, new_case):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("adal.cases.migrations.0006_retention_and_legal_hold")
    case = case_triage_start(case=new_case(), by=org["operator"])
    case = case_redirect(
        case=case, by=org["operator"], authority="Агентство", reason="Уголовное дело.", risk=LOW_RISK
    )
    redirected_at = case.events.get(kind="redirect").at
    Case.objects.filter(pk=case.pk).update(closed_at=None)  # as before this change
    ResponsePolicy.objects.filter(code="kz").update(retention_months=None)

    migration.presets_and_ends(apps, None)

    case.refresh_from_db()
    assert case.closed_at == redirected_at
    assert ResponsePolicy.objects.get(code="kz").retention_months == MONTHS


def test_a_phone_reports_transcript_and_its_corrections_go_with_the_content(
    org, draft, django_capture_on_commit_callbacks
):
    submitted = report_submit(
        draft=draft(category="bribery", description=SECRET, transcript_kind="transcript"),
        channel="phone",
        registered_by=org["operator"],
    )
    report = submitted.report
    transcript_correct(report=report, text="Сумма была 70 000 тенге.", receipt=submitted.receipt, by=REPORTER)
    transcript_confirm(report=report, by=REPORTER)
    case = closed_case(org, report.case)

    assert purge_after_period(case, django_capture_on_commit_callbacks)["purged"] == 1

    transcript = Transcript.objects.get(report=report)
    assert transcript.text == "" and [c.text for c in transcript.corrections.all()] == [""]
    assert transcript.written_at and transcript.confirmed_at  # when it was written and checked stays
