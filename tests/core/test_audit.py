import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from adal.core.audit import audit_record, audit_verify
from adal.core.models import AuditEvent


def write(n: int):
    for i in range(n):
        with transaction.atomic():
            audit_record(action="test.event", data={"i": i})


def test_entries_are_chained(db):
    write(3)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events][-3:] == [events[-3].seq, events[-3].seq + 1, events[-3].seq + 2]
    assert events[-1].prev_hash == events[-2].hash
    assert audit_verify().ok


def test_the_command_reports_an_intact_chain(db, capsys):
    write(2)
    call_command("audit_verify")
    assert "audit chain intact" in capsys.readouterr().out


def test_a_changed_row_is_found(db):
    write(5)
    target = AuditEvent.objects.order_by("seq")[2]
    with connection.cursor() as c:
        c.execute("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", [target.pk])
    report = audit_verify()
    assert report.broken_at == target.seq
    assert "changed" in report.reason
    with pytest.raises(CommandError, match=f"broken at entry #{target.seq}"):
        call_command("audit_verify")


def test_a_deleted_row_is_found(db):
    write(5)
    target = AuditEvent.objects.order_by("seq")[2]
    with connection.cursor() as c:
        c.execute("DELETE FROM core_auditevent WHERE id = %s", [target.pk])
    assert audit_verify().broken_at == target.seq


def test_a_deleted_last_row_is_found(db):
    write(3)
    last = AuditEvent.objects.order_by("seq").last()
    with connection.cursor() as c:
        c.execute("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    assert audit_verify().broken_at == last.seq


def test_entries_cannot_be_changed_or_deleted_through_the_orm(db):
    write(1)
    event = AuditEvent.objects.last()
    event.action = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_an_entry_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(action="test.event")


def test_an_entry_rolls_back_with_its_change(db):
    before = AuditEvent.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(action="test.event")
        1 / 0  # noqa: B018
    assert AuditEvent.objects.count() == before
    assert audit_verify().ok


def test_a_time_in_another_zone_still_verifies(db):
    import datetime as dt
    from unittest import mock
    from zoneinfo import ZoneInfo

    almaty_time = dt.datetime(2026, 3, 20, 18, 0, tzinfo=ZoneInfo("Asia/Almaty"))
    with mock.patch("django.utils.timezone.now", return_value=almaty_time), transaction.atomic():
        audit_record(action="test.event")
    assert audit_verify().ok
