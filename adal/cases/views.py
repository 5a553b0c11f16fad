import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from adal.cases import forms as f
from adal.cases import services as s
from adal.cases.models import OPEN_STATES, Case, State, StateBodyRequest
from adal.cases.selectors import QueueFilters, case_for, queue_counts, queue_page
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
            category=d["category"],
            region=d["region"],
            concerns_corruption=d["concerns_corruption"],
            involves_official=d["involves_official"],
        ),
        lambda c, u: {"case": c},
    ),
    "redirect": Action(
        f.RedirectForm,
        lambda c, u, d: s.case_redirect(case=c, by=u, authority=d["authority"], reason=d["reason"]),
    ),
    "merge": Action(f.MergeForm, lambda c, u, d: s.case_merge(case=c, by=u, into=_other_case(u, d["into"]))),
    "leave": Action(f.ReasonForm, lambda c, u, d: s.case_leave(case=c, by=u, reason=d["reason"])),
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
    <details> opens): rendering every form's widgets would cost more than the rest of the page."""
    with transaction.atomic():
        audit_record(action="case.content_read", actor=request.user, target=case)
    requests = list(case.requests.all())
    opened = failed.prefix if failed else request.GET.get("action")

    def form_for(name):
        if failed and failed.prefix == name:
            return failed
        return _bound(name, case, request.user) if name == opened else None

    actions = [(name, form_for(name)) for name in _action_names(case, request.user, requests)]
    context = {
        "case": case,
        "report": case.report,
        "events": case.events.select_related("actor"),
        "conversation": case.report.messages.all(),
        "attachments": case.report.attachments.all(),
        "transcript": transcript_of(case.report),
        "requests": requests,
        "measures": case.measures.all(),
        "links": case.links.select_related("other__report"),
        "actions": actions,
        "may_put_on_agenda": may(request.user, "council.put_case_on_agenda", case),
        "labels": {name: s.RULES[name].label for name in s.RULES},
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
