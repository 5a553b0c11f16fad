from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from adal.core import workload
from adal.core.addresses import client_address
from adal.core.models import Unit
from adal.core.permissions import NotAllowed, Refused, requires
from adal.core.selectors import units_with_former_names
from adal.core.services import LoginRefused, staff_login_check, unit_rename


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; the icon itself is a static file."""
    return redirect(static("adal/favicon.ico"), permanent=True)


def home(request):
    return render(request, "core/home.html")


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=10,
        help_text=_("Six digits. Required for every role that reads reports."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def staff_login(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff_login_check(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                totp_code=form.cleaned_data["code"],
                address=client_address(request),
            )
        except LoginRefused as e:
            form.add_error(None, str(e))
        else:
            login(request, user, backend="adal.core.backends.StaffBackend")
            target = request.POST.get("next") or request.GET.get("next") or ""
            if not url_has_allowed_host_and_scheme(
                target, {request.get_host()}, require_https=request.is_secure()
            ):
                target = "core:staff_home"
            return redirect(target)
    return render(
        request,
        "core/login.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=401 if form.errors else 200,
    )


@require_POST
def staff_logout(request):
    logout(request)
    return redirect("core:home")


@login_required
def staff_home(request):
    return render(request, "core/staff_home.html", {"needs": workload.needs_of(request.user)})


# ---------------------------------------------------------------- units and their names


@requires("unit.manage")
def staff_units(request):
    return render(request, "core/staff/units.html", {"units": units_with_former_names()})


class UnitRenameForm(forms.Form):
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=255)
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255)
    on = forms.DateField(
        label=_("New name from"),
        help_text=_("The first day of the new name; the figures of earlier days keep the old one."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


@requires("unit.manage")
@require_http_methods(["GET", "POST"])
def staff_unit_rename(request, pk: int):
    unit = get_object_or_404(Unit, pk=pk)
    initial = {"name_ru": unit.name_ru, "name_kk": unit.name_kk, "name_en": unit.name_en}
    form = UnitRenameForm(request.POST or None, initial={**initial, "on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            unit_rename(unit=unit, **form.cleaned_data, by=request.user)
        except NotAllowed:
            raise
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, gettext_now("The unit is renamed; its former name is kept for the past.")
            )
            return redirect("core:staff_units")
    context = {"unit": unit, "former": unit.dated_names.all(), "form": form}
    return render(request, "core/staff/unit_rename.html", context, status=400 if form.errors else 200)
