"""A phone call in real browsers: the operator registers it with its transcript and reads the receipt out;
the reporter reads the transcript in the inbox, corrects it and confirms it; the operator's case page shows
the correction beside the original and the confirmation.

As in the other browser tests, the checks go by data-testid, form names and the texts typed here."""

import re

import pytest
from playwright.sync_api import Page, expect

from adal.core.models import Role
from adal.hotline.models import Transcript
from tests.browser.conftest import CHROMIUM
from tests.browser.test_case_workflow_browser import sign_in
from tests.browser.test_hotline_browser import FORM_SUBMIT, fill_report, open_inbox, url
from tests.conftest import make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: ./dev test installs chromium"),
]

TRANSCRIPT = (
    "Оператор: Слушаю вас.\nЗаявитель: В акимате за справку о составе семьи требуют 20 000 тенге, "
    "специалист отдела ЖКХ, вчера."
)
CORRECTION = "Не вчера, а позавчера, и сумма была 25 000 тенге."


def test_a_phone_transcript_is_corrected_and_confirmed_by_the_reporter(page: Page, new_page, units):
    operator = make_staff("operator", Role.OPERATOR, units["centre"])
    sign_in(page, operator, "/staff/reports/new/")
    page.locator('select[name="channel"]').select_option("letter")
    expect(page.locator('input[name="transcript_kind"]').first).to_be_hidden()  # a letter has no transcript
    page.locator('select[name="channel"]').select_option("phone")
    page.locator('input[name="transcript_kind"][value="transcript"]').check()
    fill_report(page, category="bribery", region="150000000", description=TRANSCRIPT)
    page.locator(FORM_SUBMIT).click()
    receipt = page.get_by_test_id("receipt").inner_text()
    case_path = f"/staff/cases/{Transcript.objects.get().report.case.pk}/"

    reporter = new_page()
    reporter.goto("/inbox/")
    open_inbox(reporter, receipt)
    transcript = reporter.get_by_test_id("transcript")
    expect(transcript).to_have_attribute("data-state", "awaiting")
    expect(reporter.get_by_test_id("transcript-text")).to_contain_text("специалист отдела ЖКХ")
    reporter.locator('textarea[name="text"]').fill(CORRECTION)
    reporter.get_by_test_id("transcript-correct").click()
    expect(reporter).to_have_url(re.compile(r"/inbox/report/#transcript$"))
    expect(transcript).to_have_attribute("data-state", "corrected")
    expect(reporter.get_by_test_id("transcript-correction")).to_contain_text(CORRECTION)
    reporter.get_by_test_id("transcript-confirm").click()
    expect(transcript).to_have_attribute("data-state", "confirmed")
    expect(reporter.get_by_test_id("transcript-correct")).to_have_count(0)

    page.goto(case_path)
    expect(page).to_have_url(url(case_path))
    expect(page.get_by_test_id("transcript")).to_have_attribute("data-state", "confirmed")
    expect(page.get_by_test_id("transcript-text")).to_contain_text("20 000 тенге")  # the original stands
    expect(page.get_by_test_id("transcript-correction")).to_contain_text(CORRECTION)
    expect(page.get_by_test_id("transcript-confirmed")).to_be_visible()
    kinds = page.get_by_test_id("timeline").locator("li[data-kind]")
    expect(kinds.last).to_have_attribute("data-kind", "transcript_confirmed")
