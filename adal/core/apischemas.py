"""The one error body of the API, and the statuses each endpoint documents with it.

Every app's ``api.py`` declares what it answers besides success, e.g.
``response={200: HistoryOut, **errors(404, 503)}``: the schema at /api/openapi.json must name every
status an endpoint can answer, and a bounded schemathesis run (tests/api) holds it to that.
"""

from ninja import Schema
from pydantic import Field


class FieldError(Schema):
    loc: list[str | int] = Field(description="Where: `body`, `query` or `header`, then the field's path")
    msg: str = Field(description="What is wrong, in the language of `Accept-Language`")
    type: str


class Error(Schema):
    detail: str | list[FieldError] = Field(description="A message; for 422, one entry per field")


# Any endpoint answers 503 when the database does not (adal.core.middleware).
DATABASE_UNAVAILABLE = 503


def errors(*codes: int) -> dict[int, type[Error]]:
    """The error statuses of an endpoint, each answered with ``Error``."""
    return dict.fromkeys((*codes, DATABASE_UNAVAILABLE), Error)
