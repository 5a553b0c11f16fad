"""Councils' work: one service per action. Each checks that the actor manages the council (its
secretary, or an administrator; the demo acts as the system actor), validates before it writes,
and writes its audit entry in the same transaction. Where two secretaries could act at once, the
change is a conditional UPDATE on the state and "0 rows" means someone else got there first.

A case meets a council in two places, both written into the case's timeline: when it is put on a
meeting's agenda ("council_agenda") and when the meeting decides on that item ("council_decision")."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from adal.cases.clocks import local_date
from adal.cases.models import Case
from adal.cases.services import TransitionRefused, case_timeline_record, in_scope, own_or_head
from adal.core import permissions
from adal.core.audit import audit_record
from adal.core.models import LANGUAGES, Role, Territory, Unit, User
from adal.core.permissions import SystemActor, require
from adal.core.texts import NO_TEXT, Texts
from adal.councils.models import (
    PROPOSAL_OUTCOMES,
    RESERVED_SLUGS,
    AgendaItem,
    Attendance,
    Council,
    Meeting,
    Membership,
    News,
    Person,
    Position,
    Proposal,
    Topic,
    active_on,
)
from adal.councils.topics import TOPICS


class CouncilActionRefused(TransitionRefused):
    """Raised with a translated message for the user; nothing has been changed.

    A kind of TransitionRefused, so the case pages that catch that also catch a refused agenda
    placement."""


def today() -> dt.date:
    return local_date(timezone.now())


# ---------------------------------------------------------------- scope


@permissions.object_rule("primary.manage")
@permissions.object_rule("council.manage")
def _council_in_reach(user: User, council: Council) -> bool:
    """A council secretary manages the council of their own unit; an administrator, any council."""
    if permissions.role_of(user) == Role.ADMINISTRATOR:
        return True
    return user.unit_id is not None and user.unit_id == council.unit_id


@permissions.object_rule("council.create")
def _unit_in_reach(user: User, unit: Unit) -> bool:
    """A council secretary creates the councils of the units just below their own council's unit (the
    council above manages them into being); an administrator, any council."""
    if permissions.role_of(user) == Role.ADMINISTRATOR:
        return True
    return (
        user.unit_id is not None
        and unit.parent_id == user.unit_id
        and Council.objects.filter(unit_id=user.unit_id).exists()
    )


@permissions.object_rule("council.seat")
def _seats_in_reach(user: User, council: Council) -> bool:
    """Members are seated by the council's own secretary or by the secretary of the council above;
    an administrator seats them anywhere."""
    if permissions.role_of(user) == Role.ADMINISTRATOR:
        return True
    if user.unit_id is None:
        return False
    return user.unit_id == council.unit_id or (
        council.parent_id is not None and council.parent.unit_id == user.unit_id
    )


def may_seat(user, council: Council) -> bool:
    return permissions.may(user, "council.seat", council)


def _require_seater(by, council: Council) -> None:
    if not may_seat(by, council):
        raise CouncilActionRefused(
            _("Only the secretary of this council or of the council above, or an administrator, may do this.")
        )


def may_manage(user, council: Council) -> bool:
    return permissions.may(user, "council.manage", council)


def _require_manager(by, council: Council) -> None:
    if not permissions.may(by, "council.manage", council):
        raise CouncilActionRefused(_("Only the secretary of this council or an administrator may do this."))


@permissions.object_rule("council.put_case_on_agenda")
def _case_in_reach(user: User, case: Case) -> bool:
    """The case's own officer, or a head of a unit above it — as for any other work on the case."""
    return in_scope(user, case) and own_or_head(user, case)


def may_put_on_agenda(user, case: Case) -> bool:
    return permissions.may(user, "council.put_case_on_agenda", case)


def council_region(council: Council) -> Territory | None:
    """The region (oblast or city of republican significance) the council belongs to now: its own
    territory if it is one, else that of the nearest council above it; None for the central council.
    The council tree follows the organisation as it stands, so it answers for the present even where
    a district's place on the reference map has since changed."""
    node = council
    while node is not None:
        if node.territory is not None and node.territory.is_top_level:
            return node.territory
        node = node.parent
    return council.territory.parent if council.territory is not None else None


