"""Public API of party responsibility: the statistics of a period and the public list."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from adal.core.apischemas import errors
from adal.discipline.selectors import discipline_statistics, public_entries

router = Router(tags=["discipline"])


class SanctionCount(Schema):
    sanction: str = Field(description="`expulsion`, `severe_reprimand`, `reprimand` or `warning`")
    label: str
    count: int


class RegionCount(Schema):
    kato: str = Field(examples=["150000000"])
    name: str
    name_ru: str
    name_kk: str
    name_en: str
    count: int


class PositionLevelCount(Schema):
    position_level: str = Field(description="`republican`, `regional`, `district` or `other`")
    label: str
    count: int


class DisciplineStatisticsOut(Schema):
    held_responsible: int = Field(description="People with a sanction decided in the period and not reversed")
    expelled: int = Field(description="People expelled in the period (not reinstated on appeal)")
    by_sanction: list[SanctionCount] = Field(description="Each person under their most severe sanction")
    by_region: list[RegionCount] = Field(description="Regions of the map of the time, as recorded")
    by_position_level: list[PositionLevelCount]


class RegionRef(Schema):
    kato: str
    name: str


class PublicEntryOut(Schema):
    full_name: str
    position: str = Field(description="The position at the time")
    position_level: str
    region: RegionRef
    sanction: str
    sanction_label: str
    decided_on: dt.date
    deciding_body: str
    upheld_on_appeal: bool


@router.get(
    "/stats/discipline",
    response={200: DisciplineStatisticsOut, **errors(422)},
    auth=None,
    summary="Party members held responsible in a period",
)
def statistics(
    request,
    date_from: dt.date | None = Query(None, alias="from", description="First day; omitted: since the start"),
    date_to: dt.date | None = Query(None, alias="to", description="Last day, included; omitted: up to today"),
):
    if date_from and date_to and date_from > date_to:
        raise ValidationError({"from": _("The period must start before it ends.")})
    return discipline_statistics(date_from=date_from, date_to=date_to)


@router.get(
    "/discipline/public",
    response={200: list[PublicEntryOut], **errors()},
    auth=None,
    summary="Sanctions published under the active publication rule",
)
def public(request):
    return public_entries()
