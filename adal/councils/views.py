"""Councils' pages: the public index, each council's page with its meetings, minutes, proposals and
news (with share links and Open Graph tags), the statistics of a period, and the secretaries' pages.

A secretary manages the council of their own unit only (``may_manage``); another council's staff pages
answer 403, and a signed-out visitor is sent to the staff sign-in."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from adal.cases.clocks import local_date
from adal.cases.selectors import case_for
from adal.core.permissions import require, requires
from adal.core.texts import Texts
from adal.councils import forms as f
from adal.councils import services as s
from adal.councils.models import Council, Meeting, Proposal
from adal.councils.selectors import (
    council_news,
    council_page,
    council_tree,
    councils_managed_by,
    councils_seated_by,
    meetings_open_for_case,
    members_current,
    memberships_of,
    minutes_visible,
    proposal_visible,
    units_awaiting_council,
)

# ---------------------------------------------------------------- publicity: Open Graph and share links

OG_LOCALES = {"ru": "ru_RU", "kk": "kk_KZ", "en": "en_US"}

# Plain links to the networks' own share pages: no script of theirs runs on ours.
SHARE_TARGETS: tuple[tuple[str, str, Callable[[str, str], dict]], ...] = (
    ("Telegram", "https://t.me/share/url", lambda url, title: {"url": url, "text": title}),
    ("WhatsApp", "https://wa.me/", lambda url, title: {"text": f"{title} {url}"}),
    ("Facebook", "https://www.facebook.com/sharer/sharer.php", lambda url, title: {"u": url}),
    ("VK", "https://vk.com/share.php", lambda url, title: {"url": url, "title": title}),
    ("X", "https://twitter.com/intent/tweet", lambda url, title: {"url": url, "text": title}),
)


def share_links(url: str, title: str) -> list[dict]:
    return [
        {"network": name, "href": f"{base}?{urlencode(params(url, title))}"}
        for name, base, params in SHARE_TARGETS
    ]


def publicity(request, *, title: str, description: str, kind: str = "website", path: str = "") -> dict:
    """The page's Open Graph tags and share links, for the address the visitor sees."""
    url = request.build_absolute_uri(path or request.path)
    og = {
        "title": title,
        "description": Truncator(" ".join(description.split())).chars(200),
        "url": url,
        "type": kind,
        "locale": OG_LOCALES.get((get_language() or "ru")[:2], "ru_RU"),
    }
    return {"og": og, "share": share_links(url, title)}


# ---------------------------------------------------------------- public pages


def _council(slug: str) -> Council:
    return get_object_or_404(Council.objects.select_related("parent", "territory"), slug=slug)


def council_index(request):
    title = _("Public anti-corruption councils")
    return render(
        request,
        "councils/index.html",
        {
            "tree": council_tree(),
            **publicity(
                request,
                title=title,
                description=_(
                    "Councils at the centre, in the regions and in the districts: their members, "
                    "meetings, minutes, proposals and news."
                ),
            ),
        },
    )


def council_detail(request, slug: str):
    council = _council(slug)
    return render(
        request,
        "councils/council.html",
        {
            "council": council,
            "page": council_page(council=council, viewer=request.user),
            "news": council_news(council),
            "children": council.children.all(),
            **publicity(
                request,
                title=council.name,
                description=_("Members, meetings, minutes, proposals and news of the council."),
            ),
        },
    )


def meeting_detail(request, slug: str, pk: int):
    council = _council(slug)
    meeting = get_object_or_404(council.meetings.select_related("council"), pk=pk)
    show_minutes = minutes_visible(meeting, request.user)
    present = meeting.attendance.select_related("membership__person") if show_minutes else []
    title = _("Meeting of %(council)s, %(date)s") % {
        "council": council.name,
        "date": formats.date_format(local_date(meeting.planned_at), "SHORT_DATE_FORMAT"),
    }
    return render(
        request,
        "councils/meeting.html",
        {
            "council": council,
            "meeting": meeting,
            "items": meeting.agenda_items.select_related("topic"),
            "show_minutes": show_minutes,
            "present": present,
            "proposals": meeting.proposals.exclude(state=Proposal.State.DRAFT),
            "manages": s.may_manage(request.user, council),
            **publicity(
                request,
                title=title,
                description=meeting.minutes if show_minutes else meeting.get_state_display(),
                kind="article",
            ),
        },
    )