# ---------------------------------------------------------------- helpers


def _saved(obj):
    """full_clean, then save; a validation error becomes a refusal with the fields' messages."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise CouncilActionRefused(" ".join(error.messages)) from error
    obj.save()
    return obj


def _day(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _valid_urls(urls: Iterable[str]) -> list[str]:
    check, result = URLValidator(schemes=["http", "https"]), []
    for url in (u.strip() for u in urls):
        try:
            check(url)
        except ValidationError as error:
            raise CouncilActionRefused(_("“%(url)s” is not a web address.") % {"url": url}) from error
        result.append(url)
    return result


# ---------------------------------------------------------------- councils and people


def council_create(
    *,
    unit: Unit,
    name_ru: str,
    name_kk: str,
    name_en: str,
    slug: str = "",
    territory: Territory | None = None,
    quorum_fraction: Decimal | str = Decimal("0.50"),
    by,
) -> Council:
    """The council of a unit; it hangs under the council of the unit above, which must exist."""
    if not permissions.may(by, "council.create", unit):
        raise CouncilActionRefused(
            _("Only an administrator or the secretary of the council above may create this council.")
        )
    names = [n.strip() for n in (name_ru, name_kk, name_en)]
    if not all(names):
        raise CouncilActionRefused(_("Give the council's name in Russian, Kazakh and English."))
    try:
        fraction = Decimal(str(quorum_fraction))
    except InvalidOperation:
        fraction = Decimal(-1)
    if not Decimal(0) <= fraction < Decimal(1):
        raise CouncilActionRefused(_("The quorum is a share of the members: at least 0 and less than 1."))
    slug = slugify(slug or names[2])
    if slug in RESERVED_SLUGS:
        raise CouncilActionRefused(_("This address belongs to another page of the site; choose another."))
    with transaction.atomic():
        parent = None
        if unit.parent_id is not None:
            parent = Council.objects.filter(unit_id=unit.parent_id).first()
            if parent is None:
                raise CouncilActionRefused(
                    _("Create the council of the unit above first: councils form a tree.")
                )
        if Council.objects.filter(unit=unit).exists():
            raise CouncilActionRefused(_("This unit already has a council."))
        if Council.objects.filter(slug=slug).exists():
            raise CouncilActionRefused(_("Another council already uses this address."))
        council = _saved(
            Council(
                unit=unit,
                parent=parent,
                level=unit.level,
                territory=territory or unit.territory,
                name_ru=names[0],
                name_kk=names[1],
                name_en=names[2],
                slug=slug,
                quorum_fraction=fraction,
                created_at=timezone.now(),
            )
        )
        audit_record(
            action="council.created",
            actor=by,
            target=council,
            data={"unit": unit.pk, "parent": parent and parent.pk, "slug": slug},
        )
    return council


def person_create(
    *,
    full_name: str,
    full_name_latin: str = "",
    user: User | None = None,
    links: Iterable[str] = (),
    by,
) -> Person:
    if not permissions.may(by, "council.manage"):
        raise CouncilActionRefused(_("Only a council secretary or an administrator may add people."))
    if not full_name.strip():
        raise CouncilActionRefused(_("Give the person's full name."))
    if user is not None and Person.objects.filter(user=user).exists():
        raise CouncilActionRefused(_("This staff account already belongs to a person."))
    with transaction.atomic():
        person = _saved(
            Person(
                full_name=full_name.strip(),
                full_name_latin=full_name_latin.strip(),
                user=user,
                links=_valid_urls(links),
                created_at=timezone.now(),
            )
        )
        audit_record(
            action="council.person_created", actor=by, target=person, data={"user": user and user.pk}
        )
    return person


PERSON_FIELDS = frozenset({"full_name", "full_name_latin", "user", "links"})


def person_update(*, person: Person, by: User | SystemActor, **changes) -> Person:
    """A person's names, staff account and public profiles."""
    require(by, "council.manage")
    unknown = set(changes) - PERSON_FIELDS
    if unknown:
        raise TypeError(f"person_update() cannot change {sorted(unknown)}")
    if "links" in changes:
        changes["links"] = _valid_urls(changes["links"])
    for name, value in changes.items():
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    with transaction.atomic():
        _saved(person)
        audit_record(
            action="council.person_updated",
            actor=by,
            target=person,
            data={"fields": sorted(changes), "user": person.user_id},
        )
    return person


