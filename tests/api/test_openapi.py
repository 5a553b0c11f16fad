"""/api/openapi.json tells the truth: every endpoint has its own response schema and names every status
it answers; malformed values are refused with a 422 that says what is wrong."""

import json
import typing

import pytest
from pydantic import BaseModel

from adal.api.api import api
from adal.hotline.api import EXAMPLE_REPORT
from adal.hotline.models import Report

URL = "/api/v1/reports"


@pytest.fixture
def schema(client, db):
    return client.get("/api/openapi.json").json()


def success_schema(schema, path, method="get"):
    responses = schema["paths"][path][method]["responses"]
    code = next(c for c in responses if c.startswith("2"))
    return responses[code]["content"]["application/json"]["schema"]


def test_council_and_discipline_statistics_have_their_own_response_schemas(schema):
    councils = success_schema(schema, "/api/v1/stats/councils")["$ref"].split("/")[-1]
    discipline = success_schema(schema, "/api/v1/stats/discipline")["$ref"].split("/")[-1]
    assert councils != discipline
    assert "meetings_held" in schema["components"]["schemas"][councils]["properties"]
    assert "held_responsible" in schema["components"]["schemas"][discipline]["properties"]


def models_in(annotation, seen: set | None = None) -> typing.Iterator[type[BaseModel]]:
    seen = set() if seen is None else seen  # a model may hold itself (the road map's measure tree)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        yield annotation
        for field in annotation.model_fields.values():
            yield from models_in(field.annotation, seen)
    for argument in typing.get_args(annotation):
        yield from models_in(argument, seen)


def test_no_two_models_share_a_name_in_the_schema():
    # The schema names a component by its class's name: two classes of one name would show one body
    # for both endpoints (as council and discipline statistics once did).
    by_name: dict[str, set[type]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.response_models.values(), *operation.models]:
                    for found in models_in(model):
                        if found.__module__.startswith("adal."):  # not ninja's own wrappers
                            by_name.setdefault(found.__name__, set()).add(found)
    assert "ReportIn" in by_name
    assert not {name: classes for name, classes in by_name.items() if len(classes) > 1}


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        (URL, "post", {"201", "400", "403", "413", "415", "422", "503"}),
        (URL + "/attachments", "post", {"201", "400", "401", "413", "422", "429", "503"}),
        (URL + "/status", "get", {"200", "401", "429", "503"}),
        (URL + "/messages", "post", {"201", "400", "401", "413", "422", "429", "503"}),
        ("/api/v1/stats/councils", "get", {"200", "422", "503"}),
        ("/api/v1/stats/discipline", "get", {"200", "422", "503"}),
        ("/api/v1/discipline/public", "get", {"200", "503"}),
        ("/api/v1/stats/ratings", "get", {"200", "503"}),
        ("/api/v1/stats/ratings/{code}/{iso3}", "get", {"200", "404", "503"}),
        ("/api/v1/roadmap", "get", {"200", "503"}),
    ],
)
def test_every_status_an_endpoint_answers_is_documented(schema, path, method, statuses):
    responses = schema["paths"][path][method]["responses"]
    assert set(responses) == statuses
    for code in statuses - {"200", "201"}:
        assert responses[code]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def post_json(client, body, **headers):
    return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.parametrize("identity", [[None, None], [], "Айгерим", 5, True, {"nickname": "A"}])
def test_it_refuses_an_identity_that_is_not_an_object_of_its_fields(client, db, identity):
    response = post_json(client, {**EXAMPLE_REPORT, "identity": identity}, **{"Accept-Language": "en"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][:3] == ["body", "payload", "identity"]
    assert error["msg"] in ("Enter an object.", "This field is not expected.")
    assert Report.objects.count() == 0


def test_an_empty_or_absent_identity_is_still_taken_for_an_anonymous_report(client, db):
    assert post_json(client, {**EXAMPLE_REPORT, "identity": {}}).status_code == 201
    assert post_json(client, {**EXAMPLE_REPORT, "identity": None}).status_code == 201


def test_a_body_that_cannot_be_parsed_is_400_in_the_clients_language(client, db):
    response = client.post(
        URL, "{not json", content_type="application/json", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The body is not valid JSON."}


def test_an_unknown_rating_is_404_with_the_error_body(client, db):
    response = client.get("/api/v1/stats/ratings/cpi/XXX")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}
