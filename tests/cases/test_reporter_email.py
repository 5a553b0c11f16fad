"""Every e-mail to a reporter goes through the worker's queue holding ids only: the reporter's address,
the subject and the text are in no row of any table (the queue's included) and in no log line, before or
after the worker sends; the e-mail itself carries them, in the reporter's language."""

import datetime as dt
import logging
import smtplib

import pytest
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from adal.cases.services import (
    case_answer,
    case_clarification_request,
    case_extend,
    case_leave,
    case_merge,
    case_redirect,
    case_triage_start,
)
from adal.hotline.identity import identity_seal
from adal.hotline.models import ReporterIdentity
from tests.cases.conftest import LOW_RISK
from tests.cases.test_transitions import accepted
from tests.hotline.test_submit import dump_database

ADDRESS = "aigerim.saparova@example.kz"
SECRET = "Ерекше-белгі-7731"  # a marker that only the message to the reporter carries


@pytest.fixture
def queued(settings, django_capture_on_commit_callbacks):
    """The worker's real queue: what a service sends on commit waits there as a row."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def run_worker():
    """What ``manage.py db_worker`` does with each waiting row (the command itself closes the test's
    connection between tasks)."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    for row in DBTaskResult.objects.ready():
        row.claim(worker.worker_id)
        worker.run_task(row)


def reporter_case(org, new_case, stage):
    """A case of a named reporter who writes in Kazakh, at the stage the action needs."""
    kwargs = dict(
        identity_mode="confidential", name="Сапарова А.", iin="850612350456", email=ADDRESS, language="kk"
    )
    if stage == "new":
        return new_case(**kwargs)
    if stage == "triage":
        return case_triage_start(case=new_case(**kwargs), by=org["operator"])
    if stage == "accepted":
        return accepted(org, new_case, **kwargs)
    from adal.cases.services import case_assign, case_decide, case_review_start

    case = case_assign(case=accepted(org, new_case, **kwargs), by=org["head"], officer=org["officer"])
    case = case_review_start(case=case, by=org["officer"])
    if stage == "in_review":
        return case
    return case_decide(
        case=case, by=org["officer"], outcome="not_confirmed", measures=[], findings="Тексерілді."
    )


PATHS = {
    "answer": ("decided", lambda org, c, other: case_answer(case=c, by=org["officer"], findings=SECRET)),
    "extension": (
        "accepted",
        lambda org, c, other: case_extend(
            case=c, by=org["head"], until=(c.registered_at + dt.timedelta(days=40)).date(), reason=SECRET
        ),
    ),
    "redirect": (
        "triage",
        lambda org, c, other: case_redirect(
            case=c, by=org["operator"], authority="Прокуратура", reason=SECRET, risk=LOW_RISK
        ),
    ),
    "leave": (
        "new",
        lambda org, c, other: case_leave(case=c, by=org["operator"], reason=SECRET, risk=LOW_RISK),
    ),
    "clarification": (
        "in_review",
        lambda org, c, other: case_clarification_request(case=c, by=org["officer"], text=SECRET),
    ),
    "merge": ("new", lambda org, c, other: case_merge(case=c, by=org["operator"], into=other, risk=LOW_RISK)),
}


def traces_in(text: str, case, subject: str) -> list[str]:
    """What must never be written down in plaintext outside the e-mail itself."""
    found = [t for t in (ADDRESS, SECRET, subject) if t in text]
    number = case.report.registration_number
    if ADDRESS in text and number in text:
        found.append("registration number with the address")
    return found


@pytest.mark.parametrize("path", PATHS)
def test_an_email_to_the_reporter_is_queued_as_ids_and_sent_whole(
    org, new_case, queued, mailoutbox, caplog, path
):
    caplog.set_level(logging.DEBUG)
    stage, action = PATHS[path]
    case = reporter_case(org, new_case, stage)
    other = new_case()
    with translation.override("kk"):
        subject = _("News about your report %(n)s") % {"n": case.report.registration_number}
    mailoutbox.clear()

    queued(lambda: action(org, case, other))
    assert DBTaskResult.objects.filter(status="READY").exists()  # the e-mail waits for the worker
    assert traces_in(dump_database(), case, subject) == []
    for row in DBTaskResult.objects.all():
        assert case.report.registration_number not in str(row.args_kwargs)

    run_worker()
    to_reporter = [m for m in mailoutbox if m.to == [ADDRESS]]
    assert len(to_reporter) == 1
    email = to_reporter[0]
    assert email.subject == subject  # in the reporter's language
    if path != "merge":
        assert SECRET in email.body
    assert "/inbox/" in email.body
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    assert traces_in(dump_database(), case, subject) == []
    assert traces_in(caplog.text, case, subject) == []