def topic_save(*, topic: Topic, by: User | SystemActor) -> Topic:
    """Add or change an agenda topic: its code, names, hotline category and place in the list."""
    require(by, "council.manage")
    adding = topic.pk is None
    with transaction.atomic():
        _saved(topic)
        audit_record(
            action="council.topic_added" if adding else "council.topic_changed",
            actor=by,
            target=topic,
            data={"code": topic.code, "category": topic.category, "order": topic.order},
        )
    return topic


# ---------------------------------------------------------------- membership


def membership_add(
    *,
    council: Council,
    person: Person,
    position: str,
    term_start: dt.date,
    term_end: dt.date | None = None,
    by,
) -> Membership:
    """Seat a person for a term. Refused if it overlaps another term of theirs on this council, or if
    it would give the council two chairs on any day."""
    _require_seater(by, council)
    if position not in Position.values:
        raise CouncilActionRefused(_("Choose a position from the list."))
    if term_end is not None and term_end < term_start:
        raise CouncilActionRefused(_("The term cannot end before it starts."))
    new = Membership(
        council=council,
        person=person,
        position=position,
        term_start=term_start,
        term_end=term_end,
        created_at=timezone.now(),
    )
    with transaction.atomic():
        # One council's seats change one at a time, so two secretaries cannot seat two chairs at once.
        Council.objects.select_for_update().filter(pk=council.pk).first()
        for other in Membership.objects.filter(council=council, person=person):
            if new.overlaps(other):
                raise CouncilActionRefused(
                    _("%(person)s already sits on this council from %(start)s, and the terms would overlap.")
                    % {"person": person.name, "start": _day(other.term_start)}
                )
        if position == Position.CHAIR:
            chairs = Membership.objects.filter(council=council, position=Position.CHAIR).select_related(
                "person"
            )
            for other in chairs:
                if new.overlaps(other):
                    raise CouncilActionRefused(
                        _("The council already has a chair for part of this term: %(person)s.")
                        % {"person": other.person.name}
                    )
        _saved(new)
        audit_record(
            action="council.member_added",
            actor=by,
            target=new,
            data={
                "council": council.pk,
                "person": person.pk,
                "position": position,
                "term_start": term_start,
                "term_end": term_end,
            },
        )
    return new


def membership_cease(*, membership: Membership, on: dt.date, reason: str = "", by) -> Membership:
    """End a membership early; ``on`` is the first day the person no longer sits."""
    _require_seater(by, membership.council)
    if on < membership.term_start:
        raise CouncilActionRefused(_("A membership cannot cease before its term starts."))
    if membership.term_end is not None and on > membership.term_end:
        raise CouncilActionRefused(
            _("The term already ended on %(date)s.") % {"date": _day(membership.term_end)}
        )
    with transaction.atomic():
        if Attendance.objects.filter(membership=membership, meeting__held_on__gte=on).exists():
            raise CouncilActionRefused(_("The member was present at a meeting held on or after that day."))
        updated = Membership.objects.filter(pk=membership.pk, ceased_on__isnull=True).update(
            ceased_on=on, ceased_reason=reason.strip()
        )
        if not updated:
            raise CouncilActionRefused(_("This membership has already ceased."))
        audit_record(
            action="council.member_ceased",
            actor=by,
            target=membership,
            data={"on": on, "reason": reason.strip()},
        )
    membership.refresh_from_db()
    return membership


# ---------------------------------------------------------------- meetings and agenda


def _where(council: Council) -> dict:
    return {"region": council_region(council), "territory": council.territory}


