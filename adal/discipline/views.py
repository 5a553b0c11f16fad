"""The register of party discipline: the public list of decisions (under the publication rule), and
the discipline secretaries' pages to register a member, open a proceeding, record the decision, an
appeal and its outcome. A secretary reaches the members of their unit's territories only."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from adal.core.permissions import require, requires
from adal.discipline import forms as f
from adal.discipline import services as s
from adal.discipline.models import PartyMember, Proceeding, Status
from adal.discipline.selectors import active_publication_rule, members_in_reach, public_list

# Fields the services name that the forms call otherwise.
FIELD_NAMES = {"case": "case_number", "measure": "case_number", "appeal_filed_on": "filed_on"}
FIELD_NAMES |= {"appeal_decided_on": "decided_on"}


def public_page(request):
    """The decisions the active publication rule lets the public see (as GET /api/v1/discipline/public)."""
    rule = active_publication_rule()
    return render(request, "discipline/public.html", {"rule": rule, "proceedings": public_list(rule)})


def attempt(form: forms.Form, run: Callable) -> bool:
    """Run a service for a valid form; its refusal or its field errors land on the form."""
    if not form.is_valid():
        return False
    try:
        run(form.cleaned_data)
    except s.DisciplineRefused as refused:
        form.add_error(None, str(refused))
    except ValidationError as invalid:
        for field, errors in invalid.message_dict.items():
            name = FIELD_NAMES.get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    return not form.errors


# ---------------------------------------------------------------- members


@requires("discipline.record")
def staff_home(request):
    query = request.GET.get("q", "")
    members = members_in_reach(request.user, query)
    return render(request, "discipline/staff/home.html", {"members": members[:200], "query": query})


@requires("discipline.record")
def member_new(request):
    form = f.MemberForm(request.POST or None)
    created = {}
    if request.method == "POST" and attempt(
        form, lambda d: created.setdefault("member", s.member_create(**d, by=request.user))
    ):
        messages.success(request, _("The party member is registered."))
        return redirect("discipline:staff_member", created["member"].pk)
    status = 400 if form.is_bound else 200
    return render(request, "discipline/staff/member_new.html", {"form": form}, status=status)


def _member(request, pk: int) -> PartyMember:
    member = get_object_or_404(PartyMember.objects.select_related("region"), pk=pk)
    require(request.user, "discipline.record", member)
    return member


@dataclass(frozen=True)
class Step:
    label: str
    form: type[forms.Form]
    run: Callable  # (proceeding, user, cleaned_data) -> Proceeding
    when: str  # the status the step starts from


STEPS: dict[str, Step] = {
    "decide": Step(
        gettext_lazy("Record the decision and the sanction"),
        f.DecideForm,
        lambda p, u, d: s.proceeding_decide(
            proceeding=p, sanction=d["sanction"], decided_on=d["decided_on"], by=u
        ),
        Status.OPEN,
    ),
    "appeal": Step(
        gettext_lazy("Record an appeal"),
        f.AppealForm,
        lambda p, u, d: s.proceeding_appeal(proceeding=p, filed_on=d["filed_on"], by=u),
        Status.DECIDED,
    ),
    "outcome": Step(
        gettext_lazy("Record the outcome of the appeal: upheld or reversed"),
        f.AppealOutcomeForm,
        lambda p, u, d: s.proceeding_appeal_decide(
            proceeding=p,
            outcome=d["outcome"],
            decided_on=d["decided_on"],
            reversal_reason=d["reversal_reason"],
            by=u,
        ),
        Status.APPEALED,
    ),
}


def _member_page(request, member: PartyMember, *, open_form=None, bound=None, status=200):
    """The member with their proceedings, each with the step it can take now."""
    rows, bound = [], bound or {}
    for p in member.proceedings.select_related("region", "case__report").order_by("-opened_on", "-pk"):
        steps = [
            (name, bound.get((p.pk, name)) or step.form(prefix=f"{name}-{p.pk}"))
            for name, step in STEPS.items()
            if step.when == p.status or (p.pk, name) in bound  # a refused step shows why
        ]
        rows.append({"proceeding": p, "steps": steps})
    context = {
        "member": member,
        "rows": rows,
        "labels": {name: step.label for name, step in STEPS.items()},
        "open_form": open_form or f.ProceedingOpenForm(prefix="open"),
    }
    return render(request, "discipline/staff/member.html", context, status=status)


@requires("discipline.record")
def staff_member(request, pk: int):
    return _member_page(request, _member(request, pk))


@requires("discipline.record")
@require_POST
def proceeding_new(request, pk: int):
    member = _member(request, pk)
    form = f.ProceedingOpenForm(request.POST, prefix="open")
    if attempt(
        form,
        lambda d: s.proceeding_open(
            member=member,
            grounds=d["grounds"],
            grounds_details=d["grounds_details"],
            case=d["case_number"],
            deciding_body=d["deciding_body"],
            opened_on=d["opened_on"],
            region=d["region"],
            by=request.user,
        ),
    ):
        messages.success(request, _("The proceeding is opened."))
        return redirect("discipline:staff_member", member.pk)
    return _member_page(request, member, open_form=form, status=400)


@requires("discipline.record")
@require_POST
def proceeding_step(request, pk: int, step: str):
    proceeding = get_object_or_404(Proceeding.objects.select_related("member"), pk=pk)
    require(request.user, "discipline.record", proceeding)
    if step not in STEPS:
        raise Http404
    form = STEPS[step].form(request.POST, prefix=f"{step}-{pk}")
    if attempt(form, lambda d: STEPS[step].run(proceeding, request.user, d)):
        messages.success(request, _("Done."))
        return redirect("discipline:staff_member", proceeding.member_id)
    return _member_page(request, proceeding.member, bound={(pk, step): form}, status=400)
