"""Indices, countries and targets are edited here through the services, so every change is audited.
Values change only by imports, which are uploaded, previewed and committed on the staff import page."""

from django.contrib import admin
from django.shortcuts import redirect

from adal.core.admin import ServiceModelAdmin
from adal.ratings.models import Country, Index, IndexValue, RatingImport, SourceScore, Target
from adal.ratings.services import country_save, index_save, may_manage_ratings, target_delete, target_save


class ManagedAdmin(ServiceModelAdmin):
    """Open to analysts and administrators; nothing is deleted here but targets."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and may_manage_ratings(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_manage_ratings(request.user)


@admin.register(Index)
class IndexAdmin(ManagedAdmin):
    list_display = ["code", "name_ru", "publisher", "method", "first_year", "last_year", "order"]
    search_fields = ["code", "name_ru", "name_kk", "name_en", "publisher"]

    def service_save(self, request, obj, form):
        return index_save(index=obj, by=request.user)


@admin.register(Country)
class CountryAdmin(ManagedAdmin):
    list_display = ["iso3", "name_ru", "name_kk", "name_en"]
    search_fields = ["iso3", "name_ru", "name_kk", "name_en"]

    def get_readonly_fields(self, request, obj=None):
        return ["iso3"] if obj else []

    def service_save(self, request, obj, form):
        return country_save(country=obj, by=request.user)


@admin.register(Target)
class TargetAdmin(ManagedAdmin):
    list_display = ["index", "country", "kind", "value", "by_year"]
    list_filter = ["index", "kind"]
    autocomplete_fields = ["country"]

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_manage_ratings(request.user)

    def service_save(self, request, obj, form):
        return target_save(target=obj, by=request.user)

    def service_delete(self, request, obj):
        target_delete(target=obj, by=request.user)


class SourceScoreInline(admin.TabularInline):
    model = SourceScore
    extra = 0
    can_delete = False
    readonly_fields = ["source", "score"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IndexValue)
class IndexValueAdmin(ServiceModelAdmin):
    list_display = ["index", "year", "country", "score", "rank", "countries", "se", "sources"]
    list_filter = ["index", "year"]
    search_fields = ["country__iso3", "country__name_ru", "country__name_en"]
    list_select_related = ["index", "country"]
    inlines = [SourceScoreInline]


@admin.register(RatingImport)
class RatingImportAdmin(ServiceModelAdmin):
    list_display = ["created_at", "index", "format", "file_name", "status", "created_by", "committed_at"]
    list_filter = ["status", "index", "format"]
    exclude = ["content"]

    def has_add_permission(self, request):
        return may_manage_ratings(request.user)

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("ratings:import")  # upload, preview and commit happen on the staff page