def meeting_plan(
    *, council: Council, planned_at: dt.datetime, place: Texts = NO_TEXT, online_url: str = "", by
) -> Meeting:
    """A meeting held at a place (named in any of the three languages), online, or both. It may also be
    planned for a past moment: secretaries record meetings after the fact."""
    _require_manager(by, council)
    if timezone.is_naive(planned_at):
        raise CouncilActionRefused(_("Give the time of the meeting with its time zone."))
    online_url = online_url.strip()
    if not place and not online_url:
        raise CouncilActionRefused(_("Give the place of the meeting or its online link."))
    if online_url:
        _valid_urls([online_url])
    with transaction.atomic():
        meeting = _saved(
            Meeting(
                council=council,
                planned_at=planned_at,
                **place.columns("place"),
                online_url=online_url,
                state=Meeting.State.PLANNED,
                created_at=timezone.now(),
                **_where(council),
            )
        )
        audit_record(
            action="council.meeting_planned",
            actor=by,
            target=meeting,
            data={"council": council.pk, "planned_at": planned_at.isoformat()},
        )
    return meeting


def _lock_planned(meeting: Meeting) -> Meeting:
    """Hold the meeting's row while its agenda changes, so it cannot be recorded as held meanwhile."""
    current = Meeting.objects.select_for_update().select_related("council").get(pk=meeting.pk)
    if current.state != Meeting.State.PLANNED:
        raise CouncilActionRefused(_("The agenda can change only while the meeting is planned."))
    return current


def _check_case_for_council(case: Case, council: Council) -> None:
    """A council considers the cases of its own unit and of the units below it."""
    if case.unit_id is None or not case.unit.path.startswith(council.unit.path):
        raise CouncilActionRefused(
            _("Case %(number)s is not handled within this council's part of the organisation.")
            % {"number": case.report.registration_number}
        )


def _item_create(meeting: Meeting, topic: Topic, title: Texts, rapporteur: str, by) -> AgendaItem:
    last = meeting.agenda_items.aggregate(last=Max("order"))["last"] or 0
    item = _saved(
        AgendaItem(
            meeting=meeting,
            order=last + 1,
            topic=topic,
            rapporteur=rapporteur.strip(),
            **title.columns("title"),
        )
    )
    audit_record(
        action="council.agenda_item_added",
        actor=by,
        target=item,
        data={"meeting": meeting.pk, "topic": topic.code, "order": item.order},
    )
    return item


def _link_case(item: AgendaItem, case: Case, by) -> None:
    if item.cases.filter(pk=case.pk).exists():
        raise CouncilActionRefused(
            _("Case %(number)s is already on this agenda item.") % {"number": case.report.registration_number}
        )
    item.cases.add(case)
    meeting, council = item.meeting, item.meeting.council
    case_timeline_record(
        case=case,
        by=by,
        kind="council_agenda",
        data={"council": council.pk, "meeting": meeting.pk, "item": item.pk},
        note=f"{council.name}, {_day(local_date(meeting.planned_at))}: {item.title}",
    )


def agenda_item_add(
    *,
    meeting: Meeting,
    topic: Topic,
    title: Texts,
    rapporteur: str = "",
    cases: Iterable[Case] = (),
    by,
) -> AgendaItem:
    """An item at the end of the agenda, its title in any of the three languages; each linked case's
    timeline records the placement."""
    _require_manager(by, meeting.council)
    cases = list(cases)
    if not title:
        raise CouncilActionRefused(_("Give the agenda item a title."))
    for case in cases:
        _check_case_for_council(case, meeting.council)
    with transaction.atomic():
        meeting = _lock_planned(meeting)
        item = _item_create(meeting, topic, title, rapporteur, by)
        for case in cases:
            _link_case(item, case, by)
    return item


def topic_for_category(category: str) -> Topic:
    return Topic.objects.filter(category=category).first() or Topic.objects.get(code="other")


def _case_item_title(topic: Topic) -> Texts:
    """An officer's item without a title of its own is named after its topic, in each language."""
    titles = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            titles[lang] = _("A hotline case on “%(topic)s”") % {"topic": topic.name}
    return Texts(**titles)


