"""The index's public pages (published waves only) and the analysts' pages for waves and imports.

Analysts may also look at a draft wave's pages before publishing it."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from adal.core.middleware import request_max_bytes
from adal.core.permissions import requires
from adal.survey import forms as f
from adal.survey import registers
from adal.survey import services as s
from adal.survey.charts import ranked_bars
from adal.survey.models import CensusMargins, Instrument, MicrodataImport, Wave
from adal.survey.registers import RegisterInvalid
from adal.survey.selectors import (
    import_described,
    methodology,
    published_waves,
    regions_on,
    wave_figures,
    waves_for_staff,
    waves_trend,
    weighting_described,
)

# ---------------------------------------------------------------- public


def _visible_wave(request, code: str) -> Wave:
    wave = get_object_or_404(Wave.objects.select_related("instrument", "margins"), code=code)
    if wave.state != Wave.State.PUBLISHED and not s.may_analyse(request.user):
        raise Http404
    if not wave.results:
        raise Http404
    return wave


def index_page(request):
    trend = waves_trend()
    latest = published_waves().first()
    figures = wave_figures(latest) if latest is not None else None
    return render(request, "survey/index.html", {"trend": trend, "figures": figures})


def wave_page(request, code: str):
    figures = wave_figures(_visible_wave(request, code))
    chart = ranked_bars([{"label": r["name"], "estimate": r["index"]} for r in figures["regions"]])
    components_chart = ranked_bars(
        [{"label": c["name"], "estimate": c["estimate"]} for c in figures["components"]]
    )
    return render(
        request,
        "survey/wave.html",
        {"figures": figures, "chart": chart, "components_chart": components_chart},
    )


def methodology_page(request, code: str):
    return render(request, "survey/methodology.html", methodology(_visible_wave(request, code)))


# ---------------------------------------------------------------- analysts


def _staff_wave(request, pk: int) -> Wave:
    return get_object_or_404(waves_for_staff(), pk=pk)


@requires("survey.manage")
def staff_waves(request):
    return render(request, "survey/staff/waves.html", {"waves": waves_for_staff()})


@requires("survey.manage")
def staff_wave_new(request):
    form = f.WaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            wave = s.wave_create(**form.cleaned_data, by=request.user)
        except s.SurveyRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The wave is created. Import its microdata next."))
            return redirect("survey:staff_wave", pk=wave.pk)
    return render(request, "survey/staff/wave_new.html", {"form": form}, status=400 if form.errors else 200)


@requires("survey.manage")
def staff_wave(request, pk: int, upload_form=None, status: int = 200):
    wave = _staff_wave(request, pk)
    context = {
        "wave": wave,
        "weighting": weighting_described(wave),
        "imports": wave.imports.select_related("created_by")[:20],
        "form": upload_form or f.UploadForm(),
        "microdata": getattr(wave, "microdata", None),
    }
    return render(request, "survey/staff/wave.html", context, status=status)


@request_max_bytes(lambda: s._max_upload_bytes() + 2**20)  # microdata files are far larger than evidence
@requires("survey.manage")
@require_POST
def staff_upload(request, pk: int):
    wave = _staff_wave(request, pk)
    form = f.UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            record = s.microdata_import_start(wave=wave, upload=form.cleaned_data["file"], by=request.user)
        except s.SurveyRefused as e:
            form.add_error("file", str(e))
        else:
            return redirect("survey:staff_import", pk=record.pk)
    return staff_wave(request, pk, upload_form=form, status=400)


@requires("survey.manage")
def staff_import(request, pk: int):
    record = get_object_or_404(MicrodataImport.objects.select_related("wave", "created_by"), pk=pk)
    return render(request, "survey/staff/import.html", import_described(record))


WAVE_ACTIONS = {
    "weight": (s.wave_weight, gettext_lazy("The wave is weighted and its results computed.")),
    "publish": (s.wave_publish, gettext_lazy("The wave is published.")),
    "unpublish": (s.wave_unpublish, gettext_lazy("The wave is no longer public.")),
}


@requires("survey.manage")
@require_POST
def staff_wave_action(request, pk: int, action: str):
    wave = _staff_wave(request, pk)
    if action not in WAVE_ACTIONS:
        raise Http404
    run, done = WAVE_ACTIONS[action]
    try:
        run(wave=wave, by=request.user)
    except s.SurveyRefused as e:
        messages.error(request, str(e))
    else:
        messages.success(request, done)
    return redirect("survey:staff_wave", pk=wave.pk)


# ---------------------------------------------------------------- the registers: instruments and margins

TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _upload_page(request, form, *, template: str, save, done: str):
    """One form with a file: valid and imported, on to ``done``; else the form with every bad row."""
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data, form.cleaned_data["file"].read())
        except RegisterInvalid as invalid:
            errors = invalid.errors
        except s.SurveyRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect(done)
    status = 400 if form.is_bound else 200
    return render(request, template, {"form": form, "errors": errors}, status=status)


@requires("survey.manage")
def staff_instrument_new(request):
    def save(d, content):
        name = {"ru": d["name_ru"], "kk": d["name_kk"], "en": d["name_en"]}
        instrument = s.instrument_import(
            code=d["code"],
            name=name,
            min_age=d["min_age"],
            max_age=d["max_age"],
            content=content,
            by=request.user,
        )
        messages.success(request, _("Instrument “%(name)s” is imported.") % {"name": instrument.name})

    form = f.InstrumentUploadForm(request.POST or None, request.FILES or None)
    return _upload_page(
        request, form, template="survey/staff/instrument_new.html", save=save, done="survey:staff_registers"
    )


@requires("survey.manage")
def staff_margins_new(request):
    def save(d, content):
        margins = s.census_margins_import(
            name=d["name"],
            source=d["source"],
            source_url=d["source_url"],
            reference_date=d["reference_date"],
            content=content,
            by=request.user,
        )
        messages.success(request, _("Census margins “%(name)s” are imported.") % {"name": margins.name})

    form = f.MarginsUploadForm(request.POST or None, request.FILES or None)
    return _upload_page(
        request, form, template="survey/staff/margins_new.html", save=save, done="survey:staff_registers"
    )


@requires("survey.manage")
def staff_registers(request):
    context = {"instruments": Instrument.objects.all(), "margins": CensusMargins.objects.all()}
    return render(request, "survey/staff/registers.html", context)


@requires("survey.manage")
def staff_template(request, kind: str, fmt: str):
    """A blank table of the instrument's or the margins' format, as CSV or XLSX."""
    if fmt not in TEMPLATE_TYPES or kind not in ("instrument", "margins"):
        raise Http404
    if kind == "instrument":
        rows = registers.instrument_template_rows()
    else:
        rows = registers.margins_template_rows([t.kato for t in regions_on(timezone.localdate())])
    body = registers.as_csv(rows) if fmt == "csv" else registers.as_xlsx(rows)
    response = HttpResponse(body, content_type=TEMPLATE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="survey-{kind}-template.{fmt}"'
    return response
