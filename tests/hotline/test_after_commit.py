"""Work after the commit (queuing an e-mail…) can neither fail the reporter's request nor undo it: a
report or message that was committed keeps its files, and the reporter is told it was received. Files
are removed only when their rows were not committed.

These tests commit for real: the on-commit hooks run in ``transaction.atomic()``'s exit, as in production.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.tasks import Task
from django.urls import reverse

from adal.cases.models import Case
from adal.core.files import files_dir, read_decrypted
from adal.core.models import Role, User
from adal.hotline import services
from adal.hotline.models import Attachment, Message, Report
from adal.hotline.services import UploadedFile, report_submit, reporter_message_add
from tests.conftest import make_staff
from tests.hotline.test_pages import FORM, receipt_from_slip

pytestmark = pytest.mark.django_db(transaction=True)


class QueueDown(Exception):
    pass


@pytest.fixture
def after_commit_fails(monkeypatch):
    """Every transaction of the hotline's services gets a hook that fails after its COMMIT."""
    real = services.audit_record

    def audit_then_fail_after_commit(**kwargs):
        def fail():
            raise QueueDown("the task queue is not answering")

        transaction.on_commit(fail)
        return real(**kwargs)

    monkeypatch.setattr(services, "audit_record", audit_then_fail_after_commit)


@pytest.fixture
def queue_down(monkeypatch):
    """Queuing any task fails, as when the queue's table is locked or its database gone."""

    def enqueue(self, *args, **kwargs):
        raise QueueDown("the task queue is not answering")

    monkeypatch.setattr(Task, "enqueue", enqueue)


def stored_files_decrypt() -> list[bytes]:
    names = Attachment.objects.values_list("stored_name", flat=True)
    assert sorted(names) == sorted(p.name for p in files_dir().iterdir())
    return [read_decrypted(name) for name in names]


def test_a_report_committed_before_a_failure_keeps_its_files(draft, pdf_bytes, after_commit_fails):
    submitted = report_submit(draft=draft(), files=[UploadedFile("a.pdf", pdf_bytes)])
    assert Report.objects.filter(pk=submitted.report.pk).exists()
    (data,) = stored_files_decrypt()
    assert data.startswith(b"%PDF")


def test_an_operators_report_committed_before_a_failure_keeps_its_files(
    draft, pdf_bytes, operator, after_commit_fails
):
    user, _secret = operator
    submitted = report_submit(
        draft=draft(transcript_kind="minutes"),
        files=[UploadedFile("a.pdf", pdf_bytes)],
        channel="phone",
        registered_by=user,
    )
    assert submitted.report.registered_by == user
    assert len(stored_files_decrypt()) == 1


def test_the_reporter_is_shown_the_receipt_when_work_after_the_commit_fails(
    client, pdf_bytes, after_commit_fails
):
    response = client.post(
        reverse("hotline:report_new"), {**FORM, "files": [SimpleUploadedFile("a.pdf", pdf_bytes)]}
    )
    assert response.status_code == 302
    number, receipt = receipt_from_slip(client)
    assert Report.objects.get().registration_number == number and len(receipt) == 19
    assert len(stored_files_decrypt()) == 1


def test_a_message_whose_staff_email_cannot_be_queued_is_saved_with_its_files(
    client, pdf_bytes, units, caplog, queue_down
):
    client.post(reverse("hotline:report_new"), FORM)
    _, receipt = receipt_from_slip(client)
    client.post(reverse("hotline:inbox_login"), {"receipt": receipt})
    # The case is with a unit whose head is told by e-mail when the reporter writes.
    head, _secret = make_staff("head", Role.UNIT_HEAD, units["almaty"])
    User.objects.filter(pk=head.pk).update(email="head@adal.example")
    Case.objects.update(unit=units["almaty"])
    response = client.post(
        reverse("hotline:inbox"),
        {"body": "Ещё документы.", "files": [SimpleUploadedFile("b.pdf", pdf_bytes)]},
    )
    assert response.status_code == 302  # the reporter sees the message sent
    assert Message.objects.get().body == "Ещё документы."
    assert len(stored_files_decrypt()) == 1
    assert "QueueDown" in caplog.text  # the e-mail was due, and its failure is logged


def test_a_message_committed_before_a_failure_keeps_its_files(draft, pdf_bytes, after_commit_fails):
    report = report_submit(draft=draft()).report
    message = reporter_message_add(
        report=report, receipt="0" * 16, body="Дополнение.", files=[UploadedFile("c.pdf", pdf_bytes)]
    )
    assert Message.objects.filter(pk=message.pk).exists()
    assert len(stored_files_decrypt()) == 1


def test_a_failure_before_the_commit_saves_nothing_and_removes_the_files(draft, pdf_bytes, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        report_submit(draft=draft(), files=[UploadedFile("a.pdf", pdf_bytes)])
    assert Report.objects.count() == 0
    assert list(files_dir().iterdir()) == []


def test_a_message_failing_before_the_commit_saves_nothing_and_removes_its_files(
    draft, pdf_bytes, monkeypatch
):
    report = report_submit(draft=draft()).report

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        reporter_message_add(
            report=report, receipt="0" * 16, body="Дополнение.", files=[UploadedFile("c.pdf", pdf_bytes)]
        )
    assert Message.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert list(files_dir().iterdir()) == []
