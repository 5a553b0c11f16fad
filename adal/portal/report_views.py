"""The period report's pages: any period's report as a page or a PDF, freezing it for the record, and
the frozen reports, each rendered from its stored data."""

import datetime as dt
from types import SimpleNamespace

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from adal.core.permissions import Refused, requires
from adal.councils.forms import PeriodForm
from adal.councils.selectors import last_full_half_year
from adal.councils.services import today
from adal.councils.views import chart
from adal.portal.charts import tile_map
from adal.portal.models import FrozenReport
from adal.portal.pdf import font_files, pdf_of
from adal.portal.periods import period_from, period_query
from adal.portal.reports import frozen_reports, period_report_data
from adal.portal.services import report_freeze
from adal.portal.templatetags.portal_format import tr

EARLIEST = dt.date(1992, 1, 1)  # no figures before independence; keeps the previous period a date
LONGEST = dt.timedelta(days=366 * 10)


def _checked(form: PeriodForm, period) -> tuple[dt.date, dt.date] | None:
    """The period, when the form took it and a report can cover it; else None, the form saying why."""
    if period is None:
        return None
    first, last = period
    if first < EARLIEST:
        form.add_error("from", _("A report starts on 1 January 1992 or later."))
    elif last - first > LONGEST:
        form.add_error("to", _("A report covers ten years at most."))
    return None if form.errors else period


def _charts(data: dict) -> dict:
    """The report's charts, drawn from its data in the reader's language."""
    hotline, councils, discipline = (
        data["hotline"],
        data["councils"]["current"],
        data["discipline"]["current"],
    )

    def bars(rows):
        return chart(
            [{"label": tr(r["name"]), "count": r["count"]} for r in rows], label="label", value="count"
        )

    return {
        "map": tile_map(
            [(r["kato"], tr(r["name"])) for r in hotline["map"]],
            [SimpleNamespace(key=r["key"], received=r["received"]) for r in hotline["regions"]],
        ),
        "meetings": bars(councils["by_region"]),
        "sanctions": bars(discipline["by_sanction"]),
        "discipline_regions": bars(discipline["by_region"]),
    }


def _respond(request, data: dict, *, title: str, frozen: FrozenReport | None = None, form=None, status=200):
    context = {"report": data, "title": title, "frozen": frozen, "charts": _charts(data), "form": form}
    if request.GET.get("format") == "pdf":
        fonts = {weight: path.as_uri() for weight, path in font_files().items()}
        html = render_to_string(
            "portal/report.html", {**context, "base": "portal/report_document.html", "fonts": fonts}, request
        )
        period = data["period"]
        response = HttpResponse(pdf_of(html), content_type="application/pdf")
        name = f"adal-report-{period['first']}-{period['last']}{f'-{frozen.pk}' if frozen else ''}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "portal/report.html", {**context, "base": "base.html"}, status=status)


def live_title(first: dt.date, last: dt.date) -> str:
    return _("Report for the period from %(first)s to %(last)s") % {
        "first": date_format(first, "DATE_FORMAT"),
        "last": date_format(last, "DATE_FORMAT"),
    }


def period_report(request):
    form, period = period_from(request, default=lambda: last_full_half_year(today()))
    period = _checked(form, period)
    if period is None:
        context = {"form": form, "base": "base.html", "title": _("Period report")}
        return render(request, "portal/report.html", context, status=400)
    first, last = period
    return _respond(request, period_report_data(first, last), title=live_title(first, last), form=form)


@requires("report.freeze")
@require_POST
def freeze(request):
    form = PeriodForm(request.POST)
    period = _checked(form, (form.cleaned_data["from"], form.cleaned_data["to"])) if form.is_valid() else None
    if period is None:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("portal:period_report")
    try:
        report = report_freeze(
            first=period[0],
            last=period[1],
            title=request.POST.get("title", ""),
            issued_for=request.POST.get("issued_for", ""),
            by=request.user,
        )
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect(f"{reverse('portal:period_report')}?{period_query(*period)}")
    messages.success(
        request, _("The report is frozen: this page will always show the data it was issued with.")
    )
    return redirect("portal:frozen_report", pk=report.pk)


def frozen_list(request):
    return render(request, "portal/frozen_list.html", {"reports": frozen_reports()})


def frozen_report(request, pk: int):
    report = get_object_or_404(FrozenReport, pk=pk)
    return _respond(request, report.snapshot, title=report.title, frozen=report)
