import base64
import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from adal.core import keygen
from adal.core.audit import (
    GENESIS,
    SEALED_FIELDS,
    AuditChainBroken,
    Checkpoint,
    audit_checkpoint,
    audit_record,
    audit_verify,
    seal,
)
from adal.core.models import AuditEvent, AuditHead
from adal.core.permissions import WORKER

migration = importlib.import_module("adal.core.migrations.0002_audit_chain_keyed")


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


# --- the keyed chain and its checkpoints ---------------------------------------------------------------

A1, A2, WRONG = b"\x11" * 32, b"\x22" * 32, b"\x33" * 32


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


@pytest.fixture(autouse=True)
def _audit_keys(settings, tmp_path):
    settings.ADAL_AUDIT_KEYS = {"a1": b64(A1)}
    settings.ADAL_AUDIT_CURRENT_KEY = "a1"
    settings.ADAL_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"


def entries(first_seq: int):
    return list(AuditEvent.objects.filter(seq__gte=first_seq).order_by("seq"))


def last_seq() -> int:
    return AuditHead.objects.get(pk=1).seq


def set_head_to(seq: int):
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=AuditEvent.objects.get(seq=seq).hash)


def rewrite_from(seq: int, *, seal_with, key_id="a1", action="forged"):
    """What an attacker with the database but not the key does: edit entry ``seq`` and compute every
    link after it again with ``seal_with(entry)``, then set the head to the new last link."""
    before = AuditEvent.objects.filter(seq__lt=seq).order_by("-seq").first()
    prev = before.hash if before else GENESIS
    for e in entries(seq):
        if e.seq == seq:
            e.action = action
        e.prev_hash, e.key_id = prev, key_id
        e.hash = seal_with(e)
        AuditEvent.objects.filter(pk=e.pk).update(
            action=e.action, prev_hash=e.prev_hash, key_id=e.key_id, hash=e.hash
        )
        prev = e.hash
    AuditHead.objects.filter(pk=1).update(hash=prev)


def sealed_with(key: bytes):
    return lambda e: seal(key=key, **{f: getattr(e, f) for f in SEALED_FIELDS})


def checkpoint_lines() -> list[bytes]:
    return Path(settings.ADAL_AUDIT_CHECKPOINT_FILE).read_bytes().splitlines()


def test_each_entry_names_the_key_that_sealed_it(db):
    write(2)
    assert {e.key_id for e in entries(last_seq() - 1)} == {"a1"}


def test_a_deleted_head_row_is_found(db):
    write(3)
    AuditHead.objects.all().delete()
    report = audit_verify()
    assert not report.ok and "head row is missing" in report.reason


def test_an_entry_rewritten_with_plain_sha256_is_found(db):
    write(5)
    target = last_seq() - 3
    rewrite_from(target, seal_with=migration.plain_digest, key_id="")
    report = audit_verify()
    assert report.broken_at == target and "not configured" in report.reason


def test_an_entry_rewritten_with_a_wrong_key_is_found(db):
    write(5)
    target = last_seq() - 3
    rewrite_from(target, seal_with=sealed_with(WRONG))
    report = audit_verify()
    assert report.broken_at == target and "changed" in report.reason


def test_an_entry_rewritten_under_a_made_up_key_id_is_found(db):
    write(3)
    target = last_seq() - 1
    rewrite_from(target, seal_with=sealed_with(WRONG), key_id="a9")
    report = audit_verify()
    assert report.broken_at == target and "'a9'" in report.reason


def test_a_cut_tail_with_its_head_set_back_is_found_by_the_checkpoint(db):
    write(5)
    audit_checkpoint(by=WORKER)
    cut = last_seq() - 1
    AuditEvent.objects.filter(seq__gte=cut).delete()  # the queryset's delete skips the model's refusal
    set_head_to(cut - 1)
    report = audit_verify()
    assert report.broken_at == cut and "cut off" in report.reason