def proposal_detail(request, slug: str, pk: int):
    council = _council(slug)
    proposal = get_object_or_404(council.proposals.select_related("council"), pk=pk)
    if not proposal_visible(proposal, request.user):
        raise Http404
    return render(
        request,
        "councils/proposal.html",
        {
            "council": council,
            "proposal": proposal,
            "meetings": proposal.meetings.all(),
            "cases_count": proposal.cases.count(),
            "manages": s.may_manage(request.user, council),
            **publicity(request, title=proposal.title, description=proposal.text, kind="article"),
        },
    )


def news_detail(request, slug: str, pk: int):
    council = _council(slug)
    post = get_object_or_404(council.news.select_related("meeting"), pk=pk)
    return render(
        request,
        "councils/news.html",
        {
            "council": council,
            "post": post,
            **publicity(request, title=post.title, description=post.body, kind="article"),
        },
    )


# ---------------------------------------------------------------- statistics of a period

CHART_WIDTH = 480
BAR_WIDTH = 420  # the rest of the width holds the largest bar's figure
BAR_ROW = 40


def chart(rows: list[dict], *, label: str, value: str) -> dict:
    """Horizontal bars for an inline SVG: each row's label above its bar, bars scaled to the largest.
    Numbers are given as strings so that the page's language cannot put a decimal comma into the SVG."""
    top = max((r[value] for r in rows), default=0)
    bars = [
        {
            "label": r[label],
            "value": r[value],
            "y": str(i * BAR_ROW),
            "width": str(round(BAR_WIDTH * r[value] / top)) if top else "0",
            "value_x": str((round(BAR_WIDTH * r[value] / top) if top else 0) + 6),
        }
        for i, r in enumerate(rows)
    ]
    return {"bars": bars, "width": str(CHART_WIDTH), "height": str(max(len(rows), 1) * BAR_ROW)}


# ---------------------------------------------------------------- the secretaries' pages


def _managed(request, slug: str) -> Council:
    council = _council(slug)
    require(request.user, "council.manage", council)
    return council


@requires("council.manage")
def staff_home(request):
    context = {
        "councils": councils_managed_by(request.user),
        "seated": councils_seated_by(request.user),
    }
    return render(request, "councils/staff/home.html", context)


@requires("council.manage")
def staff_council(request, slug: str):
    council = _managed(request, slug)
    return render(
        request,
        "councils/staff/council.html",
        {
            "council": council,
            "meetings": council.meetings.order_by("-planned_at", "-id"),
            "proposals": council.proposals.all(),
            "news": council_news(council),
        },
    )


