"""Programmes, stages, measures and indicators are edited on the staff pages (/staff/roadmap/); the
admin stays for administrators, writing through the same services, so every change is checked and
audited. Progress reports are written and confirmed on the
staff pages only (append-only: nothing is changed or deleted here)."""

from django.contrib import admin

from adal.core.admin import ServiceModelAdmin
from adal.roadmap.models import Indicator, IndicatorYear, Measure, Programme, ProgressReport, Stage
from adal.roadmap.services import (
    indicator_save,
    indicator_year_save,
    measure_save,
    programme_save,
    stage_save,
)


class ManagedAdmin(ServiceModelAdmin):
    capability = "roadmap.manage"


@admin.register(Programme)
class ProgrammeAdmin(ManagedAdmin):
    list_display = ["code", "title_ru", "starts_on", "ends_on", "working_days"]

    def service_save(self, request, obj, form):
        return programme_save(programme=obj, by=request.user)


@admin.register(Stage)
class StageAdmin(ManagedAdmin):
    list_display = ["code", "programme", "number", "title_ru", "starts_on", "ends_on"]
    list_filter = ["programme"]

    def service_save(self, request, obj, form):
        return stage_save(stage=obj, by=request.user)


@admin.register(Measure)
class MeasureAdmin(ManagedAdmin):
    list_display = [
        "code",
        "title_ru",
        "stage",
        "responsible_unit",
        "deadline",
        "weight",
        "rollup",
        "cancelled_on",
    ]
    list_filter = ["programme", "stage", "rollup"]
    search_fields = ["code", "title_ru", "title_kk", "title_en"]
    raw_id_fields = ["parent"]

    def service_save(self, request, obj, form):
        return measure_save(measure=obj, by=request.user)


@admin.register(Indicator)
class IndicatorAdmin(ManagedAdmin):
    list_display = ["code", "title_ru", "programme", "source", "source_key"]
    list_filter = ["programme", "source"]

    def service_save(self, request, obj, form):
        return indicator_save(indicator=obj, by=request.user)


@admin.register(IndicatorYear)
class IndicatorYearAdmin(ManagedAdmin):
    list_display = ["indicator", "year", "baseline", "target", "actual", "source"]
    list_filter = ["indicator"]

    def service_save(self, request, obj, form):
        return indicator_year_save(row=obj, by=request.user)


@admin.register(ProgressReport)
class ProgressReportAdmin(ManagedAdmin):
    list_display = ["measure", "as_of", "percent", "reported_by_label", "reported_at"]
    list_filter = ["measure__programme"]