def test_everything_truncated_after_a_checkpoint_is_found_by_the_next_one(db):
    write(3)
    first = audit_checkpoint(by=WORKER)
    write(3)
    audit_checkpoint(by=WORKER)
    AuditEvent.objects.filter(seq__gt=first.seq).delete()
    set_head_to(first.seq)
    report = audit_verify()
    assert report.broken_at == first.seq + 1 and "cut off" in report.reason


def test_a_rewrite_even_with_the_key_is_found_before_a_checkpoint(db):
    write(5)
    checkpoint = audit_checkpoint(by=WORKER)
    rewrite_from(checkpoint.seq - 3, seal_with=sealed_with(A1))
    report = audit_verify()
    assert report.broken_at == checkpoint.seq and "rewritten" in report.reason


def test_rotation_keeps_old_entries_and_checkpoints_verifiable(db, settings):
    write(2)
    audit_checkpoint(by=WORKER)
    settings.ADAL_AUDIT_KEYS = {"a2": b64(A2), "a1": b64(A1)}
    settings.ADAL_AUDIT_CURRENT_KEY = "a2"
    write(2)
    audit_checkpoint(by=WORKER)
    assert [e.key_id for e in entries(last_seq() - 3)] == ["a1", "a1", "a2", "a2"]
    assert [json.loads(line)["key"] for line in checkpoint_lines()] == ["a1", "a2"]
    report = audit_verify()
    assert report.ok and report.checkpoints == 2


def test_an_old_key_taken_out_of_the_ring_is_named(db, settings):
    write(1)
    settings.ADAL_AUDIT_KEYS = {"a2": b64(A2)}
    settings.ADAL_AUDIT_CURRENT_KEY = "a2"
    write(1)
    report = audit_verify()
    assert report.broken_at == last_seq() - 1 and "'a1'" in report.reason


def test_a_forged_checkpoint_line_is_reported(db):
    write(3)
    audit_checkpoint(by=WORKER)
    genuine = json.loads(checkpoint_lines()[0])
    forged = {**genuine, "seq": genuine["seq"] + 100}  # a line claiming more entries than there were
    wrong_key = Checkpoint(**{**genuine, "mac": ""}).signed(WRONG)
    with Path(settings.ADAL_AUDIT_CHECKPOINT_FILE).open("ab") as f:
        f.write(json.dumps(forged).encode() + b"\n" + wrong_key.line() + b"not a checkpoint\n")
    report = audit_verify()
    assert not report.ok and report.broken_at is None and report.checkpoints == 1
    assert report.checkpoint_problems == [
        "checkpoint line 2 has a bad signature: forged or altered",
        "checkpoint line 3 has a bad signature: forged or altered",
        "checkpoint line 4 is not a checkpoint (altered, or a torn write)",
    ]
    with pytest.raises(CommandError, match="tampered"):
        call_command("audit_verify")


def test_checkpoints_are_only_ever_appended(db):
    write(2)
    audit_checkpoint(by=WORKER)
    first = Path(settings.ADAL_AUDIT_CHECKPOINT_FILE).read_bytes()
    audit_checkpoint(by=WORKER)  # the head has not moved: nothing to add
    assert Path(settings.ADAL_AUDIT_CHECKPOINT_FILE).read_bytes() == first
    write(1)
    call_command("audit_checkpoint")
    grown = Path(settings.ADAL_AUDIT_CHECKPOINT_FILE).read_bytes()
    assert grown.startswith(first) and grown.count(b"\n") == 2
    line = json.loads(grown.splitlines()[-1])
    assert line["seq"] == last_seq() and line["by"] == "system:command:audit_checkpoint"


def test_no_checkpoint_vouches_for_a_chain_changed_since_the_last_one(db):
    write(2)
    audit_checkpoint(by=WORKER)
    write(2)
    AuditEvent.objects.filter(seq=last_seq()).update(action="forged")
    before = checkpoint_lines()
    with pytest.raises(AuditChainBroken, match=f"#{last_seq()}"):
        audit_checkpoint(by=WORKER)
    assert checkpoint_lines() == before


