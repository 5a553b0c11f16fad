"""A confidential reporter's identity, disclosed the one way it can be, in real browsers, one per person.

A citizen reports confidentially; the case reaches the Aktobe officer. The officer finds the identity
withheld and requests its disclosure with a reason; the identity custodian reads the reason on their desk
and approves; the identity appears for the officer and for nobody else on the case (not the unit head);
the citizen finds the notice of the disclosure in the inbox.

Nothing here reads translated text: the checks go by data-testid, data-status, URLs and the texts typed.
"""

import pytest
from playwright.sync_api import Page, expect

from adal.cases.services import case_accept, case_assign, case_triage_start
from adal.core.models import Role
from adal.hotline.models import Report
from tests.browser.conftest import CHROMIUM
from tests.browser.test_case_workflow_browser import AKTOBE, org, sign_in  # noqa: F401 - org is a fixture
from tests.browser.test_hotline_browser import fill_report, open_inbox, open_report_form, submit_and_read_slip
from tests.cases.conftest import LOW_RISK
from tests.conftest import make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: ./dev test installs chromium"),
]

NAME, IIN, PHONE = "Сапарова Айгерим", "900215450129", "+7 701 555 01 02"
DESCRIPTION = "Главный врач районной больницы требует 200 000 тенге за приём на работу медсестрой."
REASON = "Прокуратура возбудила уголовное дело; заявитель нужен для допроса как свидетель."
DECISION = "Показания заявителя необходимы для уголовного дела."


def test_an_officer_s_request_approved_by_the_custodian_opens_the_identity_to_that_officer_alone(
    page: Page,
    new_page,
    org,  # noqa: F811 - the fixture imported above
):
    custodian = make_staff("custodian", Role.IDENTITY_CUSTODIAN, org["centre"])

    # 1. A citizen reports confidentially and keeps the receipt.
    open_report_form(page, "ru")
    fill_report(
        page,
        category="bribery",
        region=AKTOBE,
        description=DESCRIPTION,
        identity="confidential",
        name=NAME,
        iin=IIN,
        phone=PHONE,
    )
    number, receipt = submit_and_read_slip(page)
    case = Report.objects.get(registration_number=number).case
    case = case_accept(
        case=case_triage_start(case=case, by=org["operator"][0]), by=org["operator"][0], risk=LOW_RISK
    )
    case = case_assign(case=case, by=org["head"][0], officer=org["officer"][0])
    case_path = f"/staff/cases/{case.pk}/"
    identity_path = f"/staff/cases/{case.pk}/identity/"

    # 2. The officer finds the identity withheld and requests its disclosure, with a reason.
    officer = new_page()
    sign_in(officer, org["officer"], case_path)
    expect(officer.get_by_test_id("identity-withheld")).to_be_visible()
    expect(officer.locator("main")).not_to_contain_text(NAME)
    request = officer.get_by_test_id("disclosure-request")
    request.locator("summary").click()
    request.locator('textarea[name="disclosure-reason"]').fill(REASON)
    request.locator("button[type=submit]").click()
    expect(officer.get_by_test_id("disclosure-mine")).to_have_attribute("data-status", "pending")
    expect(officer.get_by_test_id("disclosure-request")).to_have_count(0)  # one pending request at a time

    # 3. The custodian reads the reason (not the report) and approves, telling the reporter.
    desk = new_page()
    sign_in(desk, custodian, "/staff/disclosures/")
    pending = desk.locator(f'[data-testid="disclosure-pending"][data-case="{number}"]')
    expect(pending.get_by_test_id("disclosure-reason")).to_have_text(REASON)
    expect(desk.locator("main")).not_to_contain_text(DESCRIPTION)
    pending.locator('textarea[name$="-reason"]:not([name$="withhold_notice_reason"])').fill(DECISION)
    pending.get_by_test_id("disclosure-approve").click()
    expect(desk.locator('[data-testid="disclosure-decided"][data-status="approved"]')).to_have_count(1)

    # 4. The identity appears for the officer, on its own page.
    officer.reload()
    expect(officer.get_by_test_id("disclosure-mine")).to_have_count(0)
    officer.get_by_test_id("identity-show").click()
    shown = officer.get_by_test_id("reporter-identity")
    expect(shown).to_contain_text(NAME)
    expect(shown).to_contain_text(IIN)
    expect(shown).to_contain_text(PHONE)

    # 5. Not for the unit head of the same case: no link, no name, and the identity page is not there.
    head = new_page()
    sign_in(head, org["head"], case_path)
    expect(head.get_by_test_id("identity-withheld")).to_be_visible()
    expect(head.get_by_test_id("identity-show")).to_have_count(0)
    expect(head.locator("main")).not_to_contain_text(NAME)
    assert head.goto(identity_path).status == 404
    expect(head.locator("body")).not_to_contain_text(NAME)

    # 6. The reporter finds the notice in the inbox, with the custodian's reason.
    reporter = new_page()
    reporter.goto("/inbox/")
    open_inbox(reporter, receipt)
    notice = reporter.locator("article.message.out")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text(number)
    expect(notice).to_contain_text(DECISION)
    expect(reporter.get_by_test_id("inbox-identity")).to_have_attribute("data-mode", "confidential")
