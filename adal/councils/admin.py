"""Reference data (topics and people) is edited here through the services, each change audited.
Councils, memberships, meetings, agendas and proposals are only listed: their rules (the council tree,
overlapping terms, one chair, quorum, the case timeline) live in the services and the staff pages."""

from django.contrib import admin

from adal.core.admin import ServiceModelAdmin
from adal.councils.models import AgendaItem, Council, Meeting, Membership, News, Person, Proposal, Topic
from adal.councils.services import PERSON_FIELDS, person_create, person_update, topic_save


class ReadOnlyAdmin(ServiceModelAdmin):
    """Listed only: it names no service, so nothing is added, changed or deleted here."""


@admin.register(Topic)
class TopicAdmin(ServiceModelAdmin):
    capability = "council.manage"
    list_display = ["code", "name_ru", "name_kk", "name_en", "category", "order"]
    list_editable = ["order"]
    search_fields = ["code", "name_ru", "name_kk", "name_en"]

    def service_save(self, request, obj, form):
        return topic_save(topic=obj, by=request.user)


@admin.register(Person)
class PersonAdmin(ServiceModelAdmin):
    capability = "council.manage"
    list_display = ["full_name", "full_name_latin", "user"]
    search_fields = ["full_name", "full_name_latin"]
    raw_id_fields = ["user"]
    exclude = ["created_at"]

    def service_create(self, request, obj, form):
        values = {name: form.cleaned_data[name] for name in PERSON_FIELDS if name in form.cleaned_data}
        return person_create(by=request.user, **values)

    def service_update(self, request, obj, form):
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in PERSON_FIELDS}
        return person_update(person=Person.objects.get(pk=obj.pk), by=request.user, **changes)


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["person", "position", "term_start", "term_end", "ceased_on", "ceased_reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Council)
class CouncilAdmin(ReadOnlyAdmin):
    """Councils are created by ``council_create``, which hangs them in the tree; the admin lists them."""

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
    inlines = [MembershipInline]


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
    search_fields = ["council__name_ru", "place_ru", "place_kk", "place_en"]
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "order", "topic", "title"]
    list_filter = ["topic"]
    search_fields = ["title_ru", "title_kk", "title_en"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["title", "council", "kind", "addressee", "state", "submitted_on", "answered_on"]
    list_filter = ["kind", "state"]
    search_fields = ["title_ru", "title_kk", "title_en", "addressee_ru", "addressee_kk", "addressee_en"]


@admin.register(News)
class NewsAdmin(ReadOnlyAdmin):
    list_display = ["title", "council", "published_at", "meeting"]
    date_hierarchy = "published_at"
    search_fields = ["title_ru", "title_kk", "title_en", "council__name_ru"]
