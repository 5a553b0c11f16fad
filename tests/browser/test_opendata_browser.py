"""The open-data pages in a browser: a period chosen on the page leads to its files, and the list and the
codebook fit a phone's width in every language without sideways scroll."""

import pytest
from playwright.sync_api import Page, expect

from adal.demo.scenario import build_units
from adal.portal.opendata import RESOURCES
from tests.browser.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: ./dev test installs chromium"),
]


def test_the_open_data_pages_choose_a_period_and_fit_a_phone(page: Page, transactional_db):
    build_units()
    page.goto("/open-data/")
    page.fill("input[name=from]", "2019-07-01")
    page.fill("input[name=to]", "2019-12-31")
    page.get_by_test_id("period-form").get_by_role("button").click()
    files = page.get_by_test_id("opendata-files")
    expect(files.locator("li")).to_have_count(len(RESOURCES))
    expect(files.locator("a").first).to_have_attribute(
        "href", "/open-data/2019-07-01_2019-12-31/cases_by_region.csv"
    )

    page.set_viewport_size({"width": 390, "height": 844})
    for language in ("Қазақша", "Русский", "English"):
        page.get_by_role("button", name=language).click()
        for path in ("/open-data/?from=2019-07-01&to=2019-12-31", "/open-data/codebook/"):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} in {language} is {width}px wide"
