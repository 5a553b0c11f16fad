"""Reads: statistics of party responsibility for a period, and the public list.

How people are counted: a person is *held responsible* in a period when at least one sanction decided in
it still stands (decided, under appeal, or upheld — not reversed). Each person counts once, under their
most severe standing sanction of the period (the latest, if two are equally severe), and with the region
and position level recorded with that decision; so every breakdown sums to ``held_responsible`` and
``expelled`` equals the expulsion row of ``by_sanction``. Regions are those of the map of the time, as
recorded. The figures reflect the records as they are now: a sanction reversed later no longer counts in
the period it was decided in.
"""

import datetime as dt
from collections import Counter

from django.db.models import Q, QuerySet
from django.utils import timezone

from adal.cases.clocks import local_date
from adal.cases.selectors import Period
from adal.core import permissions
from adal.core.models import Role, Territory
from adal.core.selectors import NamesOfTheTime
from adal.discipline.models import (
    STANDING,
    PartyMember,
    PositionLevel,
    Proceeding,
    PublicationRule,
    Sanction,
    Status,
    sanctions_at_least,
    severity,
)
from adal.discipline.services import regions_in_reach


def period_dates(period: Period) -> tuple[dt.date, dt.date]:
    """A Period (end exclusive) as the first and last day it covers, in Kazakhstan's time."""
    return local_date(period.start), local_date(period.end - dt.timedelta(microseconds=1))


