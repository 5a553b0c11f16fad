"""The transparency portal's pages: the dashboard, the hotline's statistics, the councils' and
discipline's figures of a period, and the methodology. All public; figures come from selectors."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from adal.councils.selectors import council_statistics, last_full_half_year
from adal.councils.services import today
from adal.councils.views import chart, publicity
from adal.discipline.selectors import discipline_statistics
from adal.portal.charts import funnel_chart
from adal.portal.dashboard import dashboard_blocks
from adal.portal.figures import DIMENSION_LABELS, case_statistics, overdue_now
from adal.portal.periods import period_from, period_query

BREAKDOWNS = ("region", "category", "channel", "outcome")


def dashboard(request):
    form, period = period_from(request)
    context = {"form": form}
    if period is None:
        return render(request, "portal/dashboard.html", context, status=400)
    first, last = period
    context.update(first=first, last=last, blocks=dashboard_blocks(first, last))
    return render(request, "portal/dashboard.html", context)


def statistics(request):
    form, period = period_from(request)
    context = {"form": form}
    if period is None:
        return render(request, "portal/statistics.html", context, status=400)
    first, last = period
    by_unit = case_statistics(first, last, "unit")
    query = period_query(first, last)
    context.update(
        first=first,
        last=last,
        total=by_unit.total,
        overdue=overdue_now(),
        breakdowns=[case_statistics(first, last, by) for by in BREAKDOWNS],
        units=by_unit,
        funnel=funnel_chart(by_unit.funnel) if by_unit.funnel else None,
        api_links=[
            (DIMENSION_LABELS[by], f"{reverse('api:cases_statistics')}?{query}&by={by}")
            for by in (*BREAKDOWNS, "unit")
        ],
        **publicity(
            request,
            title=_("Hotline statistics"),
            description=_("Reports received, answered on time, working days to answer, by region and unit."),
            path=f"{request.path}?{query}",
        ),
    )
    return render(request, "portal/statistics.html", context)


def methodology(request):
    return render(request, "portal/methodology.html")


def _region_rows(rows: list[dict], count: str) -> list[dict]:
    return [{"label": r["name"], "count": r[count]} for r in rows]


def councils(request):
    """Council activity and party discipline in a period (moved here from the councils' pages); by
    default the last full half-year, the period the party reports on."""
    form, period = period_from(request, default=lambda: last_full_half_year(today()))
    context = {"form": form}
    if period is None:
        return render(request, "portal/councils.html", context, status=400)
    first, last = period
    councils = council_statistics(first, last)
    discipline = discipline_statistics(date_from=first, date_to=last)
    query = period_query(first, last)
    context.update(
        first=first,
        last=last,
        councils=councils,
        discipline=discipline,
        charts={
            "regions": chart(_region_rows(councils["by_region"], "meetings"), label="label", value="count"),
            "topics": chart(councils["by_topic"], label="name", value="meetings"),
            "proposals": chart(councils["proposals"]["by_state"], label="label", value="count"),
            "sanctions": chart(discipline["by_sanction"], label="label", value="count"),
            "discipline_regions": chart(
                _region_rows(discipline["by_region"], "count"), label="label", value="count"
            ),
        },
        councils_json=f"{reverse('api:councils_statistics')}?{query}",
        discipline_json=f"{reverse('api:statistics')}?{query}",
        **publicity(
            request,
            title=_("Council activity and party discipline"),
            description=_("Meetings held, proposals and disciplinary sanctions in a period."),
            path=f"{request.path}?{query}",
        ),
    )
    return render(request, "portal/councils.html", context)
