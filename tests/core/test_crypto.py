import pytest
from django.core.management import call_command
from django.db import connection

from adal.core import crypto
from adal.core.crypto import DecryptionError, KeyRing
from adal.core.files import files_dir, read_decrypted
from adal.hotline.models import Attachment, Report
from adal.hotline.services import UploadedFile, report_submit

K1, K2 = b"\x01" * 32, b"\x02" * 32


def test_a_blob_opens_with_the_same_associated_data():
    ring = KeyRing({"a": K1}, "a")
    blob = ring.encrypt(b"secret", aad=b"hotline.Report.content")
    assert ring.decrypt(blob, aad=b"hotline.Report.content") == b"secret"
    assert b"secret" not in blob


def test_a_blob_moved_to_another_column_does_not_open():
    ring = KeyRing({"a": K1}, "a")
    blob = ring.encrypt(b"secret", aad=b"hotline.Report.content")
    with pytest.raises(DecryptionError):
        ring.decrypt(blob, aad=b"hotline.Report.identity")


def test_a_changed_byte_is_detected():
    ring = KeyRing({"a": K1}, "a")
    blob = bytearray(ring.encrypt(b"secret", aad=b""))
    blob[-1] ^= 1
    with pytest.raises(DecryptionError):
        ring.decrypt(bytes(blob), aad=b"")


def test_old_keys_still_decrypt_and_the_current_one_encrypts():
    old = KeyRing({"a": K1}, "a").encrypt(b"x", aad=b"")
    ring = KeyRing({"a": K1, "b": K2}, "b")
    assert ring.decrypt(old, aad=b"") == b"x"
    assert ring.needs_rotation(old)
    assert not ring.needs_rotation(ring.encrypt(b"x", aad=b""))


def test_a_removed_key_is_named_in_the_error():
    blob = KeyRing({"a": K1}, "a").encrypt(b"x", aad=b"")
    with pytest.raises(DecryptionError, match="unknown key 'a'"):
        KeyRing({"b": K2}, "b").decrypt(blob, aad=b"")


def test_keys_must_be_256_bits():
    with pytest.raises(ValueError, match="32 bytes"):
        KeyRing({"a": b"short"}, "a")


def raw_column(table: str, column: str, pk) -> bytes:
    with connection.cursor() as c:
        c.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return bytes(c.fetchone()[0])


def test_rotate_keys_reencrypts_rows_and_files(db, settings, draft, pdf_bytes, capsys):
    settings.ADAL_CURRENT_KEY = "t0"
    submitted = report_submit(draft=draft(), files=[UploadedFile("a.pdf", pdf_bytes)])
    attachment = Attachment.objects.get(report=submitted.report)
    assert crypto.keyring().key_id(raw_column("hotline_report", "content", submitted.report.pk)) == "t0"

    settings.ADAL_CURRENT_KEY = "t1"
    call_command("rotate_keys")

    assert "hotline.Report: 1 rows re-encrypted" in capsys.readouterr().out
    ring = crypto.keyring()
    assert ring.key_id(raw_column("hotline_report", "content", submitted.report.pk)) == "t1"
    assert ring.key_id((files_dir() / attachment.stored_name).read_bytes()) == "t1"
    # With the old key gone, everything still opens.
    settings.ADAL_ENCRYPTION_KEYS = {"t1": settings.ADAL_ENCRYPTION_KEYS["t1"]}
    report = Report.objects.get(pk=submitted.report.pk)
    assert report.content["description"].startswith("Директор")
    assert read_decrypted(attachment.stored_name) == pdf_bytes


def test_rotate_keys_twice_changes_nothing_the_second_time(db, draft, capsys):
    report_submit(draft=draft())
    call_command("rotate_keys")
    assert "rows re-encrypted" not in capsys.readouterr().out