def sanctions_decided(
    date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[Proceeding]:
    """Standing sanctions decided between the two days, both included; an omitted end is open."""
    qs = Proceeding.objects.filter(status__in=STANDING)
    if date_from is not None:
        qs = qs.filter(decided_on__gte=date_from)
    if date_to is not None:
        qs = qs.filter(decided_on__lte=date_to)
    return qs


def _decisive(rows) -> dict[int, tuple]:
    """Per member, the row of their most severe sanction (then the latest, then the last recorded)."""
    best: dict[int, tuple] = {}
    for row in rows:
        member_id, sanction, decided_on, pk = row[:4]
        key = (severity(sanction), decided_on, pk)
        if member_id not in best or key > best[member_id][0]:
            best[member_id] = (key, row)
    return {member_id: row for member_id, (_key, row) in best.items()}


def discipline_statistics(
    period: Period | None = None, *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict:
    """The figures of a period, by a ``Period`` or by days (both included; ``date_from`` omitted means
    since the start), in the shape the API and the portal publish. Regions are named as they were on the
    period's first day (its last, or today, when it has none)."""
    if period is not None:
        if date_from is not None or date_to is not None:
            raise TypeError("give a period or dates, not both")
        date_from, date_to = period_dates(period)
    rows = sanctions_decided(date_from, date_to).values_list(
        "member_id", "sanction", "decided_on", "pk", "region_id", "position_level"
    )
    people = _decisive(rows).values()
    by_sanction = Counter(row[1] for row in people)
    by_region = Counter(row[4] for row in people)
    by_level = Counter(row[5] for row in people)
    regions = Territory.objects.in_bulk(list(by_region))
    names, day = NamesOfTheTime(regions.values()), date_from or date_to or timezone.localdate()
    named = {pk: names.on(region, day) for pk, region in regions.items()}
    return {
        "held_responsible": len(people),
        "expelled": by_sanction[Sanction.EXPULSION],
        "by_sanction": [
            {"sanction": value, "label": str(label), "count": by_sanction[value]}
            for value, label in reversed(Sanction.choices)
        ],
        "by_region": [
            {
                "kato": regions[pk].kato,
                "name": named[pk].name,
                "name_ru": named[pk].name_ru,
                "name_kk": named[pk].name_kk,
                "name_en": named[pk].name_en,
                "count": by_region[pk],
            }
            for pk in sorted(by_region, key=lambda pk: regions[pk].kato)
        ],
        "by_position_level": [
            {"position_level": value, "label": str(label), "count": by_level[value]}
            for value, label in PositionLevel.choices
        ],
    }


# ---------------------------------------------------------------- the public list


def active_publication_rule() -> PublicationRule | None:
    return PublicationRule.objects.filter(is_active=True).first()


def public_list(rule: PublicationRule | None = None, *, today: dt.date | None = None) -> QuerySet[Proceeding]:
    """The decisions the rule lets the public see (by default the active rule; with none, nothing)."""
    rule = rule or active_publication_rule()
    if rule is None:
        return Proceeding.objects.none()
    today = today or timezone.localdate()
    qs = Proceeding.objects.filter(
        status__in=STANDING,
        sanction__in=sanctions_at_least(rule.min_sanction),
        decided_on__lte=today - dt.timedelta(days=rule.delay_days),
    )
    if rule.only_public_officials:
        qs = qs.filter(is_public_official=True)
    if rule.only_final:
        appeal_time_over = today - dt.timedelta(days=rule.appeal_period_days)
        qs = qs.filter(Q(status=Status.UPHELD) | Q(status=Status.DECIDED, decided_on__lte=appeal_time_over))
    return qs.select_related("member", "region").order_by("-decided_on", "member__full_name", "pk")


def public_entries(rule: PublicationRule | None = None, *, today: dt.date | None = None) -> list[dict]:
    """The public list as open data: only what may be published (no membership numbers); each region
    named as it was on the day of the decision."""
    entries = list(public_list(rule, today=today))
    names = NamesOfTheTime({p.region for p in entries})
    return [
        {
            "full_name": p.member.full_name,
            "position": p.position,
            "position_level": p.position_level,
            "region": {"kato": p.region.kato, "name": names.on(p.region, p.decided_on).name},
            "sanction": p.sanction,
            "sanction_label": str(p.get_sanction_display()),
            "decided_on": p.decided_on.isoformat(),
            "deciding_body": p.deciding_body,
            "upheld_on_appeal": p.status == Status.UPHELD,
        }
        for p in entries
    ]


# ---------------------------------------------------------------- the register's staff pages


def members_in_reach(user, query: str = "") -> QuerySet[PartyMember]:
    """The party members the user records: as ``may(user, "discipline.record", member)`` says of each
    (the members of their unit's territories; everyone, for the top unit and an administrator)."""
    if not permissions.may(user, "discipline.record"):
        return PartyMember.objects.none()
    members = PartyMember.objects.select_related("region")
    unit = getattr(user, "unit", None)
    if permissions.role_of(user) != Role.ADMINISTRATOR and not isinstance(user, permissions.SystemActor):
        if unit is None:
            return PartyMember.objects.none()
        if unit.parent_id is not None:
            members = members.filter(region_id__in=regions_in_reach(unit))
    query = query.strip()
    if query:
        members = members.filter(Q(full_name__icontains=query) | Q(membership_number__icontains=query))
    return members.order_by("full_name", "pk")


def proceedings_of_case(case_id: int) -> QuerySet[Proceeding]:
    """The proceedings opened on the grounds of a hotline case (the case page lists them)."""
    return Proceeding.objects.filter(case_id=case_id).select_related("member").order_by("opened_on", "pk")


def case_proceedings(user, case) -> list[dict]:
    """The proceedings of a case as its page shows them; linked to the register where the reader
    records that member (registered with ``adal.cases.links`` by the app's config)."""
    from django.urls import reverse

    rows = []
    for p in proceedings_of_case(case.pk):
        url = ""
        if permissions.may(user, "discipline.record", p):
            url = reverse("discipline:staff_member", args=[p.member_id])
        rows.append(
            {
                "pk": p.pk,
                "member": p.member.full_name,
                "position": p.position,
                "status": p.get_status_display(),
                "sanction": p.get_sanction_display() if p.sanction else "",
                "opened_on": p.opened_on,
                "decided_on": p.decided_on,
                "deciding_body": p.deciding_body,
                "url": url,
            }
        )
    return rows
