"""Reads about councils: members, the data of a council's page, and meeting statistics for a period."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from adal.cases.clocks import local_date
from adal.cases.selectors import Period
from adal.core.models import Role, Territory, User
from adal.councils.models import (
    POSITION_ORDER,
    AgendaItem,
    Council,
    Meeting,
    Membership,
    Proposal,
    Topic,
    active_on,
)
from adal.councils.services import may_manage, today

HELD_STATES = (Meeting.State.HELD, Meeting.State.MINUTES_PUBLISHED)


# ---------------------------------------------------------------- scope


def councils_managed_by(user: User) -> QuerySet[Council]:
    if not user.is_active:
        return Council.objects.none()
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return Council.objects.all()
    if user.role != Role.COUNCIL_SECRETARY or user.unit_id is None:
        return Council.objects.none()
    return Council.objects.filter(unit_id=user.unit_id)


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
    counts once under each topic on its agenda."""
    held = meetings_held(period)
    regions = dict(held.order_by().values_list("region__kato").annotate(n=Count("id")))
    names = {t.kato: t.name for t in Territory.objects.filter(kato__in=[k for k in regions if k])}
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
