from django.contrib import admin

from adal.cases.configuration import (
    channel_policy_delete,
    channel_policy_save,
    response_policy_delete,
    response_policy_save,
    routing_rule_delete,
    routing_rule_save,
)
from adal.cases.models import Case, ChannelPolicy, ResponsePolicy, RoutingRule
from adal.core.admin import ServiceModelAdmin


@admin.register(RoutingRule)
class RoutingRuleAdmin(ServiceModelAdmin):
    capability = "routing.manage"
    list_display = ["region", "category", "unit"]
    list_filter = ["category"]
    autocomplete_fields = ["unit"]

    def service_save(self, request, obj, form):
        return routing_rule_save(rule=obj, by=request.user)

    def service_delete(self, request, obj):
        routing_rule_delete(rule=obj, by=request.user)


@admin.register(ResponsePolicy)
class ResponsePolicyAdmin(ServiceModelAdmin):
    capability = "policy.manage"
    list_display = [
        "code",
        "name_en",
        "day_kind",
        "triage_days",
        "answer_days",
        "answer_months",
        "extension_total_months",
        "retention_months",
    ]

    def service_save(self, request, obj, form):
        return response_policy_save(policy=obj, by=request.user)

    def service_delete(self, request, obj):
        response_policy_delete(policy=obj, by=request.user)


@admin.register(ChannelPolicy)
class ChannelPolicyAdmin(ServiceModelAdmin):
    capability = "policy.manage"
    list_display = ["channel", "policy"]

    def service_save(self, request, obj, form):
        return channel_policy_save(link=obj, by=request.user)

    def service_delete(self, request, obj):
        channel_policy_delete(link=obj, by=request.user)


@admin.register(Case)
class CaseAdmin(ServiceModelAdmin):
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
