"""A report is created only from JSON and never by a page of another site (no CORS preflight guards
text/plain or form posts)."""

import json

import pytest

from adal.hotline.api import EXAMPLE_REPORT
from adal.hotline.models import Report

URL = "/api/v1/reports"
BODY = json.dumps(EXAMPLE_REPORT)


def test_it_refuses_a_text_plain_body_with_415(client, db):
    response = client.post(URL, BODY, content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["detail"]
    assert Report.objects.count() == 0


def test_it_refuses_a_form_body_with_415(client, db):
    response = client.post(URL, {"category": "education"})
    assert response.status_code == 415
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://attacker.example"},
        {"Origin": "null"},  # a sandboxed page or a file: URL
        {"Origin": "https://attacker.example", "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_it_refuses_a_cross_site_request_with_403(client, db, headers):
    for content_type in ("application/json", "text/plain"):
        response = client.post(URL, BODY, content_type=content_type, headers=headers)
        assert response.status_code == 403
    assert Report.objects.count() == 0


def test_the_refusals_are_in_the_users_language(client, db):
    def detail(lang, **headers):
        return client.post(
            URL, BODY, content_type="text/plain", headers={"Accept-Language": lang, **headers}
        ).json()["detail"]

    assert detail("en") != detail("kk") != detail("ru")
    assert detail("en", Origin="https://attacker.example") != detail("kk", Origin="https://attacker.example")


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a client that is not a browser
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},  # typed into the address bar or sent by a tool
    ],
)
def test_it_accepts_json_from_the_site_itself_or_from_no_browser(client, db, headers):
    response = client.post(URL, BODY, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content


def test_the_schema_documents_the_refusals(client, db):
    responses = client.get("/api/openapi.json").json()["paths"][URL]["post"]["responses"]
    assert {"201", "403", "413", "415", "422"} <= set(responses)
