import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from adal.core.files import files_dir
from adal.core.models import AuditEvent
from adal.hotline.identity import identity_open
from adal.hotline.models import Attachment, Report, ReporterIdentity
from adal.hotline.receipts import receipt_hash
from adal.hotline.services import UploadedFile, report_find_by_receipt, report_submit, reporter_message_add


def test_a_report_gets_a_public_number_and_a_secret_receipt(db, draft):
    submitted = report_submit(draft=draft())
    assert re.fullmatch(r"AC-\d{4}-\d{6}", submitted.report.registration_number)
    assert re.fullmatch(r"\d{16}", submitted.receipt)
    assert report_find_by_receipt(submitted.receipt) == submitted.report


def test_numbers_run_in_sequence_per_year(db, draft):
    first = report_submit(draft=draft()).report.registration_number
    second = report_submit(draft=draft()).report.registration_number
    assert int(second[-6:]) == int(first[-6:]) + 1


def test_only_a_slow_hash_of_the_receipt_is_stored(db, draft):
    submitted = report_submit(draft=draft())
    report = Report.objects.get(pk=submitted.report.pk)
    assert report.receipt_hash == receipt_hash(submitted.receipt)
    assert submitted.receipt not in dump_database()


def test_text_and_identity_are_encrypted_at_rest(db, draft):
    report_submit(
        draft=draft(
            identity_mode="confidential",
            name="Сапарова Айгерим",
            iin="900215450129",
            phone="+7 701 555 01 02",
            email="aigerim@example.kz",
        )
    )
    dump = dump_database()
    for plaintext in ("Директор школы", "Сапарова", "900215450129", "aigerim@example.kz", "+7 701 555 01 02"):
        assert plaintext not in dump


def test_an_anonymous_report_has_no_identity(db, draft):
    report = report_submit(draft=draft(name="Should be ignored")).report
    assert identity_open(report) is None
    assert not ReporterIdentity.objects.filter(report=report).exists()


def test_a_report_becomes_a_case_with_its_clocks(db, draft):
    report = report_submit(draft=draft()).report
    case = report.case
    assert case.state == "registered" and case.unit is None
    assert case.triage_due_at < case.answer_due_at
    assert case.due_at == case.triage_due_at


def test_registration_is_audited_without_content(db, draft):
    report = report_submit(draft=draft()).report
    event = AuditEvent.objects.get(action="report.registered", target_id=str(report.pk))
    assert event.actor_label == "reporter"
    assert "Директор" not in str(event.data)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "gossip"}, "category"),
        ({"region": "999999999"}, "region"),
        ({"region": "510000000"}, "region"),  # South Kazakhstan no longer exists
        ({"district": "751110000"}, "district"),  # Almaty's Almaly district is not in Aktobe region
        ({"description": "too short"}, "description"),
        ({"bribe_amount": Decimal("-1")}, "bribe_amount"),
        ({"identity_mode": "open"}, "name"),
        ({"identity_mode": "open", "name": "A", "iin": "850612350457", "phone": "+77015550102"}, "iin"),
        ({"identity_mode": "confidential", "name": "A", "iin": "850612350456"}, "phone"),
        ({"identity_mode": "open", "name": "A", "iin": "850612350456", "email": "not-an-email"}, "email"),
        ({"identity_mode": "secret"}, "identity_mode"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(db, draft, overrides, field):
    with pytest.raises(ValidationError) as e:
        report_submit(draft=draft(**overrides))
    assert field in e.value.message_dict
    assert Report.objects.count() == 0


def test_all_problems_are_reported_at_once(db, draft):
    with pytest.raises(ValidationError) as e:
        report_submit(draft=draft(category="x", region="x", description="short"))
    assert {"category", "region", "description"} <= set(e.value.message_dict)


def test_errors_are_in_the_reporters_language(db, draft):
    with translation.override("kk"), pytest.raises(ValidationError) as e:
        report_submit(draft=draft(description="short"))
    with translation.override("en"):
        english = "Describe what happened in at least 20 characters."
    assert e.value.message_dict["description"] != [english]


def test_files_are_stored_encrypted_under_random_names(db, draft, pdf_bytes):
    report = report_submit(draft=draft(), files=[UploadedFile("донос.pdf", pdf_bytes)]).report
    attachment = Attachment.objects.get(report=report)
    stored = files_dir() / attachment.stored_name
    assert re.fullmatch(r"[0-9a-f]{64}", attachment.stored_name)
    assert pdf_bytes not in stored.read_bytes()
    assert attachment.original_name == "донос.pdf"
    assert attachment.content_type == "application/pdf"
    assert "донос" not in dump_database()


def test_a_bad_file_refuses_the_whole_report_and_leaves_no_file(db, draft, pdf_bytes):
    exe = b"MZ\x90\x00" + b"\x00" * 200
    with pytest.raises(ValidationError) as e:
        report_submit(
            draft=draft(), files=[UploadedFile("ok.pdf", pdf_bytes), UploadedFile("photo.pdf", exe)]
        )
    assert "files" in e.value.message_dict
    assert Report.objects.count() == 0
    assert list(files_dir().iterdir()) == []


def test_a_failure_inside_the_transaction_removes_the_written_files(db, draft, pdf_bytes, monkeypatch):
    from adal.hotline import services

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        report_submit(draft=draft(), files=[UploadedFile("a.pdf", pdf_bytes)])
    assert Report.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert list(files_dir().iterdir()) == []


def test_a_message_with_the_receipt_in_it_is_refused(db, draft):
    submitted = report_submit(draft=draft())
    spaced = " ".join(submitted.receipt[i : i + 4] for i in range(0, 16, 4))
    with pytest.raises(ValidationError) as e:
        reporter_message_add(report=submitted.report, receipt=submitted.receipt, body=f"my code is {spaced}")
    assert "body" in e.value.message_dict
    assert submitted.report.messages.count() == 0


def test_a_reporter_adds_information(db, draft, pdf_bytes):
    submitted = report_submit(draft=draft())
    message = reporter_message_add(
        report=submitted.report,
        receipt=submitted.receipt,
        body="Он снова потребовал деньги 3 сентября.",
        files=[UploadedFile("more.pdf", pdf_bytes)],
    )
    assert message.attachments.count() == 1
    assert "снова потребовал" not in dump_database()


def dump_database() -> str:
    """Every value of every table, as text: what someone with a copy of the database would see."""
    out = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        out.append(bytes(value).decode("utf-8", "replace"))
                    else:
                        out.append(str(value))
    return "\n".join(out)
