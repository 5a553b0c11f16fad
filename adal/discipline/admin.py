"""Members and publication rules are edited here through the services (so every change is audited);
proceedings move only through their services and are read-only here."""

from django import forms
from django.contrib import admin

from adal.core import permissions
from adal.core.admin import ServiceModelAdmin
from adal.discipline.models import PartyMember, Proceeding, PublicationRule
from adal.discipline.services import (
    MEMBER_FIELDS,
    member_create,
    member_update,
    publication_rule_delete,
    publication_rule_save,
)


def _records_discipline(request) -> bool:
    return permissions.may(request.user, "discipline.record")


@admin.register(PartyMember)
class PartyMemberAdmin(ServiceModelAdmin):
    list_display = [
        "full_name",
        "membership_number",
        "position",
        "position_level",
        "region",
        "is_public_official",
    ]
    list_filter = ["position_level", "is_public_official"]
    search_fields = ["full_name", "membership_number", "position", "organisation"]
    autocomplete_fields = ["region"]
    fields = [
        "full_name",
        "membership_number",
        "region",
        "position",
        "position_level",
        "organisation",
        "is_public_official",
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["membership_number"] if obj else []

    def has_add_permission(self, request):
        return super().has_add_permission(request) and _records_discipline(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _records_discipline(request)

    def service_create(self, request, obj, form):
        values = {name: form.cleaned_data[name] for name in self.fields if name in form.cleaned_data}
        return member_create(by=request.user, **values)

    def service_update(self, request, obj, form):
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in MEMBER_FIELDS}
        return member_update(member=PartyMember.objects.get(pk=obj.pk), by=request.user, **changed)


@admin.register(Proceeding)
class ProceedingAdmin(ServiceModelAdmin):
    list_display = ["member", "grounds", "status", "sanction", "decided_on", "region", "position_level"]
    list_filter = ["status", "sanction", "grounds", "position_level"]
    search_fields = ["member__full_name", "member__membership_number", "deciding_body"]
    date_hierarchy = "decided_on"
    list_select_related = ["member", "region"]


class PublicationRuleForm(forms.ModelForm):
    class Meta:
        model = PublicationRule
        fields = [
            "name",
            "is_active",
            "only_final",
            "appeal_period_days",
            "only_public_officials",
            "min_sanction",
            "delay_days",
        ]

    def validate_constraints(self):
        # The one-active-rule constraint is kept by publication_rule_save, which deactivates the rule
        # active before; checking it here would refuse the switch it is meant to make.
        pass


@admin.register(PublicationRule)
class PublicationRuleAdmin(ServiceModelAdmin):
    form = PublicationRuleForm
    list_display = [
        "name",
        "is_active",
        "only_final",
        "only_public_officials",
        "min_sanction",
        "delay_days",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and _records_discipline(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _records_discipline(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _records_discipline(request)

    def service_save(self, request, obj, form):
        return publication_rule_save(rule=obj, by=request.user)

    def service_delete(self, request, obj):
        publication_rule_delete(rule=obj, by=request.user)
