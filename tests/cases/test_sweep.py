import datetime as dt
import threading

import pytest
from django.utils import timezone

from adal.cases.models import Case, State
from adal.cases.services import case_accept, case_answer, case_assign, case_decide, case_review_start
from adal.cases.sweep import deadlines_sweep
from adal.core.permissions import SYSTEM
from tests.cases.conftest import LOW_RISK
from tests.cases.test_transitions import accepted


def test_nothing_happens_before_a_deadline(org, new_case):
    accepted(org, new_case)
    assert deadlines_sweep(now=timezone.now(), by=SYSTEM) == {
        "reminded": 0,
        "overdue": 0,
        "very_overdue": 0,
        "closed": 0,
    }


def test_a_reminder_goes_to_the_officer_once(org, new_case, mailoutbox, django_capture_on_commit_callbacks):
    case = case_assign(case=accepted(org, new_case), by=org["head"], officer=org["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        report = deadlines_sweep(now=case.remind_at + dt.timedelta(minutes=1), by=SYSTEM)
    assert report["reminded"] == 1
    assert [m.to for m in mailoutbox] == [["officer@adal.example"]]
    assert deadlines_sweep(now=case.remind_at + dt.timedelta(minutes=2), by=SYSTEM)["reminded"] == 0


def test_a_missed_deadline_escalates_to_the_head_then_up(
    org, new_case, mailoutbox, django_capture_on_commit_callbacks
):
    case = case_assign(case=accepted(org, new_case), by=org["head"], officer=org["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_sweep(now=case.due_at + dt.timedelta(hours=1), by=SYSTEM)
    case.refresh_from_db()
    assert case.overdue_level == 1
    assert ["head@adal.example"] in [m.to for m in mailoutbox]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_sweep(now=case.escalate_at + dt.timedelta(hours=1), by=SYSTEM)
    case.refresh_from_db()
    assert case.overdue_level == 2
    assert [m.to for m in mailoutbox] == [["centre-head@adal.example"]]  # the next level up
    assert list(case.events.filter(kind__in=["overdue", "very_overdue"]).values_list("kind", flat=True)) == [
        "overdue",
        "very_overdue",
    ]


def test_an_unrouted_case_past_triage_is_overdue(org, new_case):
    case = new_case()
    deadlines_sweep(now=case.triage_due_at + dt.timedelta(hours=1), by=SYSTEM)
    case.refresh_from_db()
    assert case.overdue_level == 1


def test_a_new_deadline_clears_the_overdue_mark(org, new_case):
    case = new_case()
    deadlines_sweep(now=case.triage_due_at + dt.timedelta(hours=1), by=SYSTEM)
    case.refresh_from_db()
    case = case_accept(case=case, by=org["operator"], risk=LOW_RISK)
    assert case.overdue_level == 0 and case.due_at == case.answer_due_at


def test_an_answered_case_closes_by_itself(org, new_case):
    case = case_assign(case=accepted(org, new_case), by=org["head"], officer=org["officer"])
    case = case_review_start(case=case, by=org["officer"])
    case = case_decide(case=case, by=org["officer"], outcome="partly", measures=[], findings="x")
    case = case_answer(case=case, by=org["officer"], findings="Ответ.")
    version = case.version
    assert deadlines_sweep(now=case.due_at - dt.timedelta(hours=1), by=SYSTEM)["closed"] == 0
    assert deadlines_sweep(now=case.due_at + dt.timedelta(hours=1), by=SYSTEM)["closed"] == 1
    case.refresh_from_db()
    assert case.state == State.CLOSED and case.version == version + 1
    assert case.closed_at is not None and case.remind_at is None and case.escalate_at is None
    event = case.events.get(kind="close")
    assert (event.from_state, event.to_state, event.actor) == (State.ANSWERED, State.CLOSED, None)
    assert event.data == {} and event.at == case.closed_at  # as case_close records it
    from adal.core.models import AuditEvent

    audit = AuditEvent.objects.get(action="case.close", target_id=str(case.pk))
    assert audit.data == {"from": State.ANSWERED, "to": State.CLOSED}
    assert deadlines_sweep(now=case.due_at + dt.timedelta(days=30), by=SYSTEM)["closed"] == 0


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_act_once(org, new_case):
    cases = [new_case() for _ in range(5)]
    moment = max(c.triage_due_at for c in cases) + dt.timedelta(hours=1)
    results, barrier = [], threading.Barrier(2)

    def sweep():
        from django.db import connection

        try:
            barrier.wait()
            results.append(deadlines_sweep(now=moment, by=SYSTEM))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["overdue"] for r in results) == 5
    assert all(c.events.filter(kind="overdue").count() == 1 for c in Case.objects.all())


def test_the_sweep_command_reports_what_it_did(org, new_case, capsys):
    from django.core.management import call_command

    accepted(org, new_case)
    call_command("sweep")
    assert "overdue: 0" in capsys.readouterr().out


def test_a_reporter_message_reaches_the_officer(
    org, new_case, mailoutbox, django_capture_on_commit_callbacks
):
    from adal.hotline.services import reporter_message_add

    case = case_assign(case=accepted(org, new_case), by=org["head"], officer=org["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        reporter_message_add(report=case.report, receipt="0" * 16, body="Есть новые документы.")
    assert [m.to for m in mailoutbox] == [["officer@adal.example"]]
    assert "Есть новые документы" not in mailoutbox[0].body
    assert case.events.filter(kind="reporter_message").exists()


def test_one_future_sweep_waits_in_the_worker_queue(db, settings):
    from django_tasks_db.models import DBTaskResult

    from adal.cases.tasks import schedule_sweep, sweep_deadlines

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    schedule_sweep()
    schedule_sweep()
    waiting = DBTaskResult.objects.filter(task_path=sweep_deadlines.module_path, status="READY")
    assert waiting.count() == 1
    assert waiting.get().run_after > timezone.now()


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_queued_emails(org, new_case, settings, mailoutbox):
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    case = accepted(org, new_case)  # routing tells the Aktobe head, through the worker's queue
    assert mailoutbox == []
    call_command("db_worker", batch=True, no_startup_delay=True, interval=0.1)
    assert ["head@adal.example"] in [m.to for m in mailoutbox]
    assert case.report.registration_number in mailoutbox[0].subject


def test_cases_falling_due_together_reach_the_head_in_one_email(
    org, new_case, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "en"  # staff emails are written in the site's language
    cases = [accepted(org, new_case) for _ in range(3)]
    moment = max(c.due_at for c in cases) + dt.timedelta(hours=1)
    mailoutbox.clear()  # the "arrived in your unit" news
    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines_sweep(now=moment, by=SYSTEM)["overdue"] == 3
    # Unassigned, so the head hears of both the reminder and the missed deadline: one email for each.
    to_head = [m for m in mailoutbox if m.to == ["head@adal.example"]]
    assert sorted(m.subject for m in to_head) == ["3 cases are due soon", "3 cases are overdue"]
    for mail in to_head:
        assert all(c.report.registration_number in mail.body for c in cases)
    # Each case still has its own event and audit entry, and the chain holds.
    from adal.core.audit import audit_verify
    from adal.core.models import AuditEvent

    for case in cases:
        assert case.events.filter(kind="overdue").count() == 1
        assert AuditEvent.objects.filter(action="case.overdue", target_id=str(case.pk)).count() == 1
    assert audit_verify().ok


def test_the_worker_s_sweep_also_does_its_housekeeping(org, new_case):
    from adal.cases.tasks import sweep_deadlines

    accepted(org, new_case)
    report = sweep_deadlines.call()
    assert report["overdue"] == 0
    assert report["housekeeping"]["survey.imports_abandoned"] == 0
