"""Public API of the portal: the hotline's statistics of a period, as the statistics page shows them."""

import datetime as dt
from typing import Literal

from ninja import Query, Router, Schema
from pydantic import Field

from adal.core.apischemas import errors
from adal.councils.api import PeriodOut
from adal.councils.selectors import chosen_period
from adal.portal.figures import case_statistics, default_period, overdue_now

router = Router(tags=["portal"])

SUPPRESSED = "null when the group's count is under 5 or hidden so that totals cannot reveal one"


class CaseGroup(Schema):
    key: str = Field(description="KATO code, category, channel, outcome or unit id; empty for the total")
    label: str
    received: int | None = Field(description="Cases registered in the period; " + SUPPRESSED)
    due: int | None = Field(description="Of those, answered or open past their answer deadline")
    answered: int | None = Field(description="Of those, answered (up to now)")
    answered_on_time: int | None = Field(description="Of those, answered by the deadline")
    on_time_share: float | None = Field(description="answered_on_time / due")
    on_time_ci_low: float | None = Field(description="Wilson 95% interval of the share, lower bound")
    on_time_ci_high: float | None = Field(description="Wilson 95% interval of the share, upper bound")
    median_working_days: float | None = Field(description="Median working days from registration to answer")
    working_days_q1: float | None = Field(description="First quartile of the working days to answer")
    working_days_q3: float | None = Field(description="Third quartile of the working days to answer")
    suppressed: bool = Field(description="True when any count of the group is hidden")


class OverdueOut(Schema):
    overdue: int = Field(description="Open cases past their deadline now")
    very_overdue: int = Field(description="Of those, escalated as very overdue")


class CaseStatisticsOut(Schema):
    period: PeriodOut
    by: str
    groups: list[CaseGroup] = Field(description="In the order of their names, never ranked")
    total: CaseGroup
    overdue_now: OverdueOut


@router.get(
    "/stats/cases",
    response={200: CaseStatisticsOut, **errors(422)},
    auth=None,
    summary="The hotline's cases in a period, by region, category, channel, outcome or unit",
    url_name="cases_statistics",
)
def cases_statistics(
    request,
    date_from: dt.date | None = Query(
        None, alias="from", description="First day; both omitted: the last full half-year with cases"
    ),
    date_to: dt.date | None = Query(None, alias="to", description="Last day, included"),
    by: Literal["region", "category", "channel", "outcome", "unit"] = Query("region"),
):
    if date_from is None and date_to is None:
        first, last = default_period()
    else:
        first, last = chosen_period(date_from, date_to)
    figures = case_statistics(first, last, by)
    return {
        "period": {"first_day": first, "last_day": last},
        "by": by,
        "groups": [g.as_row() for g in figures.groups],
        "total": figures.total.as_row(),
        "overdue_now": overdue_now(),
    }
