"""The transparency portal's pages: the dashboard, the hotline's statistics, the councils' and
discipline's figures of a period, and the methodology. All public; figures come from selectors."""

from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from adal.councils.selectors import council_statistics, last_half_year_with_meetings
from adal.councils.services import today
from adal.councils.views import chart, publicity
from adal.discipline.selectors import discipline_statistics
from adal.portal import opendata as od
from adal.portal.charts import funnel_chart
from adal.portal.dashboard import dashboard_blocks
from adal.portal.figures import DIMENSION_LABELS, case_statistics_by, overdue_now
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
    every = case_statistics_by(first, last, ("unit", *BREAKDOWNS))
    by_unit = every["unit"]
    query = period_query(first, last)
    context.update(
        first=first,
        last=last,
        total=by_unit.total,
        overdue=overdue_now(),
        breakdowns=[every[by] for by in BREAKDOWNS],
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
    default the last full half-year that had meetings, the period the party reports on."""
    form, period = period_from(request, default=lambda: last_half_year_with_meetings(today()))
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


# ---------------------------------------------------------------- open data


def opendata(request):
    """The open data of a period: each table's CSV and JSON with their sizes, the package and the ZIP."""
    form, period = period_from(request)
    context = {"form": form}
    if period is None:
        return render(request, "portal/opendata.html", context, status=400)
    first, last = period
    files = od.release(first, last)

    def link(name: str) -> dict:
        return {
            "name": name,
            "url": reverse("portal:opendata_file", args=[period, name]),
            "size": len(files[name]),
        }

    context.update(
        first=first,
        last=last,
        tables=[{"resource": r, "csv": link(r.csv_name), "json": link(r.json_name)} for r in od.RESOURCES],
        package=link("datapackage.json"),
        archive={
            "name": od.zip_name(first, last),
            "url": reverse("portal:opendata_file", args=[period, od.zip_name(first, last)]),
        },
        license=od.LICENSE,
    )
    return render(request, "portal/opendata.html", context)


def codebook(request):
    return render(request, "portal/codebook.html", {"resources": od.RESOURCES, "license": od.LICENSE})


DOWNLOAD_TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/json; charset=utf-8"}


def opendata_file(request, name: str, period: tuple | None = None):
    """One file of a period's open data: /open-data/<first>_<last>/<name>, or of the default period at
    /open-data/<name> (a period asked for there in ?from=…&to=… is sent to its dated address)."""
    if period is None:
        form, period = period_from(request)
        if period is None:
            return HttpResponseBadRequest(form.errors.as_text())
        if "from" in request.GET or "to" in request.GET:
            return redirect("portal:opendata_file", period, name)
    first, last = period
    if name == od.zip_name(first, last):
        response = HttpResponse(
            od.zip_of(od.release(first, last), first, last), content_type="application/zip"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    if name == "datapackage.json":
        return JsonResponse(
            od.descriptor(first, last), json_dumps_params={"ensure_ascii": False, "indent": 1}
        )
    stem, _dot, ext = name.rpartition(".")
    resource = od.BY_NAME.get(stem)
    if resource is None or f".{ext}" not in DOWNLOAD_TYPES:
        raise Http404
    data = od.resource_files(resource, first, last)[name]
    return HttpResponse(data, content_type=DOWNLOAD_TYPES[f".{ext}"])
