from django import forms
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from adal.core import workload
from adal.core.addresses import client_address
from adal.core.services import LoginRefused, staff_login_check


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