def case_put_on_agenda(
    *,
    case: Case,
    meeting: Meeting,
    by,
    item: AgendaItem | None = None,
    topic: Topic | None = None,
    title: Texts = NO_TEXT,
    rapporteur: str = "",
) -> AgendaItem:
    """A case officer puts a case on a council meeting's agenda: onto an existing item, or as a new
    item on the topic of the case's category. The case's timeline records the placement."""
    if not permissions.may(by, "council.put_case_on_agenda", case):
        raise CouncilActionRefused(
            _("Only the officer of this case or a head of its unit may put it on a council's agenda.")
        )
    _check_case_for_council(case, meeting.council)
    if item is not None and item.meeting_id != meeting.pk:
        raise CouncilActionRefused(_("That agenda item belongs to another meeting."))
    with transaction.atomic():
        meeting = _lock_planned(meeting)
        if item is None:
            topic = topic or topic_for_category(case.category)
            title = title or _case_item_title(topic)
            item = _item_create(meeting, topic, title, rapporteur, by)
        else:
            item.meeting = meeting
        _link_case(item, case, by)
    return item


def quorum_reached(*, present: int, members: int, fraction: Decimal) -> bool:
    """More than ``fraction`` of the members are present (more than half by default)."""
    return members > 0 and Decimal(present) > fraction * members


def _parse_decisions(decisions: dict | None, items: dict[int, AgendaItem]) -> dict[int, Texts]:
    try:
        parsed = {int(k): v or NO_TEXT for k, v in (decisions or {}).items()}
    except (TypeError, ValueError) as error:
        raise CouncilActionRefused(
            _("A decision was given for an item that is not on the agenda.")
        ) from error
    if set(parsed) - set(items):
        raise CouncilActionRefused(_("A decision was given for an item that is not on the agenda."))
    return {k: v for k, v in parsed.items() if v}


def meeting_record_held(
    *,
    meeting: Meeting,
    present: Iterable[Membership],
    decisions: dict | None = None,
    by,
    held_on: dt.date | None = None,
    minutes: Texts = NO_TEXT,
) -> Meeting:
    """Record that the meeting took place: who was present, whether there was a quorum, and the
    decision on each agenda item (``{item_id: Texts}``), which also goes into the timeline of every case
    on that item. Without a quorum the meeting can be recorded, but it cannot decide anything. The
    minutes, in any of the three languages, may be written now or when they are published."""
    council = meeting.council
    _require_manager(by, council)
    held_on = held_on or today()
    if meeting.state != Meeting.State.PLANNED:
        raise CouncilActionRefused(_("This meeting has already been recorded as held."))
    planned_on = local_date(meeting.planned_at)
    if held_on < planned_on:
        raise CouncilActionRefused(
            _("A meeting cannot be held before the day it was planned for (%(date)s).")
            % {"date": _day(planned_on)}
        )
    if held_on > today():
        raise CouncilActionRefused(_("A meeting cannot be recorded as held on a future day."))
    with transaction.atomic():
        members = set(
            Membership.objects.filter(active_on(held_on), council=council).values_list("pk", flat=True)
        )
        present_ids = {m.pk for m in present}
        if present_ids - members:
            raise CouncilActionRefused(
                _("Only members of this council on the day of the meeting can be marked present.")
            )
        items = {i.pk: i for i in meeting.agenda_items.prefetch_related("cases__report")}
        decided = _parse_decisions(decisions, items)
        quorum = quorum_reached(
            present=len(present_ids), members=len(members), fraction=council.quorum_fraction
        )
        if decided and not quorum:
            raise CouncilActionRefused(
                ngettext(
                    "There is no quorum: %(present)d of %(members)d member is present. The meeting can be "
                    "recorded, but it cannot take decisions.",
                    "There is no quorum: %(present)d of %(members)d members are present. The meeting can "
                    "be recorded, but it cannot take decisions.",
                    len(members),
                )
                % {"present": len(present_ids), "members": len(members)}
            )
        updated = Meeting.objects.filter(pk=meeting.pk, state=Meeting.State.PLANNED).update(
            state=Meeting.State.HELD,
            held_on=held_on,
            members_total=len(members),
            quorum_met=quorum,
            **minutes.columns("minutes"),
            **_where(council),
        )
        if not updated:
            raise CouncilActionRefused(_("Someone has recorded this meeting in the meantime. Reload it."))
        Attendance.objects.bulk_create(
            Attendance(meeting_id=meeting.pk, membership_id=pk) for pk in sorted(present_ids)
        )
        for pk, text in decided.items():
            AgendaItem.objects.filter(pk=pk).update(**text.columns("decision"))
            for case in items[pk].cases.all():
                case_timeline_record(
                    case=case,
                    by=by,
                    kind="council_decision",
                    data={"council": council.pk, "meeting": meeting.pk, "item": pk},
                    note=f"{council.name}, {_day(held_on)}: {text}",
                )
        audit_record(
            action="council.meeting_held",
            actor=by,
            target=meeting,
            data={
                "held_on": held_on,
                "present": sorted(present_ids),
                "members": len(members),
                "quorum": quorum,
                "decisions": sorted(decided),
            },
        )
    meeting.refresh_from_db()
    return meeting


