from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from adal.core.models import AuditEvent, Territory, Unit, User, WorkdayException


@admin.register(WorkdayException)
class WorkdayExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["kato", "name_ru", "name_kk", "name_en", "kind", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["kato", "name_ru", "name_kk", "name_en"]

    def has_add_permission(self, request):
        return False  # reference data ships with the code (adal/core/territories.py)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "level", "territory", "path"]
    list_filter = ["level"]
    search_fields = ["name_ru", "name_kk", "name_en"]
    readonly_fields = ["path"]


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "unit", "is_active", "locked_until"]
    list_filter = ["role", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, ("Adal", {"fields": ["role", "unit"]})]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["seq", "at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
