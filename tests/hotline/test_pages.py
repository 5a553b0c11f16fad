import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from adal.hotline.models import Channel, Message, Report
from adal.hotline.views import INBOX_COOKIE
from tests.conftest import PASSWORD, totp_now

FORM = {
    "category": "bribery",
    "region": "750000000",
    "district": "751110000",
    "description": "Инспектор потребовал 100 000 тенге, чтобы не составлять протокол.",
    "occurred": "1 ноября 2026",
    "place": "пр. Абая, Алматы",
    "persons": "Инспектор патрульной полиции\nЕго напарник",
    "organisations": "Департамент полиции",
    "bribe_amount": "100000",
    "identity_mode": "anonymous",
}


def submit(client, **overrides):
    return client.post(reverse("hotline:report_new"), {**FORM, **overrides})


def receipt_from_slip(client) -> tuple[str, str]:
    page = client.get(reverse("hotline:slip")).content.decode()
    number = re.search(r'data-testid="registration-number">([^<]+)<', page).group(1)
    receipt = re.search(r'data-testid="receipt">([^<]+)<', page).group(1)
    return number, receipt


def test_the_form_shows_every_region_and_the_identity_choices(client, db):
    page = client.get(reverse("hotline:report_new")).content.decode()
    assert page.count('<option value="7') >= 3  # Astana, Almaty, Shymkent
    for mode in ("anonymous", "confidential", "open"):
        assert f'value="{mode}"' in page


def test_a_citizen_reports_and_sees_the_receipt_once(client, db):
    response = submit(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("hotline:slip")
    number, receipt = receipt_from_slip(client)
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt)
    report = Report.objects.get(registration_number=number)
    assert report.channel == Channel.WEB
    assert report.content["persons"] == ["Инспектор патрульной полиции", "Его напарник"]
    # Shown once: the second visit has nothing to show.
    assert client.get(reverse("hotline:slip")).status_code == 410


def test_the_slip_page_is_not_cached(client, db):
    submit(client)
    response = client.get(reverse("hotline:slip"))
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_slip_downloads_as_text(client, db):
    response = client.post(
        reverse("hotline:slip_download"),
        {"registration_number": "AC-2026-000001", "receipt": "1234 5678 1234 5678"},
    )
    assert response["Content-Disposition"] == 'attachment; filename="adal-AC-2026-000001.txt"'
    assert "1234 5678 1234 5678" in response.content.decode()


def test_the_slip_download_refuses_anything_but_a_slip(client, db):
    response = client.post(
        reverse("hotline:slip_download"), {"registration_number": "<script>", "receipt": "1234"}
    )
    assert response.status_code == 400


def test_a_missing_field_is_shown_next_to_it(client, db):
    response = submit(client, description="")
    assert response.status_code == 400
    assert Report.objects.count() == 0
    assert 'id="id_description_error"' in response.content.decode()


def test_a_disguised_file_is_refused_and_nothing_is_saved(client, db, settings):
    exe = SimpleUploadedFile("evidence.pdf", b"MZ\x90\x00" + b"\x00" * 500, content_type="application/pdf")
    response = client.post(reverse("hotline:report_new"), {**FORM, "files": [exe]})
    assert response.status_code == 400
    assert "evidence.pdf" in response.content.decode()
    assert Report.objects.count() == 0


def test_an_oversized_file_is_refused(client, db, settings):
    settings.ADAL_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2048, content_type="application/pdf")
    response = client.post(reverse("hotline:report_new"), {**FORM, "files": [big]})
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_the_receipt_opens_the_inbox(client, db):
    submit(client)
    number, receipt = receipt_from_slip(client)
    response = client.post(reverse("hotline:inbox_login"), {"receipt": receipt})
    assert response.status_code == 302
    page = client.get(reverse("hotline:inbox")).content.decode()
    assert number in page
    assert 'data-testid="status-text"' in page


