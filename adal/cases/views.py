import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from adal.cases import disclosure as d
from adal.cases import forms as f
from adal.cases import services as s
from adal.cases.links import linked_to
from adal.cases.models import OPEN_STATES, Case, RiskLevel, State, StateBodyRequest
from adal.cases.retention import RetentionRefused, case_hold_lift, case_hold_place, retention_of
from adal.cases.selectors import (
    QueueFilters,
    case_for,
    case_records,
    case_retaliation,
    queue_counts,
    queue_page,
)
from adal.core.audit import audit_record
from adal.core.files import read_decrypted
from adal.core.permissions import may, requires
from adal.hotline.models import Attachment
from adal.hotline.selectors import transcript_of


@requires("case.read_content")
def queue(request):
    form = f.QueueFilterForm(request.GET or None)
    filters = QueueFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = QueueFilters(
            state=d["state"] or "open",
            category=d["category"],
            region=d["region"],
            channel=d["channel"],
            assignee=d["assignee"],
            overdue=d["overdue"],
            high_risk=d["high_risk"],
            due_before=d["due_before"],
            received_from=d["received_from"],
            received_to=d["received_to"],
            descending=d["order"] == "-due",
        )
    page = queue_page(request.user, filters, cursor=request.GET.get("after", ""))
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "cases/queue.html",
        {
            "form": form,
            "page": page,
            "counts": queue_counts(request.user, filters),
            "filters": filters,
            "query": query.urlencode(),
            "states": State.choices,
            "open_states": OPEN_STATES,
        },
    )


@dataclass(frozen=True)
class Action:
    form: type
    run: Any  # (case, user, cleaned_data) -> None
    form_kwargs: Any = None  # (case, user) -> dict


def _other_case(user, number: str) -> Case:
    other = s.scope_filter(user)
    found = Case.objects.filter(other, report__registration_number=number.strip().upper()).first()
    if found is None:
        raise s.TransitionRefused(_("No case %(n)s is within your reach.") % {"n": number})
    return found


ACTIONS: dict[str, Action] = {
    "triage_start": Action(f.forms.Form, lambda c, u, d: s.case_triage_start(case=c, by=u)),
    "accept": Action(
        f.AcceptForm,
        lambda c, u, d: s.case_accept(
            case=c,
            by=u,
            risk=f.risk_of(d),
            category=d.get("category"),
            region=d["region"],
            concerns_corruption=d["concerns_corruption"],
            involves_official=d["involves_official"],
        ),
        lambda c, u: {"case": c},
    ),
    "redirect": Action(
        f.RedirectForm,
        lambda c, u, d: s.case_redirect(
            case=c, by=u, authority=d["authority"], reason=d["reason"], risk=f.risk_of(d)
        ),
    ),
    "merge": Action(
        f.MergeForm,
        lambda c, u, d: s.case_merge(case=c, by=u, into=_other_case(u, d["into"]), risk=f.risk_of(d)),
    ),
    "leave": Action(
        f.LeaveForm, lambda c, u, d: s.case_leave(case=c, by=u, reason=d["reason"], risk=f.risk_of(d))
    ),
    "assign": Action(
        f.AssignForm,
        lambda c, u, d: s.case_assign(case=c, by=u, officer=d["officer"]),
        lambda c, u: {"case": c},
    ),
    "reroute": Action(
        f.RerouteForm,
        lambda c, u, d: s.case_reroute(case=c, by=u, unit=d["unit"], reason=d["reason"]),
        lambda c, u: {"user": u},
    ),
    "review_start": Action(f.forms.Form, lambda c, u, d: s.case_review_start(case=c, by=u)),
    "decide": Action(
        f.DecideForm,
        lambda c, u, d: s.case_decide(
            case=c,
            by=u,
            outcome=d["outcome"],
            measures=[(k, d["measure_details"]) for k in d["measures"]],
            findings=d["findings"],
        ),
        lambda c, u: {"case": c},
    ),
    "answer": Action(f.AnswerForm, lambda c, u, d: s.case_answer(case=c, by=u, findings=d["findings"])),
    "close": Action(f.forms.Form, lambda c, u, d: s.case_close(case=c, by=u)),
    "extend": Action(
        f.ExtendForm, lambda c, u, d: s.case_extend(case=c, by=u, until=d["until"], reason=d["reason"])
    ),
    "note": Action(f.NoteForm, lambda c, u, d: s.case_note_add(case=c, by=u, text=d["text"])),
    "request": Action(
        f.RequestForm,
        lambda c, u, d: s.case_request_send(
            case=c, by=u, addressee=d["addressee"], question=d["question"], due_days=d["due_days"]
        ),
    ),
    "request_answer": Action(
        f.RequestAnswerForm,
        lambda c, u, d: s.case_request_answer(
            request=get_object_or_404(StateBodyRequest, pk=d["request_id"], case=c), by=u, answer=d["answer"]
        ),
    ),
    "link": Action(f.LinkForm, lambda c, u, d: s.case_link(case=c, by=u, other=_other_case(u, d["other"]))),
    "clarify": Action(
        f.ClarifyForm, lambda c, u, d: s.case_clarification_request(case=c, by=u, text=d["text"])
    ),
}
WORK_ACTIONS = ("note", "request", "request_answer", "link", "clarify")


