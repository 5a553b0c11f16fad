from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from adal.core.permissions import requires
from adal.councils.primaries import forms as f
from adal.councils.primaries import services as s
from adal.councils.primaries.models import Nomination, Primary
from adal.councils.primaries.selectors import (
    Phase,
    candidates,
    phase,
    primaries_listed,
    primaries_managed_by,
    primary_page,
)
from adal.councils.selectors import councils_managed_by
from adal.councils.services import may_manage


def _posted(request):
    """The POST data, even when empty (an empty form must be bound to report what is missing)."""
    return request.POST if request.method == "POST" else None


# ---------------------------------------------------------------- public pages


def primary_list(request):
    rows = [(p, phase(p)) for p in primaries_listed()[:100]]
    return render(request, "primaries/list.html", {"rows": rows})


@never_cache
def primary_detail(request, pk: int):
    primary = get_object_or_404(Primary.objects.select_related("council"), pk=pk)
    return render(
        request, "primaries/primary.html", {"page": primary_page(primary=primary, viewer=request.user)}
    )


# ---------------------------------------------------------------- voters and candidates


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def vote(request, pk: int):
    """The ballot. The choice goes only into the service: it is never echoed back, logged or kept in
    the session, so the page after voting cannot show it."""
    primary = get_object_or_404(Primary.objects.select_related("council"), pk=pk)
    page = primary_page(primary=primary, viewer=request.user)
    form = f.BallotForm(_posted(request), candidates=candidates(primary))
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            s.ballot_cast(primary=primary, nomination=form.cleaned_data["nomination"], by=request.user)
        except s.PrimaryActionRefused as e:
            # A fresh form: even a refused choice is not sent back.
            refusal, form = str(e), f.BallotForm(candidates=candidates(primary))
        else:
            messages.success(request, _("Your ballot is in the box. Thank you for voting."))
            return redirect("primaries:primary", pk=primary.pk)
    status = 400 if form.errors or refusal else 200 if page.may_vote else 403
    context = {"page": page, "form": form, "refusal": refusal}
    return render(request, "primaries/vote.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def consent(request, pk: int):
    primary = get_object_or_404(Primary.objects.select_related("council"), pk=pk)
    nomination = get_object_or_404(
        Nomination.objects.select_related("nominated_by__person"),
        primary=primary,
        candidate__voter__user=request.user,
    )
    form = f.ConsentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            s.nomination_answer(
                nomination=nomination,
                consent=form.cleaned_data["decision"] == "consent",
                statement=form.cleaned_data["statement"],
                by=request.user,
            )
        except s.PrimaryActionRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Your answer has been recorded."))
            return redirect("primaries:primary", pk=primary.pk)
    return render(
        request,
        "primaries/consent.html",
        {"primary": primary, "nomination": nomination, "form": form},
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- the secretary's pages


@requires("primary.manage")
def staff_list(request):
    return render(request, "primaries/staff_list.html", {"primaries": primaries_managed_by(request.user)})


@requires("primary.manage")
@require_http_methods(["GET", "POST"])
def staff_create(request):
    if not councils_managed_by(request.user).exists():
        return redirect("primaries:staff_list")  # the list says whose primaries one runs: none yet
    form = f.PrimaryForm(_posted(request), councils=councils_managed_by(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            primary = s.primary_create(by=request.user, **form.cleaned_data)
        except s.PrimaryActionRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The primary is announced: nominations are open."))
            return redirect("primaries:staff_primary", pk=primary.pk)
    return render(request, "primaries/staff_create.html", {"form": form}, status=400 if form.errors else 200)


def _managed_primary(user, pk: int) -> Primary:
    primary = get_object_or_404(Primary.objects.select_related("council"), pk=pk)
    if not may_manage(user, primary.council):
        raise PermissionDenied
    return primary


def _render_staff_primary(request, primary, form=None, status=200):
    page = primary_page(primary=primary, viewer=request.user)
    context = {
        "page": page,
        "nominations": primary.nominations.select_related("candidate", "nominated_by__person"),
        "form": form or f.NominationForm(council=primary.council),
        "withdraw_form": f.WithdrawForm(),
        "nominations_open": page.phase == Phase.NOMINATIONS,
        "may_withdraw": page.phase in (Phase.NOMINATIONS, Phase.CONSENT),
    }
    return render(request, "primaries/staff_primary.html", context, status=status)


@requires("primary.manage")
@require_http_methods(["GET", "POST"])
def staff_primary(request, pk: int):
    """The secretary's page of a primary: nominations with their state, a form to record one."""
    primary = _managed_primary(request.user, pk)
    if request.method != "POST":
        return _render_staff_primary(request, primary)
    form = f.NominationForm(request.POST, council=primary.council)
    if form.is_valid():
        try:
            s.nomination_create(
                primary=primary,
                candidate=form.cleaned_data["candidate"],
                nominator=form.cleaned_data["nominator"],
                by=request.user,
            )
        except s.PrimaryActionRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The nomination is recorded; it awaits the candidate's consent."))
            return redirect("primaries:staff_primary", pk=primary.pk)
    return _render_staff_primary(request, primary, form=form, status=400)


@requires("primary.manage")
@require_POST
def staff_withdraw(request, pk: int, nomination_id: int):
    primary = _managed_primary(request.user, pk)
    nomination = get_object_or_404(Nomination, pk=nomination_id, primary=primary)
    form = f.WithdrawForm(request.POST)
    if form.is_valid():
        try:
            s.nomination_withdraw(nomination=nomination, reason=form.cleaned_data["reason"], by=request.user)
        except s.PrimaryActionRefused as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("The nomination is withdrawn."))
    else:
        messages.error(request, _("Give the reason for withdrawing the nomination."))
    return redirect("primaries:staff_primary", pk=primary.pk)