def test_the_inbox_cookie_is_sealed_and_scoped(client, db):
    submit(client)
    _, receipt = receipt_from_slip(client)
    response = client.post(reverse("hotline:inbox_login"), {"receipt": receipt})
    cookie = response.cookies[INBOX_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/inbox/"
    assert receipt.replace(" ", "") not in cookie.value


def test_a_wrong_receipt_says_nothing_about_any_report(client, db):
    response = client.post(reverse("hotline:inbox_login"), {"receipt": "1111 2222 3333 4444"})
    assert response.status_code == 401
    assert INBOX_COOKIE not in response.cookies


def test_garbage_is_not_a_receipt(client, db):
    response = client.post(reverse("hotline:inbox_login"), {"receipt": "hello; drop table"})
    assert response.status_code == 400


def test_the_reporter_sends_a_message_with_a_file(client, db, pdf_bytes):
    submit(client)
    _, receipt = receipt_from_slip(client)
    client.post(reverse("hotline:inbox_login"), {"receipt": receipt})
    response = client.post(
        reverse("hotline:inbox"),
        {
            "body": "Ещё одна деталь: это было в 14:00.",
            "files": [SimpleUploadedFile("note.pdf", pdf_bytes, content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.body == "Ещё одна деталь: это было в 14:00."
    assert message.attachments.count() == 1
    assert "note.pdf" in client.get(reverse("hotline:inbox")).content.decode()


def test_a_message_containing_the_receipt_is_refused(client, db):
    submit(client)
    _, receipt = receipt_from_slip(client)
    client.post(reverse("hotline:inbox_login"), {"receipt": receipt})
    response = client.post(reverse("hotline:inbox"), {"body": f"мой код {receipt}"})
    assert response.status_code == 400
    assert Message.objects.count() == 0


def test_closing_the_inbox_forgets_the_session(client, db):
    submit(client)
    _, receipt = receipt_from_slip(client)
    client.post(reverse("hotline:inbox_login"), {"receipt": receipt})
    client.post(reverse("hotline:inbox_logout"))
    assert client.get(reverse("hotline:inbox"))["Location"] == reverse("hotline:inbox_login")


def test_a_kazakh_speaker_reports_in_kazakh(client, db):
    client.cookies["django_language"] = "kk"
    page = client.get(reverse("hotline:report_new")).content.decode()
    assert '<html lang="kk">' in page
    submit(client)
    number, _ = receipt_from_slip(client)
    assert Report.objects.get(registration_number=number).language == "kk"


@pytest.mark.parametrize("path", ["/", "/report/", "/inbox/", "/staff/login/"])
def test_public_pages_carry_the_security_headers(client, db, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_form_needs_a_csrf_token(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("hotline:report_new"), FORM).status_code == 403


def test_the_page_loads_no_asset_from_elsewhere(client, db):
    page = client.get(reverse("hotline:report_new")).content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', page)


class TestOperator:
    def login(self, client, operator):
        user, secret = operator
        client.post(
            reverse("core:login"), {"username": user.username, "password": PASSWORD, "code": totp_now(secret)}
        )

    def test_an_operator_registers_a_phone_report_and_gets_the_receipt(self, client, operator):
        self.login(client, operator)
        response = client.post(
            reverse("hotline:staff_report_new"),
            {**FORM, "channel": "phone", "language": "kk", "transcript_kind": "minutes"},
        )
        assert response.status_code == 200
        page = response.content.decode()
        receipt = re.search(r'data-testid="receipt">([^<]+)<', page).group(1)
        report = Report.objects.get()
        assert report.channel == Channel.PHONE and report.registered_by == operator[0]
        assert report.language == "kk"
        from adal.hotline.services import report_find_by_receipt

        assert report_find_by_receipt(receipt.replace(" ", "")) == report

    def test_an_analyst_may_not_register_reports(self, client, analyst):
        user, _ = analyst
        client.post(reverse("core:login"), {"username": user.username, "password": PASSWORD})
        assert client.get(reverse("hotline:staff_report_new")).status_code == 403

    def test_the_page_needs_a_signed_in_operator(self, client, db):
        assert client.get(reverse("hotline:staff_report_new")).status_code == 302


def test_the_forms_script_carries_the_csp_nonce(client, db):
    response = client.get(reverse("hotline:report_new"))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()
    # A fresh nonce on every response.
    again = client.get(reverse("hotline:report_new"))["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" not in again
