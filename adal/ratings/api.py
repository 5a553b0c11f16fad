"""Public API of the international ratings: the indices, and a country's values in one of them."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema
from pydantic import Field

from adal.core.apischemas import errors
from adal.ratings.models import Country, Index, IndexValue

router = Router(tags=["ratings"])


class IndexOut(Schema):
    code: str = Field(examples=["cpi"])
    name: str
    publisher: str
    url: str
    scale_min: Decimal
    scale_max: Decimal
    first_year: int | None
    last_year: int | None = Field(description="The last edition, for a discontinued index")


class ValueOut(Schema):
    year: int
    score: Decimal
    rank: int | None
    countries: int | None = Field(description="How many countries the year's ranking holds")
    se: Decimal | None = Field(description="Standard error")
    ci_low: Decimal | None = Field(description="90% confidence interval, lower bound")
    ci_high: Decimal | None
    sources: int | None
    computed: list[str] = Field(description="Figures computed by the publisher's method, not published")
    note: str


class HistoryOut(Schema):
    index: str
    iso3: str
    country: str
    values: list[ValueOut]


@router.get(
    "/stats/ratings",
    response={200: list[IndexOut], **errors()},
    auth=None,
    summary="International indices held",
)
def indices(request):
    return list(Index.objects.all())


@router.get(
    "/stats/ratings/{code}/{iso3}",
    response={200: HistoryOut, **errors(404)},
    auth=None,
    summary="A country's values in an index, by year",
)
def history(
    request,
    code: str = Path(..., description="The index's code", example="cpi"),
    iso3: str = Path(..., description="ISO 3166-1 alpha-3 code of the country", example="KAZ"),
):
    index = get_object_or_404(Index, code=code)
    country = get_object_or_404(Country, iso3=iso3.upper())
    values = IndexValue.objects.filter(index=index, country=country).order_by("year")
    return {
        "index": index.code,
        "iso3": country.iso3,
        "country": country.name,
        "values": [
            {**{f: getattr(v, f) for f in ValueOut.model_fields if f != "computed"}, "computed": v.derived}
            for v in values
        ],
    }