def _simple_form(request, council: Council, form, *, heading: str, save, done: Callable):
    """A page with one form: on a valid POST, ``save(cleaned_data)`` calls the service and the visitor
    goes on to ``done(result)``; a refusal is shown on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except s.CouncilActionRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Done."))
            return redirect(done(result))
    status = 400 if form.is_bound else 200
    context = {"council": council, "form": form, "heading": heading}
    return render(request, "councils/staff/form.html", context, status=status)


@requires("council.manage")
def meeting_new(request, slug: str):
    council = _managed(request, slug)
    return _simple_form(
        request,
        council,
        f.MeetingPlanForm(request.POST or None),
        heading=_("Plan a meeting"),
        save=lambda d: s.meeting_plan(
            council=council,
            planned_at=d["planned_at"],
            place=d["place"],
            online_url=d["online_url"],
            by=request.user,
        ),
        done=lambda meeting: reverse("councils:staff_meeting", args=[council.slug, meeting.pk]),
    )


@requires("council.manage")
def proposal_new(request, slug: str):
    council = _managed(request, slug)
    return _simple_form(
        request,
        council,
        f.ProposalForm(request.POST or None, council=council),
        heading=_("New proposal"),
        save=lambda d: s.proposal_create(
            council=council,
            kind=d["kind"],
            addressee=d["addressee"],
            title=d["title"],
            text=d["text"],
            meetings=d["meetings"],
            cases=d["cases"],
            by=request.user,
        ),
        done=lambda proposal: reverse("councils:staff_proposal", args=[council.slug, proposal.pk]),
    )


@requires("council.manage")
def news_new(request, slug: str):
    council = _managed(request, slug)
    return _simple_form(
        request,
        council,
        f.NewsForm(request.POST or None, council=council),
        heading=_("Post news"),
        save=lambda d: s.news_post(
            council=council, title=d["title"], body=d["body"], meeting=d["meeting"], by=request.user
        ),
        done=lambda post: reverse("councils:news", args=[council.slug, post.pk]),
    )


@dataclass(frozen=True)
class Action:
    label: str
    form: type[forms.Form]
    run: Callable  # (obj, user, form) -> None
    form_kwargs: Callable = lambda obj: {}
    initial: Callable = lambda obj: {}


MEETING_ACTIONS: dict[str, Action] = {
    "agenda": Action(
        gettext_lazy("Add an item to the agenda"),
        f.AgendaItemForm,
        lambda m, u, form: s.agenda_item_add(
            meeting=m,
            topic=form.cleaned_data["topic"],
            title=form.cleaned_data["title"],
            rapporteur=form.cleaned_data["rapporteur"],
            cases=form.cleaned_data["cases"],
            by=u,
        ),
        lambda m: {"council": m.council},
    ),
    "held": Action(
        gettext_lazy("Record the meeting as held"),
        f.MeetingHeldForm,
        lambda m, u, form: s.meeting_record_held(
            meeting=m,
            present=form.cleaned_data["present"],
            decisions=form.decisions(),
            held_on=form.cleaned_data["held_on"],
            minutes=form.cleaned_data["minutes"],
            by=u,
        ),
        lambda m: {"meeting": m},
        lambda m: {"held_on": local_date(m.planned_at)},
    ),
    "minutes": Action(
        gettext_lazy("Publish the minutes"),
        f.MinutesForm,
        lambda m, u, form: s.minutes_publish(
            meeting=m,
            minutes=form.cleaned_data["minutes"],
            visibility=form.cleaned_data["visibility"],
            by=u,
        ),
        initial=lambda m: {**Texts.of(m, "minutes").columns("minutes"), "visibility": m.minutes_visibility},
    ),
}


def meeting_actions(meeting: Meeting) -> list[str]:
    """What the secretary can do next: the agenda changes while the meeting is planned, and it can be
    recorded as held from its planned day; the minutes are published once it is held."""
    if meeting.state == Meeting.State.PLANNED:
        return ["agenda", "held"] if local_date(meeting.planned_at) <= s.today() else ["agenda"]
    if meeting.state == Meeting.State.HELD:
        return ["minutes"]
    return []


PROPOSAL_ACTIONS: dict[str, Action] = {
    "submit": Action(
        gettext_lazy("Submit to the addressee"),
        f.ProposalSubmitForm,
        lambda p, u, form: s.proposal_submit(
            proposal=p, submitted_on=form.cleaned_data["submitted_on"], by=u
        ),
        initial=lambda p: {"submitted_on": s.today()},
    ),
    "consider": Action(
        gettext_lazy("Record that the addressee has taken it under consideration"),
        f.ProposalConsiderForm,
        lambda p, u, form: s.proposal_consider(proposal=p, on=form.cleaned_data["on"], by=u),
        initial=lambda p: {"on": s.today()},
    ),
    "answer": Action(
        gettext_lazy("Record the addressee's answer"),
        f.ProposalAnswerForm,
        lambda p, u, form: s.proposal_answer(
            proposal=p,
            outcome=form.cleaned_data["outcome"],
            answer=form.cleaned_data["answer"],
            answered_on=form.cleaned_data["answered_on"],
            by=u,
        ),
        initial=lambda p: {"answered_on": s.today()},
    ),
}


def proposal_actions(proposal: Proposal) -> list[str]:
    return {
        Proposal.State.DRAFT: ["submit"],
        Proposal.State.SUBMITTED: ["consider", "answer"],
        Proposal.State.UNDER_CONSIDERATION: ["answer"],
    }.get(proposal.state, [])


def _bound(actions: dict[str, Action], name: str, obj, data=None) -> forms.Form:
    action = actions[name]
    return action.form(data, prefix=name, initial=action.initial(obj), **action.form_kwargs(obj))


def _run(request, actions: dict[str, Action], available: list[str], name: str, obj, page: Callable):
    """POST of one action: run it and go back to the page, or show the page with the form's errors."""
    if name not in actions:
        raise Http404
    if name not in available:
        messages.error(request, _("This action is not available now."))
        return page(None, 302)
    form = _bound(actions, name, obj, request.POST)
    if form.is_valid():
        try:
            actions[name].run(obj, request.user, form)
        except s.CouncilActionRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Done."))
            return page(None, 302)
    return page({name: form}, 400)


