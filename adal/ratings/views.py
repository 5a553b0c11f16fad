from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from adal.core.permissions import requires
from adal.ratings import selectors as q
from adal.ratings.charts import history_chart
from adal.ratings.forms import CountryForm, ImportForm, ScenarioForm
from adal.ratings.importers import ImportInvalid
from adal.ratings.models import Country, Index, IndexValue, Method, RatingImport, Target
from adal.ratings.services import (
    RatingsRefused,
    import_commit,
    import_discard,
    import_stage,
)


def home(request):
    home_country = q.home_country()
    # The picker opens on the country the platform serves, not on the first name in the alphabet.
    initial = {"country": home_country.iso3} if home_country else {}
    form = CountryForm(request.GET or None, countries=q.countries_rated(), initial=initial)
    if form.is_valid():
        return redirect("ratings:country", iso3=form.cleaned_data["country"])
    return render(
        request,
        "ratings/home.html",
        {"indices": q.indices_with_coverage(), "home_country": home_country, "form": form},
    )


def chart_of(history: q.IndexHistory):
    series = [
        (v.year, float(v.score), *(None if b is None else float(b) for b in (v.ci_low, v.ci_high)))
        for v in history.values
    ]
    score_targets = [t.target for t in history.targets if t.target.kind == Target.Kind.SCORE_AT_LEAST]
    target = float(score_targets[0].value) if score_targets else None
    return history_chart(series, (float(history.index.scale_min), float(history.index.scale_max)), target)


def country(request, iso3):
    found = get_object_or_404(Country, iso3=iso3.upper())
    histories = q.country_histories(found)
    return render(
        request,
        "ratings/country.html",
        # One year is a figure, not a chart: a line needs two points.
        {"country": found, "sections": [(h, chart_of(h) if len(h.values) > 1 else None) for h in histories]},
    )


def ranking(request, code, year):
    index = get_object_or_404(Index, code=code)
    values = q.ranking(index, year)
    if not values:
        raise Http404
    return render(
        request,
        "ratings/ranking.html",
        {
            "index": index,
            "year": year,
            "values": values,
            "years": q.index_years(index),
            "highlight": request.GET.get("country", "").upper(),
        },
    )


def what_if(request, code, year, iso3):
    value = get_object_or_404(
        IndexValue.objects.select_related("index", "country"),
        index__code=code,
        index__method=Method.TI_CPI,
        year=year,
        country__iso3=iso3.upper(),
    )
    analysis = q.what_if(value)
    if analysis is None:
        raise Http404
    form = ScenarioForm(request.GET or None, scores=q.source_row(value)[2])
    outcome = None
    if form.is_valid():
        outcome = q.scenario(value, form.cleaned_data["source"], form.cleaned_data["change"])
    return render(
        request,
        "ratings/what_if.html",
        {"value": value, "analysis": analysis, "form": form, "outcome": outcome},
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- staff: imports


@requires("ratings.manage")
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            batch = import_stage(
                index=d["index"],
                fmt=d["format"],
                file_name=d["file"].name,
                content=d["file"].read(),
                year=d["year"],
                by=request.user,
            )
        except ImportInvalid as invalid:
            errors = invalid.errors
        else:
            return redirect("ratings:import_preview", pk=batch.pk)
    recent = RatingImport.objects.select_related("index", "created_by")[:20]
    return render(
        request,
        "ratings/import_form.html",
        {"form": form, "errors": errors, "recent": recent},
        status=400 if errors or form.errors else 200,
    )


@requires("ratings.manage")
def import_preview(request, pk):
    batch = get_object_or_404(RatingImport.objects.select_related("index", "created_by"), pk=pk)
    preview, errors = None, []
    if batch.status == RatingImport.Status.STAGED:
        try:
            preview = q.import_preview(batch)
        except ImportInvalid as invalid:
            errors = invalid.errors
    return render(
        request, "ratings/import_preview.html", {"batch": batch, "preview": preview, "errors": errors}
    )


@requires("ratings.manage")
@require_POST
def import_decide(request, pk, decision):
    batch = get_object_or_404(RatingImport, pk=pk)
    try:
        if decision == "commit":
            batch = import_commit(batch=batch, by=request.user)
            messages.success(
                request, _("Imported: %(created)s new values, %(updated)s changed.") % batch.summary
            )
        else:
            import_discard(batch=batch, by=request.user)
            messages.success(request, _("The import was discarded; nothing was changed."))
    except ImportInvalid as invalid:
        for error in invalid.errors:
            messages.error(request, str(error))
    except RatingsRefused as refused:
        messages.error(request, str(refused))
    return redirect("ratings:import_preview", pk=batch.pk)