def minutes_publish(
    *,
    meeting: Meeting,
    visibility: str = Meeting.Visibility.PUBLIC,
    minutes: Texts | None = None,
    by,
) -> Meeting:
    """Publish the minutes of a held meeting, to everyone or to the council's members only. Once. The
    minutes given replace those written when the meeting was recorded; without them, those are
    published."""
    _require_manager(by, meeting.council)
    if visibility not in Meeting.Visibility.values:
        raise CouncilActionRefused(_("Choose who may read the minutes."))
    if meeting.state == Meeting.State.PLANNED:
        raise CouncilActionRefused(_("Record the meeting as held before publishing its minutes."))
    text = Texts.of(meeting, "minutes") if minutes is None else minutes
    if not text:
        raise CouncilActionRefused(_("Write the minutes before publishing them."))
    now = timezone.now()
    with transaction.atomic():
        updated = Meeting.objects.filter(pk=meeting.pk, state=Meeting.State.HELD).update(
            state=Meeting.State.MINUTES_PUBLISHED,
            **text.columns("minutes"),
            minutes_visibility=visibility,
            published_at=now,
        )
        if not updated:
            raise CouncilActionRefused(_("The minutes of this meeting have already been published."))
        audit_record(
            action="council.minutes_published", actor=by, target=meeting, data={"visibility": visibility}
        )
    meeting.refresh_from_db()
    return meeting


# ---------------------------------------------------------------- proposals


def proposal_create(
    *,
    council: Council,
    kind: str,
    addressee: Texts,
    title: Texts,
    text: Texts,
    meetings: Iterable[Meeting] = (),
    cases: Iterable[Case] = (),
    by,
) -> Proposal:
    """A draft proposal, its addressee, title and text in any of the three languages, optionally tied
    to the meetings that discussed it and the cases behind it."""
    _require_manager(by, council)
    if kind not in Proposal.Kind.values:
        raise CouncilActionRefused(_("Choose the kind of proposal."))
    if not (addressee and title and text):
        raise CouncilActionRefused(_("Give the addressee, the title and the text of the proposal."))
    meetings, cases = list(meetings), list(cases)
    if any(m.council_id != council.pk for m in meetings):
        raise CouncilActionRefused(_("Link only meetings of this council."))
    for case in cases:
        _check_case_for_council(case, council)
    with transaction.atomic():
        proposal = _saved(
            Proposal(
                council=council,
                kind=kind,
                **addressee.columns("addressee"),
                **title.columns("title"),
                **text.columns("text"),
                state=Proposal.State.DRAFT,
                created_at=timezone.now(),
                created_by=permissions.person_of(by),
            )
        )
        proposal.meetings.set(meetings)
        proposal.cases.set(cases)
        audit_record(
            action="council.proposal_created",
            actor=by,
            target=proposal,
            data={
                "council": council.pk,
                "kind": kind,
                "meetings": [m.pk for m in meetings],
                "cases": [c.pk for c in cases],
            },
        )
    return proposal


def _proposal_move(
    proposal: Proposal,
    *,
    from_states: Iterable[str],
    to_state: str,
    changes: dict,
    action: str,
    by,
    refused: str,
) -> Proposal:
    with transaction.atomic():
        updated = Proposal.objects.filter(pk=proposal.pk, state__in=list(from_states)).update(
            state=to_state, **changes
        )
        if not updated:
            raise CouncilActionRefused(refused)
        audit_record(
            action=f"council.proposal_{action}",
            actor=by,
            target=proposal,
            data={"from": proposal.state, "to": to_state, **changes},
        )
    proposal.refresh_from_db()
    return proposal


