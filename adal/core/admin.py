from contextvars import ContextVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from adal.core.models import AuditEvent, Territory, TerritoryName, Unit, User, WorkdayException
from adal.core.permissions import NotAllowed, Refused, may
from adal.core.services import (
    STAFF_FIELDS,
    UNIT_FIELDS,
    staff_create,
    staff_deactivate,
    staff_password_set,
    staff_update,
    unit_create,
    unit_delete,
    unit_move,
    unit_parent_check,
    unit_update,
    workday_exception_delete,
    workday_exception_save,
)


class ServiceModelAdmin(admin.ModelAdmin):
    """The base of every admin in Adal: each add, change and delete goes through a service, so it is
    checked and audited like the same action anywhere else.

    An admin names its services by overriding the hooks: ``service_save`` for a service that takes the
    edited row (adding and changing alike), or ``service_create`` / ``service_update``, and
    ``service_delete``. What has no hook is not offered at all, so an admin that overrides none of them is
    read-only and none can fall back to ``model.save()``. Who may use an admin is its ``capability`` in
    adal.core.permissions (the services check it again), or, where it names none, Django's permissions."""

    capability: str | None = None

    def service_save(self, request, obj, form):
        raise NotImplementedError

    def service_create(self, request, obj, form):
        return self.service_save(request, obj, form)

    def service_update(self, request, obj, form):
        return self.service_save(request, obj, form)

    def service_delete(self, request, obj) -> None:
        raise NotImplementedError

    def _offers(self, *hooks: str) -> bool:
        return any(getattr(type(self), hook) is not getattr(ServiceModelAdmin, hook) for hook in hooks)

    def _may(self, request, django_says) -> bool:
        # The capability table decides where the admin names a capability; elsewhere Django's own
        # permissions (in practice: superusers) do.
        return may(request.user, self.capability) if self.capability else django_says()

    def has_module_permission(self, request):
        return self._may(request, lambda: super(ServiceModelAdmin, self).has_module_permission(request))

    def has_view_permission(self, request, obj=None):
        return self._may(request, lambda: super(ServiceModelAdmin, self).has_view_permission(request, obj))

    def has_add_permission(self, request):
        return self._offers("service_save", "service_create") and self._may(
            request, lambda: super(ServiceModelAdmin, self).has_add_permission(request)
        )

    def has_change_permission(self, request, obj=None):
        return self._offers("service_save", "service_update") and self._may(
            request, lambda: super(ServiceModelAdmin, self).has_change_permission(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return self._offers("service_delete") and self._may(
            request, lambda: super(ServiceModelAdmin, self).has_delete_permission(request, obj)
        )

    def save_model(self, request, obj, form, change):
        saved = self.service_update(request, obj, form) if change else self.service_create(request, obj, form)
        # The admin's message, log entry and redirect name the row the service wrote.
        obj.pk, obj._state.adding = saved.pk, False

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields and inline rows would be written by their forms, not a service: the
        # services write all an admin edits, and inlines are shown read-only.
        if any(formset.has_changed() for formset in formsets):
            raise PermissionDenied

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:  # "delete selected": each row through its service, audited on its own
            self.service_delete(request, obj)

    def changeform_view(self, request, *args, **kwargs):
        return self._refusals_told(request, super().changeform_view, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._refusals_told(request, super().delete_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._refusals_told(request, super().changelist_view, *args, **kwargs)

    def _refusals_told(self, request, view, *args, **kwargs):
        """A service's refusal (the forms check most before they get there) is shown as a message on the
        page the user came from, with nothing changed; a missing capability stays a 403."""
        try:
            return view(request, *args, **kwargs)
        except NotAllowed:
            raise
        except (Refused, ValidationError) as refusal:
            text = str(refusal) if isinstance(refusal, Refused) else " ".join(refusal.messages)
            self.message_user(request, text, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


# Groups would be a write path outside the services, and who may do what is adal.core.permissions.
admin.site.unregister(Group)

admin.site.site_header = _("Adal administration")
admin.site.site_title = _("Adal administration")
admin.site.index_title = _("Registers and settings")


@admin.register(WorkdayException)
class WorkdayExceptionAdmin(ServiceModelAdmin):
    capability = "calendar.manage"
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"

    def service_save(self, request, obj, form):
        return workday_exception_save(exception=obj, by=request.user)

    def service_delete(self, request, obj):
        workday_exception_delete(exception=obj, by=request.user)


class TerritoryNameInline(admin.TabularInline):
    model = TerritoryName
    fields = ["name_ru", "name_kk", "name_en", "valid_from", "valid_to"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Territory)
class TerritoryAdmin(ServiceModelAdmin):
    """Reference data that ships with the code (adal/core/territories.py): read-only here, with the
    names each territory bore before."""

    inlines = [TerritoryNameInline]
    list_display = ["kato", "name_ru", "name_kk", "name_en", "kind", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["kato", "name_ru", "name_kk", "name_en"]


NAMES = ["name_ru", "name_kk", "name_en"]
NAMED_FROM_TO = "core/staff/_named_from_to.html"  # a former name's period, as the staff page shows it


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = [*NAMES, "level", "parent", "territory", "valid_from", "valid_to"]

    def clean(self):
        data = super().clean()
        adding = self.instance.pk is None
        if "parent" in data and (adding or "parent" in self.changed_data):
            # A unit without a parent would be a second root, whose staff reach the cases at reception.
            unit_parent_check(unit=None if adding else self.instance, parent=data["parent"])
        return data


@admin.register(Unit)
class UnitAdmin(ServiceModelAdmin):
    """Units are created, renamed and moved through their services, which keep each unit's path (its
    staff's scope) right; a move carries everything below the unit with it. Names change only on the
    staff page of units, which keeps the former ones."""

    capability = "unit.manage"
    form = UnitForm
    list_display = ["name_ru", "level", "territory", "path"]
    list_filter = ["level"]
    search_fields = ["name_ru", "name_kk", "name_en"]

    def get_fields(self, request, obj=None):
        fields = [*UnitForm.Meta.fields, "path"]
        return [*fields[:3], "former_names", "rename", *fields[3:]] if obj else fields

    def get_readonly_fields(self, request, obj=None):
        # A name edited in place would lose the former one, which the figures of earlier days still
        # show: a unit is renamed on its staff page, through ``unit_rename``.
        return [*NAMES, "former_names", "rename", "level", "path"] if obj else ["path"]

    @admin.display(description=_("Former names"))
    def former_names(self, unit):
        named = [(n.name, render_to_string(NAMED_FROM_TO, {"former": n})) for n in unit.dated_names.all()]
        return format_html_join(mark_safe("<br>"), "{} ({})", named) or "—"

    @admin.display(description=_("Rename"))
    def rename(self, unit):
        return format_html(
            '<a href="{}">{}</a><div class="help">{}</div>',
            reverse("core:staff_unit_rename", args=[unit.pk]),
            _("Rename the unit"),
            _("The staff page keeps the former name for the figures of the days before the rename."),
        )

    def service_create(self, request, obj, form):
        values = {name: form.cleaned_data.get(name) for name in UnitForm.Meta.fields}
        return unit_create(by=request.user, **values)

    def service_update(self, request, obj, form):
        unit = Unit.objects.get(pk=obj.pk)
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in UNIT_FIELDS}
        if changes:
            unit_update(unit=unit, by=request.user, **changes)
        if "parent" in form.changed_data:
            unit_move(unit=unit, parent=form.cleaned_data["parent"], by=request.user)
        return unit

    def service_delete(self, request, obj):
        unit_delete(unit=obj, by=request.user)


# The administrator setting a password, for the password form, which the admin builds without the request.
_setting_password: ContextVar = ContextVar("setting_password")


class StaffPasswordForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        password = self.cleaned_data["password1"] if self.cleaned_data["set_usable_password"] else None
        return staff_password_set(user=self.user, password=password, by=_setting_password.get())


@admin.register(User)
class StaffAdmin(ServiceModelAdmin, UserAdmin):
    """Accounts are created, changed and deactivated through the staff services; none is deleted, since
    the audit log and the cases name them. Superusers are made by ``manage.py createsuperuser``."""

    capability = "staff.manage"
    change_password_form = StaffPasswordForm
    list_display = ["username", "first_name", "last_name", "role", "unit", "is_active", "locked_until"]
    list_filter = ["role", "is_active"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        ("Adal", {"fields": ["role", "unit", "is_active"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "usable_password", "password1", "password2"]}),
        ("Adal", {"fields": ["role", "unit", "first_name", "last_name", "email"]}),
    ]
    actions = ["deactivate"]

    def get_readonly_fields(self, request, obj=None):
        return ["username", "last_login", "date_joined"] if obj else []

    def service_create(self, request, obj, form):
        data = form.cleaned_data
        return staff_create(
            username=data["username"],
            password=data["password1"] if data.get("set_usable_password", True) else None,
            role=data["role"],
            unit=data["unit"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            by=request.user,
        )

    def service_update(self, request, obj, form):
        user = User.objects.get(pk=obj.pk)
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in STAFF_FIELDS}
        return staff_update(user=user, by=request.user, **changes) if changes else user

    @admin.action(description=_("Deactivate the selected accounts"), permissions=["change"])
    def deactivate(self, request, queryset):
        for user in queryset.filter(is_active=True):
            staff_deactivate(user=user, by=request.user)

    def user_change_password(self, request, id, form_url=""):
        token = _setting_password.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _setting_password.reset(token)


@admin.register(AuditEvent)
class AuditEventAdmin(ServiceModelAdmin):
    capability = "audit.read"
    list_display = ["seq", "at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_id"]