def _action_names(case, user, requests) -> list[str]:
    unanswered = any(r.answered_at is None for r in requests)
    work = [a for a in WORK_ACTIONS if a != "request_answer" or unanswered]
    return s.allowed_actions(user, case) + (work if s.may_work_on(user, case) else [])


def _bound(name, case, user, data=None):
    action = ACTIONS[name]
    kwargs = action.form_kwargs(case, user) if action.form_kwargs else {}
    return action.form(data, prefix=name, **kwargs)


def _render_case(request, case, *, failed=None, status=200):
    """The case page. Action forms are built only when opened (?action=, or fetched by HTMX when their
    <details> opens): rendering every form's widgets would cost more than the rest of the page. Of the
    records shown in panels of their own, only those the case has are read (case_records)."""
    with transaction.atomic():
        audit_record(action="case.content_read", actor=request.user, target=case)
    records = case_records(case)

    def those(name, read):
        return read() if name in records else []

    requests = those("requests", lambda: list(case.requests.all()))
    opened = failed.prefix if failed else request.GET.get("action")

    def form_for(name):
        if failed and failed.prefix == name:
            return failed
        return _bound(name, case, request.user) if name == opened else None

    actions = [(name, form_for(name)) for name in _action_names(case, request.user, requests)]
    retaliation = case_retaliation(request.user, case, records)
    context = {
        "case": case,
        "report": case.report,
        "events": case.events.select_related("actor"),
        "conversation": those("messages", case.report.messages.all),
        "attachments": those("attachments", case.report.attachments.all),
        "transcript": transcript_of(case.report) if "transcript" in records else None,
        "requests": requests,
        "measures": those("measures", case.measures.all),
        "links": those("links", lambda: case.links.select_related("other__report")),
        "actions": actions,
        "may_put_on_agenda": may(request.user, "council.put_case_on_agenda", case),
        "linked": linked_to(case, request.user, records),
        "identity": d.identity_panel(request.user, case, records),
        "disclosure_form": f.DisclosureRequestForm(prefix="disclosure"),
        "labels": {name: s.RULES[name].label for name in s.RULES},
        "retention": retention_of(case, with_holds="legal_holds" in records),
        "hold_form": f.HoldForm(prefix="hold"),
        "retaliation": retaliation,
        "risk_labels": dict(RiskLevel.choices),
        # protection cases named in the timeline that this reader may open
        "visible_protections": {number: pk for pk, number, _state in retaliation.protections},
    }
    return render(request, "cases/case.html", context, status=status)


@requires("case.read_content")
def case_detail(request, pk: int):
    return _render_case(request, case_for(request.user, pk))


@requires("case.read_content")
def case_action_form(request, pk: int, action: str):
    """One action's form, for HTMX to put into its <details> when the officer opens it."""
    case = case_for(request.user, pk)
    requests = list(case.requests.all())
    if action not in ACTIONS or action not in _action_names(case, request.user, requests):
        raise Http404
    context = {"case": case, "name": action, "form": _bound(action, case, request.user), "requests": requests}
    return render(request, "cases/case.html#action_form", context)


