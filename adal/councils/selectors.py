"""Reads about councils: members, the data of a council's page, and meeting statistics for a period."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from adal.cases.clocks import local_date
from adal.cases.models import Case
from adal.cases.selectors import Period
from adal.core import permissions
from adal.core.models import Role, Territory, Unit, User
from adal.core.selectors import names_on
from adal.core.workdays import local_zone
from adal.councils.models import (
    POSITION_ORDER,
    AgendaItem,
    Council,
    Meeting,
    Membership,
    News,
    Proposal,
    Topic,
    active_on,
)
from adal.councils.services import may_manage, today

HELD_STATES = (Meeting.State.HELD, Meeting.State.MINUTES_PUBLISHED)


# ---------------------------------------------------------------- scope


def councils_managed_by(user: User) -> QuerySet[Council]:
    """The councils whose pages the user manages: as ``may(user, "council.manage", council)`` says of
    each (a secretary, the council of their own unit; an administrator, every council)."""
    if not permissions.may(user, "council.manage"):
        return Council.objects.none()
    if permissions.role_of(user) == Role.ADMINISTRATOR:
        return Council.objects.all()
    return Council.objects.filter(unit_id=user.unit_id) if user.unit_id else Council.objects.none()


def councils_seated_by(user: User) -> QuerySet[Council]:
    """The councils whose members the user seats: as ``may(user, "council.seat", council)`` says (a
    secretary, their own council and those just below it; an administrator, every council)."""
    if not permissions.may(user, "council.seat"):
        return Council.objects.none()
    if permissions.role_of(user) == Role.ADMINISTRATOR:
        return Council.objects.all()
    if not user.unit_id:
        return Council.objects.none()
    return Council.objects.filter(Q(unit_id=user.unit_id) | Q(parent__unit_id=user.unit_id))


def units_awaiting_council(user: User) -> QuerySet[Unit]:
    """Units the user may create a council for: units without one whose unit above has one (or that
    head the tree), each as ``may(user, "council.create", unit)`` says."""
    if not permissions.may(user, "council.create"):
        return Unit.objects.none()
    with_council = Council.objects.values("unit_id")
    free = Unit.objects.exclude(pk__in=with_council).filter(
        Q(parent__isnull=True) | Q(parent_id__in=with_council)
    )
    return Unit.objects.filter(pk__in=[u.pk for u in free if permissions.may(user, "council.create", u)])


def memberships_of(council: Council) -> list[Membership]:
    """Every membership of the council, current and past: the newest terms first, the chair first
    among the terms that start on the same day."""
    rows = Membership.objects.filter(council=council).select_related("person")
    return sorted(rows, key=lambda m: (-m.term_start.toordinal(), POSITION_ORDER[m.position], m.pk))


def is_member(user: User | None, council: Council, on: dt.date | None = None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(active_on(on or today()), council=council, person__user=user).exists()


# ---------------------------------------------------------------- members and the council's page


def members_current(council: Council, on: dt.date | None = None) -> list[Membership]:
    """Members in force on the day (today by default): the chair first, then deputies, secretary,
    members, each by name."""
    rows = Membership.objects.filter(active_on(on or today()), council=council).select_related("person")
    return sorted(rows, key=lambda m: (POSITION_ORDER[m.position], m.person.full_name, m.pk))


def minutes_visible(meeting: Meeting, viewer: User | None) -> bool:
    if meeting.state != Meeting.State.MINUTES_PUBLISHED:
        return False
    if meeting.minutes_visibility == Meeting.Visibility.PUBLIC:
        return True
    return may_manage(viewer, meeting.council) or is_member(viewer, meeting.council)


@dataclass
class CouncilPage:
    council: Council
    members: list[Membership]
    upcoming: list[Meeting]
    past: list[Meeting]
    minutes: list[Meeting]  # published minutes the viewer may read
    proposals: list[Proposal]
    manages: bool


def council_page(*, council: Council, viewer: User | None = None, limit: int = 20) -> CouncilPage:
    """What the council's page shows: the public sees submitted proposals and public minutes; members
    also read members-only minutes; the council's secretary and administrators also see drafts."""
    manages = may_manage(viewer, council)
    meetings = council.meetings.select_related("council")
    past = list(meetings.filter(state__in=HELD_STATES).order_by("-held_on", "-id")[:limit])
    proposals = council.proposals.all()
    if not manages:
        proposals = proposals.exclude(state=Proposal.State.DRAFT)
    published = meetings.filter(state=Meeting.State.MINUTES_PUBLISHED).order_by("-published_at", "-id")
    if not (manages or is_member(viewer, council)):
        published = published.filter(minutes_visibility=Meeting.Visibility.PUBLIC)
    return CouncilPage(
        council=council,
        members=members_current(council),
        upcoming=list(
            meetings.filter(state=Meeting.State.PLANNED, planned_at__gte=timezone.now()).order_by(
                "planned_at", "id"
            )[:limit]
        ),
        past=past,
        minutes=list(published[:limit]),
        proposals=list(proposals[:limit]),
        manages=manages,
    )


