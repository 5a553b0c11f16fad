"""A citizen's whole path through the hotline in a real browser: report, slip, inbox.

Wording is being translated concurrently, so nothing here reads translated text: the checks go
by data-testid, URLs, the lang attribute, form names and counts.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from adal.hotline.models import Report
from adal.hotline.services import report_submit
from adal.hotline.views import INBOX_COOKIE, SLIP_COOKIE
from tests.browser.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: ./dev test installs chromium"),
]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
RECEIPT = re.compile(r"\d{4} \d{4} \d{4} \d{4}")
REGISTRATION_NUMBER = re.compile(r"AC-\d{4}-\d{6,9}")
FORM_SUBMIT = "main form.form button[type=submit]"  # not the header's language buttons


def url(path: str) -> re.Pattern:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}$")


def switch_language(page: Page, code: str) -> None:
    """Click the header's switch: it posts to /i18n/setlang/ and comes back to the same page."""
    path = re.sub(r"^https?://[^/]+", "", page.url)
    with page.expect_response(lambda r: r.request.method == "POST" and "/i18n/setlang/" in r.url) as answer:
        page.locator(f'form.lang-switch button[name="language"][value="{code}"]').click()
    assert answer.value.status == 302, (
        f"/i18n/setlang/ answered {answer.value.status}; a 403 means CSRF refused the browser's POST "
        f"(Origin: {answer.value.request.header_value('origin')!r})"
    )
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page).to_have_url(url(path))
    expect(page.locator(f'form.lang-switch button[value="{code}"]')).to_have_attribute("aria-current", "true")


def open_report_form(page: Page, language: str) -> None:
    with page.expect_response(lambda r: r.url.endswith("/static/adal/adal.css")) as css:
        page.goto("/report/")
    assert css.value.status == 200
    assert page.evaluate("document.styleSheets.length > 0 && document.styleSheets[0].cssRules.length > 0")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch_language(page, language)


def fill_report(
    page: Page,
    *,
    category: str,
    region: str,
    district: str = "",
    description: str,
    identity: str = "anonymous",
    files: list | None = None,
    **identity_fields: str,
) -> None:
    page.locator('select[name="category"]').select_option(category)
    page.locator('select[name="region"]').select_option(region)
    if district:
        page.locator('select[name="district"]').select_option(district)
    page.locator('textarea[name="description"]').fill(description)
    if files:
        page.locator('input[type="file"][name="files"]').set_input_files(files)
    page.locator(f'input[name="identity_mode"][value="{identity}"]').check()
    for name, value in identity_fields.items():
        page.locator(f'input[name="{name}"]').fill(value)


def submit_and_read_slip(page: Page) -> tuple[str, str]:
    page.locator(FORM_SUBMIT).click()
    expect(page).to_have_url(url("/report/slip/"))
    number, receipt = page.get_by_test_id("registration-number"), page.get_by_test_id("receipt")
    expect(number).to_have_text(REGISTRATION_NUMBER)
    expect(receipt).to_have_text(RECEIPT)
    return number.inner_text().strip(), receipt.inner_text().strip()


def open_inbox(page: Page, receipt: str) -> None:
    page.locator('input[name="receipt"]').fill(receipt)
    page.locator(FORM_SUBMIT).click()
    expect(page).to_have_url(url("/inbox/report/"))


def cookie_names(page: Page) -> set[str]:
    return {c["name"] for c in page.context.cookies()}


