"""Playwright against Debian's chromium; never a downloaded browser."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 10_000

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def chromium_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
            headless=True,
        )
        yield browser
        browser.close()


def _fresh_page(browser, base_url: str) -> tuple:
    """A fresh, cookie-less browser profile in English, and the list its page's errors go to."""
    context = browser.new_context(base_url=base_url, locale="en-US", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"script error: {exc}"))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return context, page, errors


@pytest.fixture
def page(chromium_browser, live_server, transactional_db):
    """A fresh, cookie-less browser profile per test, in English, so the language switch has work to do.

    Script errors and CSP violations reported by the page fail the test.
    """
    context, page, errors = _fresh_page(chromium_browser, live_server.url)
    yield page
    context.close()
    assert not errors, f"the page reported errors: {errors}"


@pytest.fixture
def new_page(chromium_browser, live_server, transactional_db):
    """Opens another person's browser: each call gives a page in its own fresh profile, as `page` is.

    Script errors and CSP violations reported by any of these pages fail the test.
    """
    opened: list[tuple] = []

    def open_page():
        context, page, errors = _fresh_page(chromium_browser, live_server.url)
        opened.append((context, errors))
        return page

    yield open_page
    for context, _errors in opened:
        context.close()
    errors = [error for _context, errs in opened for error in errs]
    assert not errors, f"the pages reported errors: {errors}"
