"""A report's whole way through the response algorithm in real browsers, one per person.

A citizen reports anonymously; the operator triages and accepts the case; the head of the Aktobe unit
assigns it; the officer reviews, notes, decides and answers; the citizen reads the answer in the inbox
and rates it. Each person signs in in their own fresh browser profile.

Wording is being translated concurrently, so nothing here reads literal translated text: the checks go
by data-testid, data-action, data-kind, URLs, the texts typed here, and the app's own labels rendered
in the page's language.
"""

import re
from urllib.parse import quote

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from adal.cases.models import RoutingRule, State
from adal.cases.selectors import PLAIN_STATUS
from adal.core.models import Role, Territory, Unit
from adal.core.permissions import SYSTEM
from adal.core.services import unit_create
from adal.hotline.models import Report
from tests.browser.conftest import CHROMIUM
from tests.browser.test_hotline_browser import (
    FORM_SUBMIT,
    fill_report,
    open_inbox,
    open_report_form,
    submit_and_read_slip,
    url,
)
from tests.conftest import PASSWORD, make_staff, totp_now

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: ./dev test installs chromium"),
]

AKTOBE = "150000000"
DESCRIPTION = (
    "Инспектор ГИБДД на трассе Актобе — Хромтау потребовал 50 000 тенге, чтобы не составлять протокол."
)
NOTE = "Запросить записи видеорегистратора патруля за 12 августа."
FINDINGS = "Видеозапись подтвердила требование денег; инспектор отстранён от службы."
MEASURE_DETAILS = "Служебное расследование, приказ № 214 от 20 августа."
ANSWER = (
    "Ваше сообщение подтвердилось: инспектор отстранён, материалы переданы в службу собственной безопасности."
)


@pytest.fixture
def org(units):
    """As tests/cases/conftest.py's `org`: routing sends Aktobe's reports to Aktobe (education to Alga).

    Each staff member comes with their TOTP secret, for one browser sign-in each.
    """
    alga = unit_create(
        name_ru="Алга",
        name_kk="Алға",
        name_en="Alga",
        level=Unit.Level.DISTRICT,
        parent=units["aktobe"],
        by=SYSTEM,
    )
    aktobe = Territory.objects.get(kato=AKTOBE)
    RoutingRule.objects.create(region=None, category="", unit=units["centre"])
    RoutingRule.objects.create(region=aktobe, category="", unit=units["aktobe"])
    RoutingRule.objects.create(region=aktobe, category="education", unit=alga)
    return {
        **units,
        "alga": alga,
        "operator": make_staff("operator", Role.OPERATOR, units["centre"]),
        "head": make_staff("head", Role.UNIT_HEAD, units["aktobe"]),
        "officer": make_staff("officer", Role.CASE_OFFICER, units["aktobe"]),
        "colleague": make_staff("colleague", Role.CASE_OFFICER, units["aktobe"]),
        "almaty_officer": make_staff("almaty-officer", Role.CASE_OFFICER, units["almaty"]),
    }


def shown(page: Page, text) -> str:
    """The app's own label as it renders in the page's language, so a new translation breaks nothing."""
    with translation.override(page.locator("html").get_attribute("lang")):
        return str(text)


def sign_in(page: Page, staff: tuple, path: str) -> None:
    """The staff sign-in form with the password and a fresh code; it leads on to `path`."""
    user, secret = staff
    page.goto(f"/staff/login/?next={quote(path, safe='/')}")
    page.locator('input[name="username"]').fill(user.username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[name="code"]').fill(totp_now(secret))
    with page.expect_response(lambda r: r.request.method == "POST" and "/staff/login/" in r.url) as answer:
        page.locator(FORM_SUBMIT).click()
    assert answer.value.status == 302, f"{user.username}'s sign-in was answered with {answer.value.status}"
    expect(page).to_have_url(url(path))


def act(page: Page, action: str, fill=None) -> None:
    """Open the action's <details>, fill its form, confirm; the case page comes back with a flash."""
    path = re.sub(r"^https?://[^/]+", "", page.url)
    details = page.locator(f'details[data-action="{action}"]')
    expect(details).not_to_have_attribute("open", "")
    details.locator("summary").click()
    expect(details).to_have_attribute("open", "")
    form = details.locator("form")
    expect(form).to_be_visible()
    if fill:
        fill(form)
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(f"/{action}/")
    ) as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 302, f"“{action}” was answered with {answer.value.status}"
    expect(page).to_have_url(url(path))
    expect(page.locator("main ul.flash li")).to_have_count(1)


