"""The period report in a browser: open it from the dashboard, read the discipline figures of H2 2019,
download the PDF, and fit a phone's width in Kazakh."""

import pytest
from playwright.sync_api import Page, expect

from adal.demo.discipline import build_discipline
from tests.browser.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: ./dev test installs chromium"),
]


def test_the_report_opens_and_downloads_as_pdf(page: Page, transactional_db):
    build_discipline()
    page.goto("/portal/?from=2019-07-01&to=2019-12-31")
    page.get_by_test_id("period-report-link").click()
    expect(page.get_by_test_id("report-held-responsible")).to_have_text("196")
    expect(page.get_by_test_id("report-expelled")).to_have_text("96")

    with page.expect_download() as waiting:
        page.get_by_test_id("report-pdf").click()
    download = waiting.value
    assert download.suggested_filename == "adal-report-2019-07-01-2019-12-31.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    page.get_by_role("button", name="Қазақша").click()
    expect(page.locator("h1")).to_contain_text("кезеңіндегі есеп")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
