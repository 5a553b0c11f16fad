"""Reference data (topics, people, councils' names and quorum) is edited here, each change audited.
Memberships, meetings, agendas and proposals are shown read-only: their rules (overlapping terms, one
chair, quorum, the case timeline) live in the services."""

from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from adal.core.audit import audit_record
from adal.councils.models import AgendaItem, Council, Meeting, Membership, News, Person, Proposal, Topic


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                action=f"admin.{obj._meta.model_name}.{'changed' if change else 'added'}",
                actor=request.user,
                target=obj,
                data={"fields": sorted(form.changed_data)},
            )

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    list_display = ["code", "name_ru", "name_kk", "name_en", "category", "order"]
    list_editable = ["order"]
    search_fields = ["code", "name_ru", "name_kk", "name_en"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["full_name", "full_name_latin", "user"]
    search_fields = ["full_name", "full_name_latin"]
    raw_id_fields = ["user"]
    exclude = ["created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_at = timezone.now()
        super().save_model(request, obj, form, change)


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["person", "position", "term_start", "term_end", "ceased_on", "ceased_reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Council)
class CouncilAdmin(AuditedAdmin):
    """Councils are created by ``council_create``, which hangs them in the tree; here only their
    names, address, territory and quorum change."""

    list_display = ["name_ru", "level", "unit", "territory", "slug", "quorum_fraction"]
    list_filter = ["level"]
    search_fields = ["name_ru", "name_kk", "name_en", "slug"]
    fields = [
        "unit",
        "parent",
        "level",
        "name_ru",
        "name_kk",
        "name_en",
        "slug",
        "territory",
        "quorum_fraction",
    ]
    readonly_fields = ["unit", "parent", "level"]
    autocomplete_fields = ["territory"]
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        return False


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["person", "council", "position", "term_start", "term_end", "ceased_on"]
    list_filter = ["position"]
    search_fields = ["person__full_name", "council__name_ru"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = ["order", "topic", "title", "rapporteur", "decision"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["council", "planned_at", "state", "held_on", "region", "quorum_met", "minutes_visibility"]
    list_filter = ["state", "minutes_visibility", "quorum_met"]
    date_hierarchy = "planned_at"
    search_fields = ["council__name_ru", "place"]
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "order", "topic", "title"]
    list_filter = ["topic"]
    search_fields = ["title"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["title", "council", "kind", "addressee", "state", "submitted_on", "answered_on"]
    list_filter = ["kind", "state"]
    search_fields = ["title", "addressee"]


@admin.register(News)
class NewsAdmin(ReadOnlyAdmin):
    list_display = ["title", "council", "published_at", "meeting"]
    date_hierarchy = "published_at"
    search_fields = ["title", "council__name_ru"]