def check_case(
    page: Page, case, state: str, kinds: list[str], *, may: tuple = (), may_not: tuple = ()
) -> None:
    """The state shown, the timeline's events in order, and which actions the page offers."""
    expect(page.get_by_test_id("case-state")).to_have_text(shown(page, State(state).label))
    events = page.get_by_test_id("timeline").locator("li[data-kind]")
    expect(events).to_have_count(len(kinds))
    for i, kind in enumerate(kinds):
        expect(events.nth(i)).to_have_attribute("data-kind", kind)
    for action in may:
        expect(page.locator(f'details[data-action="{action}"]')).to_have_count(1)
    for action in may_not:
        expect(page.locator(f'details[data-action="{action}"]')).to_have_count(0)
    case.refresh_from_db()
    assert case.state == state


def test_a_report_is_triaged_assigned_decided_answered_and_rated(page: Page, new_page, org):
    # 1. A citizen reports anonymously and reads the receipt from the slip.
    open_report_form(page, "ru")
    fill_report(page, category="bribery", region=AKTOBE, description=DESCRIPTION, identity="anonymous")
    number, receipt = submit_and_read_slip(page)
    case = Report.objects.get(registration_number=number).case
    case_path = f"/staff/cases/{case.pk}/"
    assert (case.state, case.unit, case.assignee) == (State.REGISTERED, None, None)

    # 2. The operator finds the case in the list, starts triage and accepts it.
    operator = new_page()
    sign_in(operator, org["operator"], "/staff/cases/")
    operator.locator("table.queue a", has_text=number).click()
    expect(operator).to_have_url(url(case_path))
    expect(operator.get_by_test_id("report-description")).to_have_text(DESCRIPTION)
    expect(operator.get_by_test_id("case-officer")).to_have_text("—")
    check_case(
        operator, case, State.REGISTERED, ["registered"], may=("triage_start", "accept"), may_not=("assign",)
    )

    act(operator, "triage_start")
    check_case(
        operator,
        case,
        State.TRIAGE,
        ["registered", "triage_start"],
        may=("accept", "redirect"),
        may_not=("triage_start", "assign"),
    )

    def accept_as_reported(form):
        # The report's own category and region come preselected; the operator confirms them.
        expect(form.locator('select[name="accept-category"]')).to_have_value("bribery")
        expect(form.locator('select[name="accept-region"]')).to_have_value(AKTOBE)
        expect(form.locator('input[name="accept-concerns_corruption"]')).to_be_checked()
        form.locator('input[name="accept-retaliation_risk"][value="low"]').check()
        form.locator('textarea[name="accept-risk_reason"]').fill(
            "Anonymous: the facts do not point to anyone."
        )

    act(operator, "accept", accept_as_reported)
    check_case(operator, case, State.ACCEPTED, ["registered", "triage_start", "accept"])
    expect(operator.locator("details[data-action]")).to_have_count(0)  # the operator's part is done
    assert case.unit == org["aktobe"]  # routed by region

    # 3. The head of the Aktobe unit assigns the officer.
    head = new_page()
    sign_in(head, org["head"], case_path)
    check_case(
        head,
        case,
        State.ACCEPTED,
        ["registered", "triage_start", "accept"],
        may=("assign",),
        may_not=("accept",),
    )
    officer_user = org["officer"][0]

    def choose_officer(form):
        officers = form.locator('select[name="assign-officer"]')
        # Only the Aktobe unit's people are offered.
        expect(officers.locator(f'option[value="{org["almaty_officer"][0].pk}"]')).to_have_count(0)
        expect(officers.locator(f'option[value="{org["colleague"][0].pk}"]')).to_have_count(1)
        officers.select_option(str(officer_user.pk))

    act(head, "assign", choose_officer)
    check_case(
        head, case, State.ASSIGNED, ["registered", "triage_start", "accept", "assign"], may=("assign",)
    )
    expect(head.get_by_test_id("case-officer")).to_have_text(officer_user.username)
    assert case.assignee == officer_user

    # 4. The officer reviews, notes, decides and answers.
    officer = new_page()
    sign_in(officer, org["officer"], "/staff/cases/?state=open&assignee=me")
    officer.locator("table.queue a", has_text=number).click()
    expect(officer).to_have_url(url(case_path))
    kinds = ["registered", "triage_start", "accept", "assign"]
    check_case(
        officer, case, State.ASSIGNED, kinds, may=("review_start", "note"), may_not=("assign", "decide")
    )

    act(officer, "review_start")
    kinds.append("review_start")
    check_case(officer, case, State.IN_REVIEW, kinds, may=("decide", "note"), may_not=("review_start",))

    act(officer, "note", lambda form: form.locator('textarea[name="note-text"]').fill(NOTE))
    kinds.append("note")
    check_case(officer, case, State.IN_REVIEW, kinds, may=("decide",))
    expect(officer.locator('[data-testid="timeline"] li[data-kind="note"]')).to_contain_text(NOTE)

    def decide_substantiated(form):
        form.locator('input[name="decide-outcome"][value="substantiated"]').check()
        form.locator('input[name="decide-measures"][value="disciplinary"]').check()
        form.locator('input[name="decide-measure_details"]').fill(MEASURE_DETAILS)
        form.locator('textarea[name="decide-findings"]').fill(FINDINGS)

    act(officer, "decide", decide_substantiated)
    kinds.append("decide")
    check_case(officer, case, State.DECIDED, kinds, may=("answer",), may_not=("decide",))
    expect(officer.locator('[data-testid="timeline"] li[data-kind="decide"]')).to_contain_text(FINDINGS)
    assert case.outcome == "substantiated"
    assert [(m.kind, m.details) for m in case.measures.all()] == [("disciplinary", MEASURE_DETAILS)]

    act(officer, "answer", lambda form: form.locator('textarea[name="answer-findings"]').fill(ANSWER))
    kinds.append("answer")
    check_case(officer, case, State.ANSWERED, kinds, may=("close",), may_not=("answer", "note"))
    ours = officer.locator("article.message.out")
    expect(ours).to_have_count(1)
    expect(ours).to_contain_text(ANSWER)

    # 5. The reporter, at another computer, reads the answer in the inbox and rates it.
    reporter = new_page()
    reporter.goto("/inbox/")
    open_inbox(reporter, receipt)
    expect(reporter.locator("main h1")).to_contain_text(number)
    expect(reporter.locator("#status-title")).to_contain_text(shown(reporter, State.ANSWERED.label))
    expect(reporter.get_by_test_id("status-text")).to_have_text(shown(reporter, PLAIN_STATUS[State.ANSWERED]))
    # No clock runs for the reporter now: the block says what happens next instead of a date.
    expect(reporter.locator("ul.deadlines li:not([data-testid=next-step])")).to_have_count(0)
    expect(reporter.get_by_test_id("next-step")).not_to_be_empty()
    from_us = reporter.get_by_test_id("answer")  # the answer comes first, apart from the messages
    expect(from_us).to_have_count(1)
    expect(from_us).to_contain_text(ANSWER)
    expect(from_us).to_contain_text(number)
    expect(reporter.locator("article.message.in")).to_have_count(0)

    rate = reporter.locator('form[action="/inbox/report/rate/"]')
    expect(reporter.locator('form[action="/inbox/report/appeal/"]')).to_have_count(1)
    rate.locator('input[name="rating"][value="4"]').check()
    with reporter.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/rate/")
    ) as answer:
        rate.locator("button[type=submit]").click()
    assert answer.value.status == 302, f"the rating was answered with {answer.value.status}"
    expect(reporter).to_have_url(url("/inbox/report/"))
    expect(rate).to_have_count(0)  # rated once, the form is gone; the rating is acknowledged instead
    acknowledgement = reporter.get_by_test_id("rated")
    expect(acknowledgement).to_have_count(1)
    expect(acknowledgement).to_contain_text("4")
    expect(reporter.locator('form[action="/inbox/report/appeal/"]')).to_have_count(1)  # appeal stays open
    case.refresh_from_db()
    assert case.reporter_rating == 4

    # The officer sees the rating on the case's timeline; the case stays answered.
    officer.reload()
    kinds.append("rated")
    check_case(officer, case, State.ANSWERED, kinds, may=("close",))