def _not_in_future(day: dt.date) -> None:
    if day > today():
        raise CouncilActionRefused(_("The date cannot be in the future."))


def proposal_submit(*, proposal: Proposal, by, submitted_on: dt.date | None = None) -> Proposal:
    _require_manager(by, proposal.council)
    submitted_on = submitted_on or today()
    _not_in_future(submitted_on)
    return _proposal_move(
        proposal,
        from_states=[Proposal.State.DRAFT],
        to_state=Proposal.State.SUBMITTED,
        changes={"submitted_on": submitted_on},
        action="submitted",
        by=by,
        refused=_("Only a draft can be submitted."),
    )


def proposal_consider(*, proposal: Proposal, by, on: dt.date | None = None) -> Proposal:
    """The addressee has taken the proposal up."""
    _require_manager(by, proposal.council)
    on = on or today()
    _not_in_future(on)
    if proposal.submitted_on and on < proposal.submitted_on:
        raise CouncilActionRefused(_("The proposal cannot be taken up before it was submitted."))
    return _proposal_move(
        proposal,
        from_states=[Proposal.State.SUBMITTED],
        to_state=Proposal.State.UNDER_CONSIDERATION,
        changes={"considered_from": on},
        action="under_consideration",
        by=by,
        refused=_("Only a submitted proposal can be taken under consideration."),
    )


def proposal_answer(*, proposal: Proposal, outcome: str, answer: Texts, answered_on: dt.date, by) -> Proposal:
    """The addressee's answer: the outcome, its reasoning and its date. An addressee who answers
    without first announcing the consideration is common, so a submitted proposal may be answered too."""
    _require_manager(by, proposal.council)
    if proposal.state in PROPOSAL_OUTCOMES:
        raise CouncilActionRefused(_("This proposal has already been answered."))
    if proposal.state == Proposal.State.DRAFT:
        raise CouncilActionRefused(_("Submit the proposal before recording its answer."))
    if outcome not in PROPOSAL_OUTCOMES:
        raise CouncilActionRefused(_("Choose the outcome: accepted, partly accepted or rejected."))
    if not answer:
        raise CouncilActionRefused(_("Give the addressee's reasoned answer."))
    _not_in_future(answered_on)
    if answered_on < proposal.submitted_on:
        raise CouncilActionRefused(_("The answer cannot come before the proposal was submitted."))
    return _proposal_move(
        proposal,
        from_states=[Proposal.State.SUBMITTED, Proposal.State.UNDER_CONSIDERATION],
        to_state=outcome,
        changes={**answer.columns("answer"), "answered_on": answered_on},
        action="answered",
        by=by,
        refused=_("This proposal has already been answered, or it has not been submitted."),
    )


# ---------------------------------------------------------------- topics


def topics_install(*, using: str = "default") -> None:
    """The shipped topics; rows already present are left as an administrator set them."""
    for order, t in enumerate(TOPICS, start=1):
        Topic.objects.using(using).get_or_create(
            code=t.code,
            defaults={
                "category": t.category,
                "name_ru": t.name_ru,
                "name_kk": t.name_kk,
                "name_en": t.name_en,
                "order": order,
            },
        )


# ---------------------------------------------------------------- news


def news_post(*, council: Council, title: Texts, body: Texts, meeting: Meeting | None = None, by) -> News:
    """Publish a post on the council's page and in its feeds at once, in any of the three languages; it
    may report on one of the council's meetings."""
    _require_manager(by, council)
    if not (title and body):
        raise CouncilActionRefused(_("Give the post a title and a text."))
    if meeting is not None and meeting.council_id != council.pk:
        raise CouncilActionRefused(_("Link only meetings of this council."))
    with transaction.atomic():
        post = _saved(
            News(
                council=council,
                **title.columns("title"),
                **body.columns("body"),
                meeting=meeting,
                published_at=timezone.now(),
                created_by=permissions.person_of(by),
            )
        )
        audit_record(
            action="council.news_posted",
            actor=by,
            target=post,
            data={"council": council.pk, "meeting": meeting and meeting.pk},
        )
    return post
