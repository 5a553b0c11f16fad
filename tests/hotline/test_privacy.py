"""Nothing that could identify a public reporter is kept: not in the database, the files or the logs."""

import logging
import re

from django.db import OperationalError
from django.urls import reverse

from adal.core.files import files_dir
from adal.core.logging import RedactFilter, redact
from adal.hotline.models import Attachment, Report
from tests.hotline.test_pages import FORM, receipt_from_slip
from tests.hotline.test_submit import dump_database

ADDRESS = "203.0.113.77"
IPV6 = "2001:db8:85a3::8a2e:370:7334"
AGENT = "Mozilla/5.0 (X11; Linux x86_64) UniqueReporterAgent/99.1"


def test_no_address_or_agent_is_stored_anywhere(client, db, caplog, pdf_bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    caplog.set_level(logging.DEBUG)
    headers = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT, "HTTP_X_FORWARDED_FOR": IPV6}
    client.post(
        reverse("hotline:report_new"), {**FORM, "files": [SimpleUploadedFile("a.pdf", pdf_bytes)]}, **headers
    )
    _, receipt = receipt_from_slip(client)
    client.post(reverse("hotline:inbox_login"), {"receipt": "0000 0000 0000 0000"}, **headers)  # a failure
    client.post(reverse("hotline:inbox_login"), {"receipt": receipt}, **headers)
    client.post(reverse("hotline:inbox"), {"body": "Дополнение к сообщению."}, **headers)
    assert Report.objects.count() == 1 and Attachment.objects.count() == 1

    dump = dump_database()
    files = b"".join(p.read_bytes() for p in files_dir().iterdir())
    for trace in (ADDRESS, IPV6, "UniqueReporterAgent"):
        assert trace not in dump
        assert trace.encode() not in files
        assert trace not in caplog.text
    assert "session" not in [c for c in client.cookies if client.cookies[c].value]


def test_the_public_pages_create_no_server_session(client, db):
    client.post(reverse("hotline:report_new"), FORM)
    from django.contrib.sessions.models import Session

    assert Session.objects.count() == 0


def test_logs_are_redacted():
    record = logging.LogRecord(
        "x",
        logging.WARNING,
        __file__,
        1,
        "from %s with %s at 12:30:45",
        (ADDRESS, "1234 5678 9012 3456"),
        None,
    )
    RedactFilter().filter(record)
    assert ADDRESS not in record.getMessage()
    assert "1234 5678" not in record.getMessage()
    assert "12:30:45" in record.getMessage()
    assert IPV6 not in redact(f"client {IPV6} said")
    assert redact("[25/Nov/2026:07:18:12 +0500]") == "[25/Nov/2026:07:18:12 +0500]"  # gunicorn's time stays


def test_the_access_log_format_has_no_address_or_agent():
    from pathlib import Path

    conf = (Path(__file__).resolve().parents[2] / "adal" / "gunicorn.conf.py").read_text()
    fmt = re.search(r"access_log_format = '(.+)'", conf).group(1)
    for field in ("%(h)s", "%(a)s", "%({x-forwarded-for}i)s", "%(r)s", "%(q)s"):
        assert field not in fmt


def test_when_the_database_is_down_nothing_is_saved_and_the_reporter_is_told(
    client, db, monkeypatch, pdf_bytes
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from adal.hotline import services

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "_next_registration_number", down)
    response = client.post(
        reverse("hotline:report_new"), {**FORM, "files": [SimpleUploadedFile("a.pdf", pdf_bytes)]}
    )
    assert response.status_code == 503
    assert "Retry-After" in response
    page = response.content.decode()
    assert "<h1>" in page
    monkeypatch.undo()
    assert Report.objects.count() == 0
    assert list(files_dir().iterdir()) == []


def test_the_api_says_so_in_json_when_the_database_is_down(client, db, monkeypatch):
    import json

    from adal.hotline import services
    from adal.hotline.api import EXAMPLE_REPORT

    def down(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "_next_registration_number", down)
    response = client.post("/api/v1/reports", json.dumps(EXAMPLE_REPORT), content_type="application/json")
    assert response.status_code == 503
    assert response.json()["detail"]