@requires("case.read_content")
@require_POST
def case_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    case = case_for(request.user, pk)
    if action not in _action_names(case, request.user, case.requests.all()):
        messages.error(request, _("This action is not available on this case now."))
        return redirect("cases:case", pk=case.pk)
    form = _bound(action, case, request.user, request.POST)
    if form.is_valid():
        try:
            ACTIONS[action].run(case, request.user, form.cleaned_data)
        except s.TransitionRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Done."))
            return redirect("cases:case", pk=case.pk)
    return _render_case(request, case_for(request.user, pk), failed=form, status=400)


@requires("case.read_content")
def attachment_download(request, pk: int, attachment_id: int):
    case = case_for(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, report=case.report)
    with transaction.atomic():
        audit_record(
            action="case.attachment_read", actor=request.user, target=case, data={"attachment": attachment.pk}
        )
    response = FileResponse(
        io.BytesIO(read_decrypted(attachment.stored_name)),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.original_name,
    )
    response["Cache-Control"] = "no-store"
    return response


@requires("case.legal_hold")
@require_POST
def case_hold(request, pk: int, step: str):
    """Place (``step`` = "place") or lift ("lift") a legal hold on the case's content."""
    case = case_for(request.user, pk)
    service = {"place": case_hold_place, "lift": case_hold_lift}.get(step)
    if service is None:
        raise Http404
    form = f.HoldForm(request.POST, prefix="hold")
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
    else:
        try:
            service(case=case, by=request.user, reason=form.cleaned_data["reason"])
        except RetentionRefused as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Done."))
    return redirect(f"{reverse('cases:case', args=[case.pk])}#retention")


# ---------------------------------------------------------------- a reporter's identity


@requires("identity.request")
@require_POST
def disclosure_new(request, pk: int):
    case = case_for(request.user, pk)
    form = f.DisclosureRequestForm(request.POST, prefix="disclosure")
    if not form.is_valid():
        messages.error(request, _("Give the reason why the investigation needs the reporter's identity."))
        return redirect("cases:case", pk=case.pk)
    try:
        d.disclosure_request(case=case, by=request.user, reason=form.cleaned_data["reason"])
    except d.DisclosureRefused as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Your request is with the identity custodian."))
    return redirect("cases:case", pk=case.pk)


@requires("identity.request")
def identity_show(request, pk: int):
    """A confidential reporter's identity, to the requester of an approved request alone; every view is
    audited (by ``identity_for``). Its own page, so that opening the case does not put it on screen."""
    case = case_for(request.user, pk)
    grant = d.disclosure_open_to(request.user, case)
    identity = d.identity_for(request.user, case) if grant else None
    if identity is None or grant is None:
        raise Http404
    response = render(request, "cases/identity.html", {"case": case, "identity": identity, "grant": grant})
    response["Cache-Control"] = "no-store"
    return response


@requires("identity.approve")
def disclosures(request):
    """The identity custodian's desk: the requests of their scope, pending first, then decided."""
    rows = list(d.disclosures_for_custodian(request.user))
    pending = [(r, f.DisclosureDecisionForm(prefix=f"d{r.pk}")) for r in rows if r.state == r.State.PENDING]
    decided = sorted(
        (r for r in rows if r.state != r.State.PENDING), key=lambda r: r.decided_at, reverse=True
    )
    context = {"pending": pending, "decided": decided[:100], "now": timezone.now()}
    return render(request, "cases/disclosures.html", context)


@requires("identity.approve")
@require_POST
def disclosure_decide(request, pk: int, decision: str):
    found = d.disclosure_for_custodian(request.user, pk)
    if found is None or decision not in ("approve", "refuse"):
        raise Http404
    form = f.DisclosureDecisionForm(request.POST, prefix=f"d{pk}")
    if not form.is_valid():
        messages.error(request, _("Give the reason for your decision."))
        return redirect("cases:disclosures")
    try:
        if decision == "approve":
            d.disclosure_approve(
                request=found,
                by=request.user,
                reason=form.cleaned_data["reason"],
                withhold_notice_reason=form.cleaned_data["withhold_notice_reason"],
            )
        else:
            d.disclosure_refuse(request=found, by=request.user, reason=form.cleaned_data["reason"])
    except d.DisclosureRefused as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("cases:disclosures")
