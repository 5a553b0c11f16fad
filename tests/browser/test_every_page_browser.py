"""Every page, in every language, on a phone and on a desktop: no sideways scroll, nothing wider than
the window, no English left on a Russian or Kazakh page, and no accessibility violation axe-core finds.

The pages come from the URL configuration (as tests/core/test_permissions.py walks the staff pages),
filled with objects of the demo's loaders; a route that is not a page (a POST action, a download, a
feed) is named in NOT_PAGES with the reason, so a new page cannot be left out unnoticed. axe-core comes
from the npm registry into var/npm (./dev test installs it), never from a CDN. Screenshots of the key
pages go to the test's output folder."""

import os
import re
from pathlib import Path
from urllib.parse import quote

import polib
import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from adal.cases.models import Case
from adal.core.models import Role, Unit
from adal.councils.models import Council, Meeting, News, Proposal
from adal.councils.primaries.models import Primary
from adal.demo.councils import build_councils
from adal.demo.discipline import build_discipline
from adal.demo.ratings import build_ratings
from adal.demo.roadmap import build_roadmap
from adal.demo.scenario import build_history, build_routing, build_unit_staff, build_units
from adal.demo.survey import build_survey
from adal.discipline.models import PartyMember
from adal.roadmap.models import Indicator, Measure, Programme, Stage
from adal.survey.models import MicrodataImport, Wave
from tests.browser.conftest import CHROMIUM, TIMEOUT_MS
from tests.browser.test_hotline_browser import open_inbox
from tests.conftest import PASSWORD, make_staff, totp_now

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: ./dev test installs chromium"),
]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
LANGUAGES = ("ru", "kk", "en")
WIDTHS = (390, 1280)
# axe-core reads every page in each language (at one width) and at each width (in one language): what it
# finds depends on the words of a language or on the layout of a width, not on the two together. Reading
# a page takes it a third of a second, which over all six rounds was two thirds of the sweep's time.
AXE_ROUNDS = {("ru", 390), ("kk", 1280), ("en", 390)}
SCREENSHOTS = {"hotline:report_new", "portal:statistics", "councils:meeting", "cases:case", "ratings:country"}

# Routes that are not pages a person opens: what each one is instead.
NOT_PAGES = {
    "hotline:slip": "the slip after sending a report: the hotline browser test opens it",
    "hotline:slip_download": "a PDF download",
    "hotline:inbox_logout": "a POST action",
    "hotline:inbox_appeal": "a POST action",
    "hotline:inbox_rate": "a POST action",
    "hotline:inbox_identity": "a POST action",
    "hotline:inbox_retaliation": "a POST action",
    "hotline:inbox_protection_message": "a POST action",
    "hotline:inbox_transcript_correct": "a POST action",
    "hotline:inbox_transcript_confirm": "a POST action",
    "cases:attachment": "a file download",
    "cases:hold": "a POST action",
    "cases:identity": "a POST action (showing an approved identity)",
    "cases:disclosure_new": "a POST action",
    "cases:disclosure_decide": "a POST action",
    "cases:action_form": "a fragment of the case page, loaded into it",
    "cases:action": "a POST action",
    "councils:feed": "an Atom feed",
    "councils:council_feed": "an Atom feed",
    "councils:case_agenda": "a POST action",
    "councils:member_cease": "a POST action",
    "councils:meeting_action": "a POST action",
    "councils:proposal_action": "a POST action",
    "primaries:vote": "a party member's page, behind the voters' sign-in",
    "primaries:consent": "a party member's page, behind the voters' sign-in",
    "primaries:staff_withdraw": "a POST action",
    "discipline:proceeding_new": "a POST action",
    "discipline:proceeding_step": "a POST action",
    "ratings:import_preview": "a staged import: the ratings import tests open it",
    "ratings:import_commit": "a POST action",
    "ratings:import_discard": "a POST action",
    "survey:staff_upload": "a POST action",
    "survey:staff_wave_action": "a POST action",
    "survey:staff_template": "a CSV or XLSX download",
    "roadmap:evidence": "a file download",
    "roadmap:report": "a POST action",
    "roadmap:confirm": "a POST action",
    "roadmap:measure_cancel": "a POST action",
    "roadmap:import_preview": "a staged import: the road map import tests open it",
    "roadmap:import_apply": "a POST action",
    "roadmap:import_discard": "a POST action",
    "roadmap:export_csv": "a CSV download",
    "roadmap:export_xlsx": "an XLSX download",
    "portal:freeze_report": "a POST action",
    "portal:frozen_report": "a frozen report: the period report browser test freezes and opens one",
    "portal:feed_roadmap": "an Atom feed",
    "portal:feed_reports": "an Atom feed",
    "portal:opendata_file": "a CSV, JSON or ZIP download",
    "portal:opendata_default_file": "a CSV, JSON or ZIP download",
    "core:favicon": "an icon",
    "core:logout": "a POST action",
}
# Not walked: Django's admin, the API (its own schema tests) and the language switch.
OUTSIDE = ("admin/", "api/", "i18n/")