# ---------------------------------------------------------------- statistics for the portal


def meetings_held(period: Period) -> QuerySet[Meeting]:
    """Meetings held in the period: held on a local day from the start's day up to (not including)
    the end's day."""
    return Meeting.objects.filter(
        state__in=HELD_STATES, held_on__gte=local_date(period.start), held_on__lt=local_date(period.end)
    )


def meeting_statistics(period: Period) -> dict:
    """``{"meetings_held": N, "by_region": [...], "by_topic": [...]}`` for the period.

    A meeting counts under the region it was held in (kept on the meeting, so a later redrawing of
    the map does not move it); meetings of the central council count under ``kato: null``. A meeting
    counts once under each topic on its agenda. Regions are named as they were on the period's first day
    (the capital: Nur-Sultan in 2019)."""
    held = meetings_held(period)
    regions = dict(held.order_by().values_list("region__kato").annotate(n=Count("id")))
    territories = Territory.objects.filter(kato__in=[k for k in regions if k])
    names = {kato: named.name for kato, named in names_on(territories, local_date(period.start)).items()}
    topics = dict(
        AgendaItem.objects.filter(meeting__in=held)
        .order_by()
        .values_list("topic_id")
        .annotate(n=Count("meeting", distinct=True))
    )
    by_topic = [
        {"topic": t.code, "name": t.name, "meetings": topics[t.pk]}
        for t in Topic.objects.filter(pk__in=topics)
    ]
    by_region = [
        {"kato": kato, "name": names[kato] if kato else _("National level"), "meetings": n}
        for kato, n in regions.items()
    ]
    return {
        "meetings_held": sum(regions.values()),
        "by_region": sorted(by_region, key=lambda r: (-r["meetings"], r["kato"] or "")),
        "by_topic": sorted(by_topic, key=lambda r: (-r["meetings"], r["topic"])),
    }


# ---------------------------------------------------------------- the public index, news and feeds


@dataclass
class CouncilNode:
    council: Council
    children: list["CouncilNode"]


def council_tree() -> list[CouncilNode]:
    """Every council under the one above it (centre → region → district), each level in the order of
    the organisation's units."""
    nodes = {c.pk: CouncilNode(c, []) for c in Council.objects.select_related("territory")}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.council.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


def council_news(council: Council, limit: int = 20) -> list[News]:
    return list(council.news.select_related("meeting")[:limit])


@dataclass
class Publication:
    """One entry of a council's feed: a news post, public minutes, or a proposal sent to its addressee."""

    kind: str  # "news", "minutes" or "proposal"
    obj: News | Meeting | Proposal
    council: Council
    published_at: dt.datetime
    updated_at: dt.datetime


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_zone())


def _proposal_publication(p: Proposal) -> Publication:
    changed = p.answered_on or p.considered_from or p.submitted_on
    return Publication("proposal", p, p.council, _start_of(p.submitted_on), _start_of(changed))


def publications(council: Council | None = None, limit: int = 50) -> list[Publication]:
    """What the public may read, newest first: news posts, minutes published for everyone, and
    proposals once submitted (dated by submission; updated when considered or answered)."""
    news = News.objects.select_related("council")
    minutes = Meeting.objects.filter(
        state=Meeting.State.MINUTES_PUBLISHED, minutes_visibility=Meeting.Visibility.PUBLIC
    ).select_related("council")
    proposals = Proposal.objects.exclude(state=Proposal.State.DRAFT).select_related("council")
    if council is not None:
        news, minutes, proposals = (qs.filter(council=council) for qs in (news, minutes, proposals))
    entries = [Publication("news", n, n.council, n.published_at, n.published_at) for n in news[:limit]]
    entries += [
        Publication("minutes", m, m.council, m.published_at, m.published_at)
        for m in minutes.order_by("-published_at", "-id")[:limit]
    ]
    entries += [_proposal_publication(p) for p in proposals.order_by("-submitted_on", "-id")[:limit]]
    return sorted(entries, key=lambda e: e.published_at, reverse=True)[:limit]


