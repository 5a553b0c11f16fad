from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from adal.core.files import read_decrypted
from adal.core.permissions import Refused, may, requires
from adal.roadmap import selectors as q
from adal.roadmap.charts import indicator_chart
from adal.roadmap.forms import ImportForm, ReportForm
from adal.roadmap.importers import ImportInvalid, changes_of, export_csv, export_xlsx, parse_roadmap
from adal.roadmap.models import Evidence, Measure, Programme, ProgressReport, RoadmapImport
from adal.roadmap.progress import AMBER_AFTER, RED_AFTER
from adal.roadmap.services import (
    import_apply,
    import_discard,
    import_stage,
    may_confirm,
    may_report,
    progress_confirm,
    progress_report,
)

RULE = {"amber_after": int(AMBER_AFTER), "red_after": int(RED_AFTER)}


def home(request):
    found = list(q.programmes())
    if len(found) == 1:
        return redirect("roadmap:programme", code=found[0].code)
    return render(request, "roadmap/home.html", {"programmes": found})


def programme(request, code):
    found = get_object_or_404(Programme, code=code)
    indicators = [(v, indicator_chart(v)) for v in q.indicators_of(found)]
    return render(
        request,
        "roadmap/programme.html",
        {"view": q.programme_view(found), "indicators": indicators, "rule": RULE},
    )


def measure(request, code, pk):
    found = get_object_or_404(Measure.objects.select_related("programme", "stage", "responsible_unit"), pk=pk)
    if found.programme.code != code:
        raise Http404
    view = q.programme_view(found.programme)
    node = q.node_of(view, found)
    reports = not node.is_parent and may_report(request.user, found) and found.cancelled_on is None
    return render(
        request,
        "roadmap/measure.html",
        {
            "measure": found,
            "node": node,
            "ancestors": q.ancestors(found),
            "history": q.measure_history(found, request.user),
            "form": ReportForm() if reports else None,
            "rule": RULE,
            "today": view.today,
        },
    )


def evidence(request, pk):
    """An evidence file: public once its report is confirmed; before that, for those who may confirm it."""
    found = get_object_or_404(Evidence.objects.select_related("report__measure"), pk=pk)
    report = found.report
    if not hasattr(report, "confirmation") and not (
        may_confirm(request.user, report) or may_report(request.user, report.measure)
    ):
        raise Http404
    response = HttpResponse(read_decrypted(found.stored_name), content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="evidence-{found.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- staff: reports and confirmations


@requires("roadmap.report")
def staff_home(request):
    return render(
        request,
        "roadmap/staff/home.html",
        {
            "measures": q.measures_for_reporter(request.user),
            "awaiting": q.awaiting_confirmation(request.user) if may(request.user, "roadmap.confirm") else [],
            "manages": may(request.user, "roadmap.manage"),
            "programmes": q.programmes(),
        },
    )


@requires("roadmap.report")
@require_POST
def report(request, pk):
    found = get_object_or_404(Measure.objects.select_related("programme", "responsible_unit"), pk=pk)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        d = form.cleaned_data
        try:
            progress_report(
                measure=found,
                percent=d["percent"],
                text=d["text"],
                as_of=d["as_of"],
                files=[(f.name, f.read()) for f in d["files"]],
                by=request.user,
            )
        except Refused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request, _("Your report was recorded. It counts once a second person confirms it.")
            )
    return redirect("roadmap:measure", code=found.programme.code, pk=found.pk)


@requires("roadmap.confirm")
@require_POST
def confirm(request, pk):
    found = get_object_or_404(ProgressReport.objects.select_related("measure__programme"), pk=pk)
    try:
        progress_confirm(report=found, by=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The report is confirmed and now counts towards the measure's progress."))
    return redirect("roadmap:measure", code=found.measure.programme.code, pk=found.measure.pk)


# ---------------------------------------------------------------- staff: import and export


@requires("roadmap.manage")
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            batch = import_stage(
                programme=d["programme"], file_name=d["file"].name, content=d["file"].read(), by=request.user
            )
        except ImportInvalid as invalid:
            errors = invalid.errors
        else:
            return redirect("roadmap:import_preview", pk=batch.pk)
    return render(
        request,
        "roadmap/staff/import_form.html",
        {"form": form, "errors": errors, "recent": RoadmapImport.objects.select_related("programme")[:20]},
        status=400 if errors or form.errors else 200,
    )


@requires("roadmap.manage")
def import_preview(request, pk):
    batch = get_object_or_404(RoadmapImport.objects.select_related("programme", "created_by"), pk=pk)
    changes, errors = None, []
    if batch.state == RoadmapImport.State.STAGED:
        try:
            changes = changes_of(batch.programme, parse_roadmap(batch.programme, bytes(batch.content)))
        except ImportInvalid as invalid:
            errors = invalid.errors
    return render(
        request, "roadmap/staff/import_preview.html", {"batch": batch, "changes": changes, "errors": errors}
    )


@requires("roadmap.manage")
@require_POST
def import_decide(request, pk, decision):
    batch = get_object_or_404(RoadmapImport.objects.select_related("programme"), pk=pk)
    try:
        if decision == "apply":
            batch = import_apply(batch=batch, by=request.user)
            messages.success(request, _("The road map was updated from the file."))
        else:
            import_discard(batch=batch, by=request.user)
            messages.success(request, _("The import was discarded; nothing was changed."))
    except ImportInvalid as invalid:
        for error in invalid.errors:
            messages.error(request, str(error))
    except Refused as refused:
        messages.error(request, str(refused))
    return redirect("roadmap:import_preview", pk=batch.pk)


@requires("roadmap.manage")
def export(request, code, fmt):
    found = get_object_or_404(Programme, code=code)
    if fmt == "xlsx":
        response = HttpResponse(
            export_xlsx(found),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(export_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roadmap-{found.code}.{fmt}"'
    return response