# Violations axe-core finds that are not fixed yet, each with the reason; (rule id, route name).
KNOWN_AXE = {}

# Words that read the same in every language: names of brands, indices and file formats.
BRANDS = re.compile(
    r"Adal|Transparency International|World Bank|World Economic Forum|Worldwide Governance|"
    r"Frictionless|Creative Commons|CC BY|OpenAPI|Atom|CSV|JSON|XLSX|ZIP|PDF|TOTP",
)


def routes(resolver=None, prefix="", namespace=""):
    """(route, name) of every URL pattern, with its namespace."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routes(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}"


def every_page_route() -> list[tuple[str, str]]:
    return [
        (route, name) for route, name in routes() if not route.startswith(OUTSIDE) and name not in NOT_PAGES
    ]


def build_site(units) -> dict:
    """The demo's loaders, enough of each for every page to have something to show."""
    from adal.demo.scenario import build_accounts

    accounts = build_accounts(units)
    build_routing(units)
    by_role = {a.role: a for a in accounts}
    from adal.core.models import User

    users = {u.role: u for u in User.objects.filter(username__in=[a.username for a in accounts])}
    staff = build_unit_staff(units, users)
    receipts = build_history(staff=staff, count=14, days=30)
    build_councils(units)
    build_discipline()
    build_ratings()
    build_survey()
    build_roadmap(units)
    return {"receipts": receipts, "accounts": by_role}


