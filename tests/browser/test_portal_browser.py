"""The portal in a browser: the dashboard and the statistics page load over demo volume, show the map
and the funnel plot, switch period and language, and fit a phone's width without sideways scroll."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from adal.cases.models import RoutingRule
from adal.demo.scenario import build_routing, build_units
from adal.demo.volume import build_case_volume
from tests.browser.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: ./dev test installs chromium"),
]


@pytest.fixture
def volume(transactional_db):
    units = build_units()
    if not RoutingRule.objects.exists():
        build_routing(units)
    build_case_volume(units, now=dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC), per_day=2.5)


def test_the_dashboard_and_statistics_show_the_programme(page: Page, volume):
    page.goto("/portal/?from=2025-01-01&to=2025-12-31")
    expect(page.get_by_test_id("block-hotline")).to_be_visible()
    expect(page.get_by_test_id("region-map").locator("rect")).to_have_count(20)
    expect(page.get_by_test_id("on-time")).to_contain_text("n = ")

    # Another period: the map of 2019 had 17 regions.
    page.fill("input[name=from]", "2019-07-01")
    page.fill("input[name=to]", "2019-12-31")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("region-map").locator("rect")).to_have_count(17)

    page.goto("/portal/statistics/?from=2025-01-01&to=2025-12-31")
    expect(page.get_by_test_id("funnel")).to_be_visible()
    expect(page.get_by_test_id("funnel").locator("circle").first).to_be_attached()
    expect(page.get_by_test_id("by-unit")).to_be_attached()

    # In Kazakh, and on a phone: nothing scrolls the page sideways.
    page.get_by_role("button", name="Қазақша").click()
    expect(page.locator("h1")).to_have_text("Сенім телефонының статистикасы")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
