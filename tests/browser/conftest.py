"""Playwright against Debian's chromium; never a downloaded browser."""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def chromium_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, live_server, transactional_db):
    """A fresh, cookie-less browser profile per test; English first, so the switch has work to do."""
    context = chromium_browser.new_context(base_url=live_server.url, locale="en-US", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    import os
    if os.getenv("EXPERIMENT_POLICY"):
        def fix(route):
            r = route.fetch(max_redirects=0)
            headers = {**r.headers, "referrer-policy": os.environ["EXPERIMENT_POLICY"]}
            body = r.body()
            if "text/html" in r.headers.get("content-type", ""):
                body = body.replace(b'content="no-referrer"', ('content="%s"' % os.environ["EXPERIMENT_POLICY"]).encode())
            route.fulfill(response=r, headers=headers, body=body)
        page.route("**/*", fix)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield page
    context.close()
    assert not errors, f"the page reported errors: {errors}"
