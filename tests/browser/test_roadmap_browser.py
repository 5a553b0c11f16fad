"""A responsible officer reports progress on a measure in a real browser, a second officer of the unit
confirms it, and the public page shows the measure's and its parent's progress changed.

Nothing here reads translated text: the checks go by data-testid, data-measure, form names and URLs."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from adal.core.models import Role
from adal.core.permissions import SYSTEM
from adal.roadmap.models import Measure, Programme, Rollup, Stage
from adal.roadmap.services import measure_save, programme_save, stage_save
from tests.browser.conftest import CHROMIUM
from tests.browser.test_case_workflow_browser import sign_in
from tests.conftest import make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: ./dev test installs chromium"),
]


@pytest.fixture
def roadmap(units):
    programme = programme_save(
        programme=Programme(
            code="ac",
            title_ru="Программа",
            title_en="Programme",
            starts_on=dt.date(2024, 1, 1),
            ends_on=dt.date(2030, 12, 31),
        ),
        by=SYSTEM,
    )
    stage = stage_save(
        stage=Stage(
            programme=programme,
            code="s2",
            title_ru="Этап",
            starts_on=dt.date(2024, 1, 1),
            ends_on=dt.date(2030, 12, 31),
        ),
        by=SYSTEM,
    )

    def add(code, parent=None, **kw):
        m = Measure(
            programme=programme,
            stage=stage,
            code=code,
            parent=parent,
            title_ru=f"Мера {code}",
            deadline=dt.date(2030, 12, 31),
            **kw,
        )
        return measure_save(measure=m, by=SYSTEM)

    top = add("2.1", rollup=Rollup.WEIGHTED_MEAN)
    leaf = add("2.1.1", parent=top, responsible_unit=units["aktobe"])
    add("2.1.2", parent=top, responsible_unit=units["aktobe"])
    return {"programme": programme, "top": top, "leaf": leaf}


def progress_of(page: Page, code: str):
    return page.locator(f'[data-measure="{code}"] [data-testid="progress"]').first


def test_an_officer_reports_a_second_confirms_and_the_public_sees_it(page: Page, new_page, roadmap, units):
    officer = make_staff("officer", Role.COUNCIL_SECRETARY, units["aktobe"])
    second = make_staff("second", Role.COUNCIL_SECRETARY, units["aktobe"])
    leaf_path = f"/roadmap/ac/measures/{roadmap['leaf'].pk}/"

    public = new_page()
    public.goto("/roadmap/ac/")
    expect(progress_of(public, "2.1")).to_have_text("0%")

    sign_in(page, officer, leaf_path)
    form = page.locator('[data-testid="report-form"]')
    form.locator('input[name="percent"]').fill("80")
    form.locator('textarea[name="text"]').fill("Концепция одобрена комиссией")
    form.locator('input[name="as_of"]').fill(dt.date.today().isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator('[data-testid="awaiting"]')).to_have_count(1)
    expect(page.locator('[data-testid="confirm"]')).to_have_count(0)  # not one's own report

    public.reload()
    expect(progress_of(public, "2.1")).to_have_text("0%")  # not counted before the second signature

    other = new_page()
    sign_in(other, second, leaf_path)
    other.locator('[data-testid="confirm"]').click()
    expect(other.locator('[data-testid="confirmed"]')).to_have_count(1)

    public.reload()
    expect(progress_of(public, "2.1.1")).to_have_text("80%")
    expect(progress_of(public, "2.1")).to_have_text("40%")  # the mean of 80 and 0
    public.goto(leaf_path)
    expect(public.locator('[data-testid="confirmed"]')).to_have_count(1)
    expect(public.locator('[data-testid="ancestor"]')).to_have_count(1)


def test_the_road_map_does_not_scroll_sideways_on_a_phone(page: Page, roadmap):
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ["/roadmap/ac/", f"/roadmap/ac/measures/{roadmap['leaf'].pk}/"]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide"


def test_the_editing_pages_do_not_scroll_sideways_on_a_phone(page: Page, roadmap, units):
    analyst = make_staff("analyst", Role.ANALYST, units["centre"])
    programme, leaf = roadmap["programme"], roadmap["leaf"]
    editor = f"/staff/roadmap/programmes/{programme.pk}/"
    sign_in(page, analyst, editor)
    page.set_viewport_size({"width": 390, "height": 844})
    for path in [
        editor,
        f"/staff/roadmap/programmes/{programme.pk}/edit/",
        f"/staff/roadmap/measures/{leaf.pk}/edit/",
        f"/staff/roadmap/programmes/{programme.pk}/indicators/new/",
        "/staff/roadmap/import/",
    ]:
        page.goto(path)
        expect(page.locator("main form, main .roadmap-tree").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide"
