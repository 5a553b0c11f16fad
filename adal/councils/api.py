"""Public API of the councils: their activity in a period."""

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from adal.core.apischemas import errors
from adal.councils.selectors import chosen_period, council_statistics

router = Router(tags=["councils"])


class RegionMeetings(Schema):
    kato: str | None = Field(description="KATO code of the region; null for the central council")
    name: str
    meetings: int


class TopicMeetings(Schema):
    topic: str = Field(examples=["education"])
    name: str
    meetings: int = Field(description="Meetings with this topic on their agenda")


class ProposalStateCount(Schema):
    state: str = Field(
        description="`submitted`, `under_consideration`, `accepted`, `partly_accepted` or `rejected`"
    )
    label: str
    count: int


class ProposalFigures(Schema):
    submitted: int = Field(description="Proposals submitted in the period")
    by_state: list[ProposalStateCount] = Field(description="Those proposals by the state they are in now")


class PeriodOut(Schema):
    first_day: dt.date
    last_day: dt.date


class CouncilStatisticsOut(Schema):
    period: PeriodOut
    meetings_held: int = Field(description="Council meetings held in the period")
    by_region: list[RegionMeetings] = Field(description="Each meeting under the region it was held in")
    by_topic: list[TopicMeetings] = Field(description="A meeting counts once under each topic it discussed")
    proposals: ProposalFigures


@router.get(
    "/stats/councils",
    response={200: CouncilStatisticsOut, **errors(422)},
    auth=None,
    summary="Council meetings and proposals in a period",
    url_name="councils_statistics",
)
def statistics(
    request,
    date_from: dt.date | None = Query(
        None, alias="from", description="First day; both omitted: the last full half-year"
    ),
    date_to: dt.date | None = Query(None, alias="to", description="Last day, included"),
):
    first, last = chosen_period(date_from, date_to)
    return {"period": {"first_day": first, "last_day": last}, **council_statistics(first, last)}