def sample_urls() -> dict[str, str]:
    """A URL for each route with parameters, on the objects the loaders made."""
    case = Case.objects.filter(assignee__isnull=False).order_by("pk").first()
    council = Council.objects.filter(meetings__state=Meeting.State.HELD).first()
    meeting = council.meetings.filter(state=Meeting.State.HELD).first()
    proposal = Proposal.objects.exclude(state=Proposal.State.DRAFT).first()
    primary = Primary.objects.order_by("pk").first()
    programme = Programme.objects.first()
    measure = Measure.objects.filter(stage__programme=programme).first()
    wave = Wave.objects.order_by("-code").first()
    member = PartyMember.objects.first()
    urls = {
        "cases:case": reverse("cases:case", args=[case.pk]),
        "core:staff_unit_rename": reverse(
            "core:staff_unit_rename", args=[Unit.objects.order_by("path").last().pk]
        ),
        "councils:council": reverse("councils:council", args=[council.slug]),
        "councils:meeting": reverse("councils:meeting", args=[council.slug, meeting.pk]),
        "councils:proposal": reverse("councils:proposal", args=[proposal.council.slug, proposal.pk]),
        "councils:staff_council": reverse("councils:staff_council", args=[council.slug]),
        "councils:staff_members": reverse("councils:staff_members", args=[council.slug]),
        "councils:meeting_new": reverse("councils:meeting_new", args=[council.slug]),
        "councils:staff_meeting": reverse("councils:staff_meeting", args=[council.slug, meeting.pk]),
        "councils:proposal_new": reverse("councils:proposal_new", args=[council.slug]),
        "councils:staff_proposal": reverse(
            "councils:staff_proposal", args=[proposal.council.slug, proposal.pk]
        ),
        "councils:news_new": reverse("councils:news_new", args=[council.slug]),
        "primaries:primary": reverse("primaries:primary", args=[primary.pk]),
        "primaries:staff_primary": reverse("primaries:staff_primary", args=[primary.pk]),
        "discipline:staff_member": reverse("discipline:staff_member", args=[member.pk]),
        "ratings:country": reverse("ratings:country", args=["KAZ"]),
        "ratings:ranking": reverse("ratings:ranking", args=["cpi", 2023]),
        "ratings:what_if": reverse("ratings:what_if", args=["cpi", 2023, "KAZ"]),
        "survey:wave": reverse("survey:wave", args=[wave.code]),
        "survey:methodology": reverse("survey:methodology", args=[wave.code]),
        "survey:staff_wave": reverse("survey:staff_wave", args=[wave.pk]),
        "survey:staff_import": reverse("survey:staff_import", args=[MicrodataImport.objects.first().pk]),
        "roadmap:programme": reverse("roadmap:programme", args=[programme.code]),
        "roadmap:measure": reverse("roadmap:measure", args=[programme.code, measure.pk]),
        "roadmap:editor": reverse("roadmap:editor", args=[programme.pk]),
        "roadmap:programme_edit": reverse("roadmap:programme_edit", args=[programme.pk]),
        "roadmap:stage_new": reverse("roadmap:stage_new", args=[programme.pk]),
        "roadmap:stage_edit": reverse("roadmap:stage_edit", args=[Stage.objects.first().pk]),
        "roadmap:measure_new": reverse("roadmap:measure_new", args=[programme.pk]),
        "roadmap:measure_edit": reverse("roadmap:measure_edit", args=[measure.pk]),
        "roadmap:indicator_new": reverse("roadmap:indicator_new", args=[programme.pk]),
        "roadmap:indicator_edit": reverse("roadmap:indicator_edit", args=[Indicator.objects.first().pk]),
    }
    if news := News.objects.first():
        urls["councils:news"] = reverse("councils:news", args=[news.council.slug, news.pk])
    return urls


@pytest.fixture
def site(transactional_db, tmp_path):
    units = build_units()
    return build_site(units) | {"units": units}