def _meeting_page(request, council: Council, meeting: Meeting, bound=None, status=200):
    if status == 302:
        return redirect("councils:staff_meeting", council.slug, meeting.pk)
    forms_ = {name: _bound(MEETING_ACTIONS, name, meeting) for name in meeting_actions(meeting)}
    forms_.update(bound or {})
    context = {
        "council": council,
        "meeting": meeting,
        "items": meeting.agenda_items.select_related("topic").prefetch_related("cases__report"),
        "present": meeting.attendance.select_related("membership__person"),
        "forms": forms_,
        "labels": {name: a.label for name, a in MEETING_ACTIONS.items()},
    }
    return render(request, "councils/staff/meeting.html", context, status=status)


@requires("council.manage")
def staff_meeting(request, slug: str, pk: int):
    council = _managed(request, slug)
    return _meeting_page(request, council, get_object_or_404(council.meetings, pk=pk))


@requires("council.manage")
@require_POST
def meeting_action(request, slug: str, pk: int, action: str):
    council = _managed(request, slug)
    meeting = get_object_or_404(council.meetings.select_related("council"), pk=pk)
    return _run(
        request,
        MEETING_ACTIONS,
        meeting_actions(meeting),
        action,
        meeting,
        lambda bound, status: _meeting_page(request, council, meeting, bound, status),
    )


def _proposal_page(request, council: Council, proposal: Proposal, bound=None, status=200):
    if status == 302:
        return redirect("councils:staff_proposal", council.slug, proposal.pk)
    forms_ = {name: _bound(PROPOSAL_ACTIONS, name, proposal) for name in proposal_actions(proposal)}
    forms_.update(bound or {})
    context = {
        "council": council,
        "proposal": proposal,
        "meetings": proposal.meetings.all(),
        "cases": proposal.cases.select_related("report"),
        "forms": forms_,
        "labels": {name: a.label for name, a in PROPOSAL_ACTIONS.items()},
    }
    return render(request, "councils/staff/proposal.html", context, status=status)


@requires("council.manage")
def staff_proposal(request, slug: str, pk: int):
    council = _managed(request, slug)
    return _proposal_page(request, council, get_object_or_404(council.proposals, pk=pk))


@requires("council.manage")
@require_POST
def proposal_action(request, slug: str, pk: int, action: str):
    council = _managed(request, slug)
    proposal = get_object_or_404(council.proposals.select_related("council"), pk=pk)
    return _run(
        request,
        PROPOSAL_ACTIONS,
        proposal_actions(proposal),
        action,
        proposal,
        lambda bound, status: _proposal_page(request, council, proposal, bound, status),
    )


# ---------------------------------------------------------------- from a case to a council's agenda


