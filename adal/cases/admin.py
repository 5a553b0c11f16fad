from django.contrib import admin

from adal.cases.models import Case, ChannelPolicy, ResponsePolicy, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["region", "category", "unit"]
    list_filter = ["category"]
    autocomplete_fields = ["unit"]


@admin.register(ResponsePolicy)
class ResponsePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_en",
        "day_kind",
        "triage_days",
        "answer_days",
        "answer_months",
        "extension_total_months",
    ]


@admin.register(ChannelPolicy)
class ChannelPolicyAdmin(admin.ModelAdmin):
    list_display = ["channel", "policy"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Coarse facts only: content is read in the workspace, where every read is audited."""

    list_display = ["__str__", "state", "unit", "assignee", "category", "region", "due_at", "overdue_level"]
    list_filter = ["state", "category", "overdue_level"]
    fields = [
        "state",
        "unit",
        "assignee",
        "category",
        "region",
        "channel",
        "policy",
        "registered_at",
        "due_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