def test_no_checkpoint_follows_a_forged_last_line(db):
    write(1)
    audit_checkpoint(by=WORKER)
    with Path(settings.ADAL_AUDIT_CHECKPOINT_FILE).open("ab") as f:
        f.write(Checkpoint(seq=1, hash=GENESIS, at="2026-01-01", key="a1", by="x").signed(WRONG).line())
    write(1)
    with pytest.raises(AuditChainBroken, match="bad signature"):
        audit_checkpoint(by=WORKER)


def test_the_command_lists_the_checkpoints_it_matched(db, capsys):
    write(2)
    audit_checkpoint(by=WORKER)
    call_command("audit_verify")
    assert "1 checkpoint(s) matched" in capsys.readouterr().out


# --- the migration that sealed the plain chain ---------------------------------------------------------


def test_the_plain_chain_is_verified_then_sealed_under_the_current_key(db):
    write(3)
    migration.back_to_plain_hashes(apps, None)  # the chain as 0001 left it
    assert set(AuditEvent.objects.values_list("key_id", flat=True)) == {""}
    plain_head = AuditHead.objects.get(pk=1).hash
    migration.seal_under_current_key(apps, None)
    assert audit_verify().ok
    record = AuditEvent.objects.get(seq=last_seq())
    assert record.action == "audit.chain_sealed" and record.data["plain_chain_head"] == plain_head


def test_a_broken_plain_chain_is_not_sealed(db):
    write(3)
    migration.back_to_plain_hashes(apps, None)
    AuditEvent.objects.filter(seq=last_seq() - 1).update(action="forged")
    with pytest.raises(RuntimeError, match=f"does not hold at entry #{last_seq() - 1}"):
        migration.seal_under_current_key(apps, None)


# --- keys in the secrets file --------------------------------------------------------------------------


def test_an_older_secrets_file_gains_an_audit_key_and_keeps_the_rest(tmp_path):
    path = tmp_path / "secrets.json"
    old = {k: v for k, v in keygen.new_secrets().items() if not k.startswith("audit_")}
    path.write_text(json.dumps(old))
    keygen.write_secrets(path)
    held = json.loads(path.read_text())
    assert {k: held[k] for k in old} == old
    assert held["audit_current_key"] in held["audit_keys"]


def test_rotating_the_audit_key_adds_one_and_keeps_the_old(db, settings, tmp_path, monkeypatch):
    monkeypatch.delenv("ADAL_AUDIT_KEYS", raising=False)
    settings.ADAL_SECRETS_FILE = tmp_path / "secrets.json"
    keygen.write_secrets(settings.ADAL_SECRETS_FILE)
    held = json.loads(settings.ADAL_SECRETS_FILE.read_text())
    settings.ADAL_AUDIT_KEYS, settings.ADAL_AUDIT_CURRENT_KEY = held["audit_keys"], held["audit_current_key"]
    write(1)
    call_command("rotate_audit_key")
    rotated = json.loads(settings.ADAL_SECRETS_FILE.read_text())
    new_id = rotated["audit_current_key"]
    assert new_id != held["audit_current_key"] and held["audit_keys"].items() <= rotated["audit_keys"].items()
    assert AuditEvent.objects.get(seq=last_seq()).data == {"key": new_id}
    settings.ADAL_AUDIT_KEYS, settings.ADAL_AUDIT_CURRENT_KEY = rotated["audit_keys"], new_id  # a restart
    write(1)
    assert AuditEvent.objects.get(seq=last_seq()).key_id == new_id
    assert audit_verify().ok


def test_after_a_torn_write_the_next_checkpoint_starts_its_own_line(db):
    write(1)
    audit_checkpoint(by=WORKER)
    with Path(settings.ADAL_AUDIT_CHECKPOINT_FILE).open("ab") as f:
        f.write(b'{"at":"2026-')  # the power went out mid-write
    write(1)
    checkpoint = audit_checkpoint(by=WORKER)
    assert checkpoint_lines()[-1] == checkpoint.line().strip()
    report = audit_verify()
    assert report.checkpoints == 2 and report.checkpoint_problems == [
        "checkpoint line 2 is not a checkpoint (altered, or a torn write)"
    ]