def test_a_reporter_without_an_address_gets_no_email_and_nothing_is_queued(org, new_case, queued, mailoutbox):
    case = reporter_case(org, new_case, "decided")
    ReporterIdentity.objects.filter(report=case.report).delete()
    identity_seal(
        report=case.report,
        identity={"name": "Сапарова А.", "iin": "850612350456", "phone": "+7 701 555 01 02"},
    )
    mailoutbox.clear()
    queued(lambda: case_answer(case=case, by=org["officer"], findings=SECRET))
    assert not DBTaskResult.objects.filter(task_path="adal.core.mail.send_email").exists()
    run_worker()
    assert mailoutbox == []


def test_a_refused_email_leaves_no_address_in_the_queue_or_the_log(
    org, new_case, queued, mailoutbox, caplog, monkeypatch
):
    """A mail server's refusal quotes the address; the failed task keeps only the error's type."""
    from adal.core import mail

    def refused(subject, body, from_email, recipients):
        raise smtplib.SMTPRecipientsRefused({r: (550, f"<{r}> no such mailbox".encode()) for r in recipients})

    caplog.set_level(logging.DEBUG)
    case = reporter_case(org, new_case, "decided")
    monkeypatch.setattr(mail, "send_mail", refused)
    queued(lambda: case_answer(case=case, by=org["officer"], findings=SECRET))
    run_worker()
    failed = DBTaskResult.objects.get(task_path="adal.core.mail.send_email", status="FAILED")
    assert failed.exception_class_path == "adal.core.mail.EmailNotSent"
    assert "SMTPRecipientsRefused" in failed.traceback
    assert ADDRESS not in dump_database()
    assert ADDRESS not in caplog.text


def test_staff_news_is_queued_as_ids_and_names_the_case_when_sent(org, new_case, queued, mailoutbox):
    case = queued(lambda: accepted(org, new_case))  # routed: the Aktobe head hears of it
    rows = list(DBTaskResult.objects.filter(task_path="adal.core.mail.send_email"))
    assert rows
    for row in rows:
        assert "@" not in str(row.args_kwargs)
        assert case.report.registration_number not in str(row.args_kwargs)
    run_worker()
    (email,) = [m for m in mailoutbox if m.to == ["head@adal.example"]]
    assert case.report.registration_number in email.subject
    assert f"/staff/cases/{case.pk}/" in email.body


def test_an_email_whose_report_lost_its_address_is_not_sent(org, new_case, queued, mailoutbox):
    """Built when sent: an address removed meanwhile (e.g. the content purged) is not written to."""
    case = reporter_case(org, new_case, "decided")
    queued(lambda: case_answer(case=case, by=org["officer"], findings=SECRET))
    ReporterIdentity.objects.filter(report=case.report).delete()
    mailoutbox.clear()
    run_worker()
    assert mailoutbox == []
    assert DBTaskResult.objects.get(task_path="adal.core.mail.send_email").status == "SUCCESSFUL"


def test_the_default_mailer_logs_no_address_subject_or_text(caplog, capsys):
    import os

    import adal.settings
    from adal.core.mail import WithheldBackend

    if "EMAIL_BACKEND" not in os.environ:
        assert adal.settings.MAILERS["default"]["BACKEND"] == "adal.core.mail.WithheldBackend"
    caplog.set_level(logging.DEBUG)
    message = EmailMessage(f"Subject {SECRET}", f"Body {SECRET}", to=[ADDRESS])
    assert WithheldBackend().send_messages([message]) == 1
    out = capsys.readouterr()
    for text in (caplog.text, out.out, out.err):
        assert ADDRESS not in text and SECRET not in text
    assert "1 recipient" in caplog.text