def proposal_visible(proposal: Proposal, viewer: User | None) -> bool:
    """A draft is the council's own work in progress; once submitted, a proposal is public."""
    return proposal.state != Proposal.State.DRAFT or may_manage(viewer, proposal.council)


def meetings_open_for_case(case: Case) -> QuerySet[Meeting]:
    """Planned meetings of the councils that may consider the case: its unit's and those above it."""
    if case.unit_id is None:
        return Meeting.objects.none()
    keys = case.unit.path.strip("/").split("/")
    prefixes = ["/" + "/".join(keys[:n]) + "/" for n in range(1, len(keys) + 1)]
    return (
        Meeting.objects.filter(state=Meeting.State.PLANNED, council__unit__path__in=prefixes)
        .select_related("council")
        .order_by("planned_at", "id")
    )


def attendance_candidates(meeting: Meeting) -> QuerySet[Membership]:
    """Who may be marked present: members on the planned day or today (the day it is recorded as
    held lies between them; the service checks the day actually chosen)."""
    days = (local_date(meeting.planned_at), today())
    return (
        Membership.objects.filter(active_on(days[0]) | active_on(days[1]), council=meeting.council)
        .select_related("person")
        .order_by("person__full_name", "pk")
    )


# ---------------------------------------------------------------- periods and the period's figures


def last_full_half_year(on: dt.date) -> tuple[dt.date, dt.date]:
    """The latest half-year (January–June or July–December) that has ended before ``on``."""
    if on.month <= 6:
        return dt.date(on.year - 1, 7, 1), dt.date(on.year - 1, 12, 31)
    return dt.date(on.year, 1, 1), dt.date(on.year, 6, 30)


def last_half_year_with_meetings(on: dt.date) -> tuple[dt.date, dt.date]:
    """The latest full half-year before ``on`` in which a council held a meeting, so that the page of
    council activity opens on figures; the last full half-year when no meeting has been held."""
    first, last = last_full_half_year(on)
    held = Meeting.objects.filter(state__in=HELD_STATES, held_on__lte=last)
    latest = held.order_by("-held_on").values_list("held_on", flat=True).first()
    if latest is None:
        return first, last
    if latest.month <= 6:
        return dt.date(latest.year, 1, 1), dt.date(latest.year, 6, 30)
    return dt.date(latest.year, 7, 1), dt.date(latest.year, 12, 31)


def chosen_period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """The first and last day asked for; with neither, the last full half-year. A ValidationError
    names the field at fault, for the API's 422 and for the statistics page's form."""
    if date_from is None and date_to is None:
        return last_full_half_year(today())
    if date_from is None or date_to is None:
        field = "from" if date_from is None else "to"
        raise ValidationError({field: _("Give both the first and the last day of the period.")})
    if date_from > date_to:
        raise ValidationError({"from": _("The period must start before it ends.")})
    if date_to >= dt.date.max:
        raise ValidationError({"to": _("The last day is too far in the future.")})
    return date_from, date_to


def period_of_days(date_from: dt.date, date_to: dt.date) -> Period:
    """The days from ``date_from`` to ``date_to`` (both included) as a Period in Kazakhstan's time."""
    return Period(start=_start_of(date_from), end=_start_of(date_to + dt.timedelta(days=1)))


def proposal_statistics(date_from: dt.date, date_to: dt.date) -> dict:
    """Proposals submitted between the two days (both included), by the state they are in now."""
    counts = dict(
        Proposal.objects.filter(submitted_on__gte=date_from, submitted_on__lte=date_to)
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"))
    )
    return {
        "submitted": sum(counts.values()),
        "by_state": [
            {"state": value, "label": str(label), "count": counts.get(value, 0)}
            for value, label in Proposal.State.choices
            if value != Proposal.State.DRAFT
        ],
    }


def council_statistics(date_from: dt.date, date_to: dt.date) -> dict:
    """The councils' figures of a period as the API and the statistics page publish them."""
    return {
        **meeting_statistics(period_of_days(date_from, date_to)),
        "proposals": proposal_statistics(date_from, date_to),
    }
