from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from adal.core.files import read_decrypted
from adal.core.permissions import Refused, may, requires
from adal.roadmap import selectors as q
from adal.roadmap.charts import indicator_chart
from adal.roadmap.forms import (
    CancelForm,
    ImportForm,
    IndicatorForm,
    IndicatorYears,
    MeasureForm,
    ProgrammeForm,
    ReportForm,
    StageForm,
)
from adal.roadmap.importers import ImportInvalid, changes_of, export_csv, export_xlsx, parse_roadmap
from adal.roadmap.models import (
    Evidence,
    Indicator,
    LiveSource,
    Measure,
    Programme,
    ProgressReport,
    RoadmapImport,
    Stage,
)
from adal.roadmap.progress import AMBER_AFTER, RED_AFTER
from adal.roadmap.services import (
    import_apply,
    import_discard,
    import_stage,
    indicator_save,
    indicator_year_save,
    may_confirm,
    may_report,
    measure_cancel,
    measure_save,
    programme_save,
    progress_confirm,
    progress_report,
    stage_save,
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


# ---------------------------------------------------------------- staff: editing the road map


class _Refused(Exception):
    """Carries a service's refusal out of a transaction so that the whole edit is rolled back."""


def _edit(request, forms_, *, heading, save, done, back, extra=None):
    """A page of one form (and perhaps a table of rows): on a valid POST ``save()`` writes through the
    services in one transaction and the visitor goes on to ``done(result)``; a refusal rolls back all
    of it and is shown on the form."""
    form = forms_[0]
    valid = [f.is_valid() for f in forms_]  # every one, so that every error shows
    if request.method == "POST" and all(valid):
        adding = form.instance.pk is None
        try:
            with transaction.atomic():
                try:
                    result = save()
                except Refused as refused:
                    raise _Refused(str(refused)) from refused
        except _Refused as refused:
            if adding:  # rolled back: the page must not think it was saved
                form.instance.pk = None
                form.instance._state.adding = True
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Saved."))
            return redirect(done(result))
    context = {"form": form, "heading": heading, "back": back, **(extra or {})}
    status = 400 if request.method == "POST" else 200
    return render(request, "roadmap/staff/form.html", context, status=status)


def _editor_url(programme):
    return reverse("roadmap:editor", args=[programme.pk])


@requires("roadmap.manage")
def editor(request, pk):
    """The programme as a road-map manager sees it: every stage, measure and indicator to edit."""
    found = get_object_or_404(Programme, pk=pk)
    return render(
        request,
        "roadmap/staff/editor.html",
        {
            "programme": found,
            "view": q.programme_view(found),
            "indicators": found.indicators.all(),
            "live": LiveSource,
        },
    )


@requires("roadmap.manage")
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk=None):
    found = get_object_or_404(Programme, pk=pk) if pk else Programme()
    form = ProgrammeForm(request.POST or None, instance=found)
    return _edit(
        request,
        [form],
        heading=str(found) if pk else _("New programme"),
        save=lambda: programme_save(programme=form.instance, by=request.user),
        done=_editor_url,
        back=_editor_url(found) if pk else reverse("roadmap:staff"),
    )


@requires("roadmap.manage")
@require_http_methods(["GET", "POST"])
def stage_edit(request, programme_pk=None, pk=None):
    if pk:
        found = get_object_or_404(Stage.objects.select_related("programme"), pk=pk)
    else:
        found = Stage(programme=get_object_or_404(Programme, pk=programme_pk))
    form = StageForm(request.POST or None, instance=found)
    return _edit(
        request,
        [form],
        heading=str(found) if pk else _("New stage"),
        save=lambda: stage_save(stage=form.instance, by=request.user),
        done=lambda stage: _editor_url(stage.programme),
        back=_editor_url(found.programme),
    )


@requires("roadmap.manage")
@require_http_methods(["GET", "POST"])
def measure_edit(request, programme_pk=None, pk=None):
    if pk:
        found = get_object_or_404(Measure.objects.select_related("programme", "stage", "parent"), pk=pk)
        programme = found.programme
    else:
        programme = get_object_or_404(Programme, pk=programme_pk)
        found = Measure(programme=programme)
    initial = {}
    if not pk and request.GET.get("parent", "").isdigit():
        parent = programme.measures.filter(pk=request.GET["parent"]).first()
        initial = {"parent": parent, "stage": parent.stage_id} if parent else {}
    form = MeasureForm(request.POST or None, instance=found, programme=programme, initial=initial)
    cancel = CancelForm() if pk and found.cancelled_on is None else None
    return _edit(
        request,
        [form],
        heading=f"{found.code}. {found.title}" if pk else _("New measure"),
        save=lambda: measure_save(measure=form.instance, by=request.user),
        done=lambda measure: _editor_url(measure.programme),
        back=_editor_url(programme),
        extra={"measure": found if pk else None, "cancel": cancel},
    )


@requires("roadmap.manage")
@require_POST
def measure_cancel_view(request, pk):
    found = get_object_or_404(Measure.objects.select_related("programme"), pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("roadmap:measure_edit", pk=found.pk)
    try:
        measure_cancel(measure=found, on=form.cleaned_data["on"], by=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect("roadmap:measure_edit", pk=found.pk)
    messages.success(
        request, _("The measure is cancelled: it no longer counts towards its parent's progress.")
    )
    return redirect(_editor_url(found.programme))


@requires("roadmap.manage")
@require_http_methods(["GET", "POST"])
def indicator_edit(request, programme_pk=None, pk=None):
    if pk:
        found = get_object_or_404(Indicator.objects.select_related("programme"), pk=pk)
    else:
        found = Indicator(programme=get_object_or_404(Programme, pk=programme_pk))
    form = IndicatorForm(request.POST or None, instance=found)
    years = IndicatorYears(request.POST or None, instance=found, prefix="years")

    def save():
        indicator = indicator_save(indicator=form.instance, by=request.user)
        for row_form in years.forms:
            if row_form.has_changed():
                row = row_form.save(commit=False)
                row.indicator = indicator
                indicator_year_save(row=row, by=request.user)
        return indicator

    return _edit(
        request,
        [form, years],
        heading=str(found) if pk else _("New indicator"),
        save=save,
        done=lambda indicator: _editor_url(indicator.programme),
        back=_editor_url(found.programme),
        extra={"years": years},
    )
