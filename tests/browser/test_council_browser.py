"""A council secretary records a meeting held and publishes its minutes in a real browser; a citizen
then finds the meeting, its decision and its minutes on the council's public page.

Wording is being translated concurrently, so nothing here reads translated text: the checks go by
data-testid, data-action, form names, URLs and the texts typed here."""

import pytest
from playwright.sync_api import Page, expect

from adal.core.models import Role
from adal.core.texts import Texts
from adal.councils.models import Meeting, Topic
from adal.councils.services import agenda_item_add, council_create, today
from tests.browser.conftest import CHROMIUM
from tests.browser.test_case_workflow_browser import sign_in
from tests.browser.test_hotline_browser import url
from tests.conftest import make_staff
from tests.councils.factories import plan, seat

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: ./dev test installs chromium"),
]

DECISION = "Рекомендовать акимату проверить подрядчика водопровода в Алге."
MINUTES = "Протокол № 7. Заслушан доклад о водоснабжении; решение принято единогласно."


@pytest.fixture
def council(units):
    """Aktobe's council (under the central one) with three members, its secretary, and a meeting planned
    for today with one item on its agenda."""
    admin = make_staff("admin", Role.ADMINISTRATOR, units["centre"])[0]
    council_create(unit=units["centre"], name_ru="Центр", name_kk="Орталық", name_en="Centre", by=admin)
    aktobe = council_create(
        unit=units["aktobe"],
        slug="aktobe",
        name_ru="Совет Актобе",
        name_kk="Ақтөбе",
        name_en="Aktobe",
        by=admin,
    )
    members = seat(aktobe, 3, by=admin)
    meeting = plan(aktobe, today(), by=admin)
    item = agenda_item_add(
        meeting=meeting,
        topic=Topic.objects.get(code="drinking_water"),
        title=Texts(ru="Водопровод в Алге"),
        by=admin,
    )
    secretary = make_staff("secretary", Role.COUNCIL_SECRETARY, units["aktobe"])
    return {"council": aktobe, "members": members, "meeting": meeting, "item": item, "secretary": secretary}


def act(page: Page, action: str, fill) -> None:
    """Open the action's <details>, fill its form, confirm; the page comes back with one flash."""
    details = page.locator(f'details[data-action="{action}"]')
    details.locator("summary").click()
    form = details.locator("form")
    expect(form).to_be_visible()
    fill(form)
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith(f"/{action}/")
    ) as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 302, f"“{action}” was answered with {answer.value.status}"
    expect(page.locator("main ul.flash li")).to_have_count(1)


def test_a_secretary_records_a_meeting_held_and_the_public_reads_it(page: Page, new_page, council):
    meeting, item, members = council["meeting"], council["item"], council["members"]
    staff_path = f"/staff/councils/aktobe/meetings/{meeting.pk}/"

    # 1. The secretary signs in and opens the meeting: it can be recorded as held, not yet published.
    sign_in(page, council["secretary"], staff_path)
    expect(page.get_by_test_id("meeting-state")).to_have_attribute("data-state", "planned")
    expect(page.locator('details[data-action="minutes"]')).to_have_count(0)

    # 2. Two of three present, a decision on the item.
    def record_held(form):
        expect(form.locator('input[name="held-held_on"]')).to_have_value(today().isoformat())
        for member in members[:2]:
            form.locator(f'input[name="held-present"][value="{member.pk}"]').check()
        form.locator(f'textarea[name="held-decision_{item.pk}_ru"]').fill(DECISION)

    act(page, "held", record_held)
    expect(page).to_have_url(url(staff_path))
    expect(page.get_by_test_id("meeting-state")).to_have_attribute("data-state", "held")
    meeting.refresh_from_db()
    assert (meeting.state, meeting.quorum_met, meeting.attendees.count()) == (Meeting.State.HELD, True, 2)

    # 3. The minutes, for everyone.
    def publish(form):
        form.locator('textarea[name="minutes-minutes_ru"]').fill(MINUTES)
        form.locator('input[name="minutes-visibility"][value="public"]').check()

    act(page, "minutes", publish)
    expect(page.get_by_test_id("meeting-state")).to_have_attribute("data-state", "minutes_published")
    expect(page.locator("details[data-action]")).to_have_count(0)

    # 4. A citizen, signed out, finds the meeting on the council's page and reads the minutes.
    citizen = new_page()
    citizen.goto("/councils/aktobe/")
    meeting_path = f"/councils/aktobe/meetings/{meeting.pk}/"
    expect(citizen.get_by_test_id("past").locator(f'a[href="{meeting_path}"]')).to_have_count(1)
    expect(citizen.get_by_test_id("minutes").locator(f'a[href="{meeting_path}"]')).to_have_count(1)
    expect(citizen.locator('meta[property="og:title"]')).to_have_count(1)
    citizen.get_by_test_id("minutes").locator(f'a[href="{meeting_path}"]').click()
    expect(citizen).to_have_url(url(meeting_path))
    expect(citizen.get_by_test_id("held-on")).to_be_visible()
    expect(citizen.get_by_test_id("decision")).to_contain_text(DECISION)
    expect(citizen.get_by_test_id("minutes")).to_contain_text(MINUTES)
    expect(citizen.get_by_test_id("share").locator('a[data-network="Telegram"]')).to_have_count(1)

    # 5. The period's statistics count the meeting, with bars drawn inline (no CSP complaint).
    day = today().isoformat()
    citizen.goto(f"/councils/statistics/?from={day}&to={day}")
    expect(citizen.get_by_test_id("meetings-held")).to_have_text("1")
    expect(citizen.locator("svg.bars rect").first).to_be_visible()