def test_a_russian_speaker_reports_downloads_the_slip_and_writes_in_the_inbox(page: Page, tmp_path):
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(PDF)
    open_report_form(page, "ru")
    fill_report(
        page,
        category="bribery",
        region="750000000",
        district="751110000",
        description="Инспектор потребовал 100 000 тенге, чтобы не составлять протокол.",
        identity="anonymous",
        files=[evidence],
    )
    number, receipt = submit_and_read_slip(page)
    expect(page.locator("html")).to_have_attribute("lang", "ru")

    report = Report.objects.get(registration_number=number)
    assert (report.language, report.identity_mode, report.region_id is not None) == ("ru", "anonymous", True)
    assert report.district.kato == "751110000"
    assert report.attachments.count() == 1

    with page.expect_download() as download_info:
        page.locator('form[action="/report/slip/download/"] button[type=submit]').click()
    download = download_info.value
    assert download.suggested_filename == f"adal-{number}.txt"
    slip_text = download.path().read_text(encoding="utf-8")
    assert receipt in slip_text and number in slip_text

    # Shown once: the sealed cookie is gone and a reload has nothing to show.
    assert SLIP_COOKIE not in cookie_names(page)
    response = page.reload()
    assert response.status == 410
    expect(page.get_by_test_id("receipt")).to_have_count(0)
    expect(page.get_by_test_id("registration-number")).to_have_count(0)
    assert receipt not in page.content()

    page.goto("/inbox/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    open_inbox(page, receipt)
    expect(page.locator("main h1")).to_contain_text(number)
    expect(page.get_by_test_id("status-text")).not_to_be_empty()
    messages = page.locator("article.message")
    expect(messages).to_have_count(0)

    note = tmp_path / "note.pdf"
    note.write_bytes(PDF)
    # The inbox has other forms with files (a retaliation report): write in the message form.
    message_form = page.get_by_test_id("message-form")
    message_form.locator('textarea[name="body"]').fill("Ещё одна деталь: это было в 14:00.")
    message_form.locator('input[type="file"][name="files"]').set_input_files(note)
    message_form.locator('button[type="submit"]').click()
    expect(page).to_have_url(url("/inbox/report/"))
    expect(messages).to_have_count(1)
    expect(messages.first).to_have_class(re.compile(r"\bin\b"))
    expect(messages.first).to_contain_text("Ещё одна деталь: это было в 14:00.")
    expect(messages.first.locator("ul.files li")).to_contain_text("note.pdf")
    assert report.messages.count() == 1


def test_a_kazakh_speaker_reports_confidentially_and_opens_the_inbox(page: Page):
    open_report_form(page, "kk")
    # report.js shows the identity fields only for a confidential or open report.
    expect(page.locator(".identity-details")).to_be_hidden()
    page.locator('input[name="identity_mode"][value="confidential"]').check()
    expect(page.locator(".identity-details")).to_be_visible()
    fill_report(
        page,
        category="education",
        region="150000000",
        description="Мектеп директоры баланы бірінші сыныпқа қабылдау үшін 50 000 теңге талап етеді.",
        identity="confidential",
        name="Асанов Болат Серікұлы",
        iin="850612350456",
        phone="+7 701 234 56 78",
    )
    number, receipt = submit_and_read_slip(page)
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    report = Report.objects.get(registration_number=number)
    assert (report.language, report.identity_mode, report.district) == ("kk", "confidential", None)

    # The slip's own link leads to the inbox; the language stays Kazakh.
    page.locator('main a[href="/inbox/"]').click()
    expect(page).to_have_url(url("/inbox/"))
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    open_inbox(page, receipt)
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator("main h1")).to_contain_text(number)
    expect(page.get_by_test_id("status-text")).not_to_be_empty()
    expect(page.locator("article.message")).to_have_count(0)
    assert INBOX_COOKIE in cookie_names(page)


def test_a_wrong_receipt_opens_no_inbox(page: Page, draft):
    report_submit(draft=draft())  # a report exists; the receipt typed below is not its receipt
    page.goto("/inbox/")
    page.locator('input[name="receipt"]').fill("1111 2222 3333 4444")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/inbox/")) as answer:
        page.locator(FORM_SUBMIT).click()
    assert answer.value.status == 401, f"the wrong receipt was answered with {answer.value.status}"
    expect(page).to_have_url(url("/inbox/"))
    expect(page.locator("#id_receipt_error")).to_be_visible()
    expect(page.locator("#id_receipt_error li")).to_have_count(1)
    expect(page.get_by_test_id("status-text")).to_have_count(0)
    assert INBOX_COOKIE not in cookie_names(page)

    # Going straight to the inbox only leads back to the receipt page.
    page.goto("/inbox/report/")
    expect(page).to_have_url(url("/inbox/"))
    expect(page.get_by_test_id("status-text")).to_have_count(0)