@requires("council.put_case_on_agenda")
def case_agenda(request, pk: int):
    """The case's officer (or a head above) puts the case on a planned meeting of a council that may
    consider it; the case's timeline records it, and later the council's decision."""
    case = case_for(request.user, pk)
    require(request.user, "council.put_case_on_agenda", case)
    form = f.CaseAgendaForm(request.POST or None, meetings=meetings_open_for_case(case))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            s.case_put_on_agenda(
                case=case,
                meeting=d["meeting"],
                topic=d["topic"],
                title=d["title"],
                rapporteur=d["rapporteur"],
                by=request.user,
            )
        except s.CouncilActionRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The case is on the council's agenda."))
            return redirect("cases:case", pk=case.pk)
    status = 400 if form.is_bound else 200
    return render(request, "councils/staff/case_agenda.html", {"case": case, "form": form}, status=status)


# ---------------------------------------------------------------- the register: councils and their members


@requires("council.create")
def council_new(request):
    """An administrator creates any council; a secretary, the councils of the units just below their
    own. The new council's members are seated next, on its members' page."""
    units = units_awaiting_council(request.user)
    form = f.CouncilCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            council = s.council_create(
                unit=d["unit"],
                name_ru=d["name_ru"],
                name_kk=d["name_kk"],
                name_en=d["name_en"],
                slug=d["slug"],
                territory=d["territory"],
                quorum_fraction=d["quorum_fraction"],
                by=request.user,
            )
        except s.CouncilActionRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The council is created. Seat its members now."))
            return redirect("councils:staff_members", council.slug)
    status = 400 if form.is_bound else 200
    return render(request, "councils/staff/council_new.html", {"form": form, "units": units}, status=status)


def _seated(request, slug: str) -> Council:
    council = _council(slug)
    require(request.user, "council.seat", council)
    return council


def _members_page(request, council: Council, *, add_form=None, cease_forms=None, status=200):
    memberships = memberships_of(council)
    cease_forms = cease_forms or {}
    rows = [
        {
            "membership": m,
            "form": cease_forms.get(m.pk)
            or (f.MemberCeaseForm(prefix=f"cease-{m.pk}") if m.ceased_on is None else None),
        }
        for m in memberships
    ]
    context = {
        "council": council,
        "rows": rows,
        "current": {m.pk for m in members_current(council)},
        "form": add_form or f.MemberAddForm(prefix="add"),
        "manages": s.may_manage(request.user, council),
    }
    return render(request, "councils/staff/members.html", context, status=status)


@requires("council.seat")
def staff_members(request, slug: str):
    """The council's members, past and present; seat a member (POST), or end a membership."""
    council = _seated(request, slug)
    if request.method != "POST":
        return _members_page(request, council)
    form = f.MemberAddForm(request.POST, prefix="add")
    if form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():  # a new person is not left behind when the seat is refused
                person = d["person"] or s.person_create(
                    full_name=d["full_name"], full_name_latin=d["full_name_latin"], by=request.user
                )
                s.membership_add(
                    council=council,
                    person=person,
                    position=d["position"],
                    term_start=d["term_start"],
                    term_end=d["term_end"],
                    by=request.user,
                )
        except s.CouncilActionRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("%(person)s is seated.") % {"person": person.name})
            return redirect("councils:staff_members", council.slug)
    return _members_page(request, council, add_form=form, status=400)


@requires("council.seat")
@require_POST
def member_cease(request, slug: str, pk: int):
    council = _seated(request, slug)
    membership = get_object_or_404(council.memberships.select_related("person", "council"), pk=pk)
    form = f.MemberCeaseForm(request.POST, prefix=f"cease-{pk}")
    if form.is_valid():
        try:
            s.membership_cease(
                membership=membership,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except s.CouncilActionRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request, _("The membership of %(person)s has ended.") % {"person": membership.person.name}
            )
            return redirect("councils:staff_members", council.slug)
    return _members_page(request, council, cease_forms={pk: form}, status=400)
