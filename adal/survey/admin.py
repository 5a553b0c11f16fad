"""The survey's records, for looking up: they are written only through the services (the staff pages,
the demo), which validate them and keep the audit log, so the admin shows them read-only."""

from django.contrib import admin

from adal.core.admin import ServiceModelAdmin
from adal.survey.models import CensusMargins, Component, Instrument, Item, MarginCell, MicrodataImport, Wave


class ReadOnly(ServiceModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ComponentInline(admin.TabularInline):
    model = Component
    fields = ["code", "name_en", "weight"]
    extra = 0

    has_add_permission = ReadOnly.has_add_permission
    has_change_permission = ReadOnly.has_change_permission
    has_delete_permission = ReadOnly.has_delete_permission


class ItemInline(ComponentInline):
    model = Item
    fields = ["code", "role", "component", "weight", "text_en", "required", "condition_item"]


@admin.register(Instrument)
class InstrumentAdmin(ReadOnly):
    list_display = ["code", "name_en", "min_age"]
    inlines = [ComponentInline, ItemInline]


class MarginCellInline(ComponentInline):
    model = MarginCell
    fields = ["dimension", "region", "sex", "age_group", "settlement", "population"]


@admin.register(CensusMargins)
class CensusMarginsAdmin(ReadOnly):
    list_display = ["name", "reference_date", "source"]
    inlines = [MarginCellInline]


@admin.register(Wave)
class WaveAdmin(ReadOnly):
    list_display = ["code", "name_en", "fieldwork_start", "fieldwork_end", "state", "weighted_at"]
    list_filter = ["state", "instrument"]
    exclude = ["results"]


@admin.register(MicrodataImport)
class MicrodataImportAdmin(ReadOnly):
    list_display = ["original_name", "wave", "format", "state", "rows_read", "bad_rows", "created_at"]
    list_filter = ["state", "format"]
    search_fields = ["original_name", "sha256"]