def english_phrases() -> set[str]:
    """Multi-word msgids of the Russian catalogue: if one shows as it is on a Russian or Kazakh page,
    that text was not translated."""
    catalogue = polib.pofile(str(ROOT / "adal" / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    phrases = set()
    for entry in catalogue:
        text = entry.msgid
        if "%" in text or "{" in text or "<" in text or len(text.split()) < 2 or BRANDS.search(text):
            continue
        if entry.msgstr and entry.msgstr != text:
            phrases.add(text)
    return phrases


def sign_in(page: Page, user, secret: str) -> None:
    page.goto(f"/staff/login/?next={quote('/staff/')}")
    page.locator('input[name="username"]').fill(user.username)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[name="code"]').fill(totp_now(secret))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/$"))


OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    // A table scrolls in its own box; a skip link and text for screen readers sit off-screen on purpose.
    if (e.closest('.table-scroll, .report-scroll, svg, .skip, .visually-hidden, .lang-name')) return false;
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1;
  }).slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${e.className} `
    + `(${Math.round(e.getBoundingClientRect().right)} px)`);
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def check(page: Page, name: str, path: str, lang: str, phrases, out: Path) -> list[str]:
    """What is wrong with one page at each width, as readable lines. The page is loaded once and looked
    at as the window takes each width: its layout is CSS alone (media queries, no script measuring the
    window), so a window narrowed to 390 px lays it out as a phone loading it does."""
    try:
        response = page.goto(path)
    except PlaywrightError as error:
        return [f"{path}: {error.message.splitlines()[0]}"]
    if response is None or response.status != 200:
        return [f"{path}: answered {response and response.status}"]
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        problems += [
            f"{path} at {width} px: {problem}" for problem in inspect(page, name, lang, width, phrases, out)
        ]
    return problems


def inspect(page: Page, name: str, lang: str, width: int, phrases, out: Path) -> list[str]:
    problems = []
    box = page.evaluate(OVERFLOW_JS)
    if box["scroll"] > box["width"]:
        problems.append(f"scrolls sideways ({box['scroll']} > {box['width']} px)")
    if box["wide"]:
        problems.append(f"wider than the window: {', '.join(box['wide'])}")
    if lang != "en":
        text = page.locator("body").inner_text()
        left = sorted(p for p in phrases if p in text)
        if left:
            problems.append(f"untranslated: {left[:5]}")
    if AXE.exists() and (lang, width) in AXE_ROUNDS:
        if not page.evaluate("() => typeof axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        found = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
        )
        problems += [f"axe {v['id']} at {v['nodes']}" for v in found if (v["id"], name) not in KNOWN_AXE]
    if name in SCREENSHOTS:
        page.screenshot(path=str(out / f"{name.replace(':', '-')}-{lang}-{width}.png"), full_page=True)
    return problems


def test_every_route_is_a_page_or_named_as_not_one():
    names = {name for _route, name in routes()}
    assert set(NOT_PAGES) <= names, "NOT_PAGES names a route that is gone"
    with_parameters = {name for route, name in every_page_route() if "<" in route}
    assert with_parameters, "the walk found no page with parameters"


@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="what a page looks like and says is the same on both databases: the sweep runs once, on SQLite",
)
def test_every_page_fits_reads_in_its_language_and_passes_axe(chromium_browser, live_server, site, tmp_path):
    """Every language at every width, in one test: the site is built once (the live server's database is
    emptied after each test, and building the demo's data is a sixth of the sweep's time)."""
    if not AXE.exists() and os.environ.get("CI") != "true":
        pytest.skip(f"{AXE} is missing: ./dev test installs axe-core from the npm registry")
    assert AXE.exists() or os.environ.get("CI") != "true", "CI must run axe-core"
    samples = sample_urls()
    pages = []
    for route, name in every_page_route():
        if "<" in route:
            assert name in samples, f"{name} ({route}) has no sample object and is not in NOT_PAGES"
            pages.append((name, samples[name]))
        else:
            pages.append((name, "/" + route))
    public = [(n, p) for n, p in pages if not p.startswith("/staff/") and not p.startswith("/inbox/report")]
    staff = [(n, p) for n, p in pages if p.startswith("/staff/") and n != "core:login"]
    phrases = english_phrases()
    problems: list[str] = []

    def browse(visits, lang, *, user=None, receipt=None):
        context = chromium_browser.new_context(
            base_url=live_server.url,
            viewport={"width": WIDTHS[0], "height": 900},
            locale=lang,
            bypass_csp=True,  # lets axe-core in; the other browser tests check the pages' CSP
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
        page = context.new_page()
        if user is not None:
            sign_in(page, *user)
        if receipt is not None:
            page.goto("/inbox/")
            open_inbox(page, receipt)
        for name, path in visits:
            problems.extend(check(page, name, path, lang, phrases, tmp_path))
        context.close()

    for lang in LANGUAGES:
        # A second factor's code is good once: each language signs in with accounts of its own.
        centre = site["units"]["centre"]
        admin = make_staff(f"sweep-admin-{lang}", Role.ADMINISTRATOR, centre)
        custodian = make_staff(f"sweep-custodian-{lang}", Role.IDENTITY_CUSTODIAN, centre)
        browse(public, lang)
        browse([(n, p) for n, p in staff if n != "cases:disclosures"], lang, user=admin)
        browse([(n, p) for n, p in staff if n == "cases:disclosures"], lang, user=custodian)
        browse([("hotline:inbox", "/inbox/report/")], lang, receipt=site["receipts"][0].receipt)
    assert problems == [], "\n".join(problems)
