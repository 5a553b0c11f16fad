import json

import pytest

from adal.hotline.api import EXAMPLE_REPORT
from adal.hotline.models import Channel, Message, Report

URL = "/api/v1/reports"


def post_json(client, path, body, **headers):
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def create(client, **overrides):
    response = post_json(client, URL, {**EXAMPLE_REPORT, **overrides})
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def schema(client, db):
    return client.get("/api/openapi.json").json()


def test_the_schema_is_published(schema):
    assert schema["paths"][URL]["post"]
    assert schema["paths"][URL + "/status"]["get"]
    assert schema["paths"][URL + "/messages"]["post"]
    assert schema["paths"][URL + "/attachments"]["post"]


def resolve(schema, ref_holder):
    ref = ref_holder.get("$ref") or ref_holder.get("allOf", [{}])[0].get("$ref")
    return schema["components"]["schemas"][ref.split("/")[-1]] if ref else ref_holder


def test_the_schema_enumerates_the_codes(schema):
    report_in = resolve(
        schema, schema["paths"][URL]["post"]["requestBody"]["content"]["application/json"]["schema"]
    )
    props = report_in["properties"]
    assert set(resolve(schema, props["category"])["enum"]) >= {
        "bribery",
        "education",
        "drinking_water",
        "other",
    }
    regions = resolve(schema, props["region"])["enum"]
    assert len(regions) == 20 and "710000000" in regions
    assert set(resolve(schema, props["identity_mode"])["enum"]) == {"anonymous", "confidential", "open"}


def test_every_request_body_has_an_example_that_works(client, schema):
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            media = content["application/json"]
            example = media.get("example") or resolve(schema, media["schema"]).get("example")
            assert example, f"{method.upper()} {path} has no example"
    # The report example, sent as it is, creates a report.
    example = resolve(
        schema, schema["paths"][URL]["post"]["requestBody"]["content"]["application/json"]["schema"]
    )
    created = post_json(client, URL, example["example"])
    assert created.status_code == 201


def test_a_report_is_created_with_number_and_receipt(client, db):
    body = create(client)
    assert body["registration_number"].startswith("AC-")
    assert len(body["receipt"]) == 16
    assert Report.objects.get().channel == Channel.API


def test_validation_errors_are_422_with_field_messages(client, db):
    response = post_json(client, URL, {**EXAMPLE_REPORT, "category": "gossip", "description": ""})
    assert response.status_code == 422
    fields = {tuple(d["loc"])[-1] for d in response.json()["detail"]}
    assert "category" in fields
    assert Report.objects.count() == 0


def test_domain_errors_are_422_too(client, db):
    response = post_json(
        client,
        URL,
        {
            **EXAMPLE_REPORT,
            "identity_mode": "open",
            "identity": {"name": "A", "iin": "850612350457", "phone": "+77015550101"},
        },
    )
    assert response.status_code == 422
    assert any(d["loc"] == ["body", "iin"] for d in response.json()["detail"])


def test_errors_follow_accept_language(client, db):
    en = post_json(client, URL, {**EXAMPLE_REPORT, "description": "short"}, **{"Accept-Language": "en"})
    ru = post_json(client, URL, {**EXAMPLE_REPORT, "description": "short"}, **{"Accept-Language": "ru"})
    assert en.status_code == ru.status_code == 422
    assert en.json()["detail"][0]["msg"] != ru.json()["detail"][0]["msg"]


def test_a_missing_field_is_named(client, db):
    body = {k: v for k, v in EXAMPLE_REPORT.items() if k != "region"}
    response = post_json(client, URL, body)
    assert response.status_code == 422
    assert any(d["loc"][-1] == "region" for d in response.json()["detail"])


def test_a_body_that_is_not_json_is_refused(client, db):
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert Report.objects.count() == 0


def test_status_by_receipt(client, db):
    created = create(client)
    response = client.get(URL + "/status", headers={"Authorization": f"Receipt {created['receipt']}"})
    assert response.status_code == 200
    body = response.json()
    assert body["registration_number"] == created["registration_number"]
    assert body["status"] == "registered"
    assert len(body["deadlines"]) == 2


@pytest.mark.parametrize("header", ["Receipt 0000000000000000", "Receipt 12", "Bearer x", "", "Receipt"])
def test_a_wrong_receipt_is_401_without_a_hint(client, db, header):
    create(client)
    headers = {"Authorization": header} if header else {}
    response = client.get(URL + "/status", headers=headers)
    assert response.status_code == 401
    assert "report" not in response.content.decode().lower()


def test_too_many_wrong_receipts_are_429(client, db, settings):
    create(client)
    statuses = [
        client.get(URL + "/status", headers={"Authorization": f"Receipt {i:016d}"}).status_code
        for i in range(settings.ADAL_RECEIPT_THROTTLE_FREE_FAILURES + 2)
    ]
    assert (
        statuses[: settings.ADAL_RECEIPT_THROTTLE_FREE_FAILURES]
        == [401] * settings.ADAL_RECEIPT_THROTTLE_FREE_FAILURES
    )
    assert statuses[-1] == 429


def test_messages_by_receipt(client, db):
    created = create(client)
    auth = {"Authorization": f"Receipt {created['receipt']}"}
    response = post_json(client, URL + "/messages", {"text": "Новые подробности."}, **auth)
    assert response.status_code == 201
    assert Message.objects.get().body == "Новые подробности."
    status = client.get(URL + "/status", headers=auth).json()
    assert status["messages"][0]["body"] == "Новые подробности."


def test_a_message_with_the_receipt_is_422(client, db):
    created = create(client)
    r = created["receipt"]
    response = post_json(
        client, URL + "/messages", {"text": f"code {r[:8]}-{r[8:]}"}, **{"Authorization": f"Receipt {r}"}
    )
    assert response.status_code == 422
    assert Message.objects.count() == 0


def test_files_are_uploaded_by_receipt(client, db, pdf_bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    created = create(client)
    response = client.post(
        URL + "/attachments",
        {"files": [SimpleUploadedFile("a.pdf", pdf_bytes)]},
        headers={"Authorization": f"Receipt {created['receipt']}"},
    )
    assert response.status_code == 201, response.content
    assert response.json()[0]["content_type"] == "application/pdf"


def test_a_disguised_upload_is_422(client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    created = create(client)
    response = client.post(
        URL + "/attachments",
        {"files": [SimpleUploadedFile("a.pdf", b"#!/bin/sh\nrm -rf /\n")]},
        headers={"Authorization": f"Receipt {created['receipt']}"},
    )
    assert response.status_code == 422
    assert Report.objects.get().attachments.count() == 0
