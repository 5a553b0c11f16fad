"""/api/docs shows the API in a browser with Adal's own Content Security Policy in force."""

from playwright.sync_api import expect


def test_the_api_docs_show_every_endpoint_without_a_cdn(page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Adal")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert page.locator(".opblock-summary-path", has_text="/api/v1/reports").count() >= 1
    base = page.url.split("/api/")[0]
    assert all(url.startswith(base) or url.startswith("data:") for url in requested), requested
