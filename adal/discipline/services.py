"""Party responsibility: one service per step of a proceeding, each validated, atomic, done as a
conditional UPDATE on the status it expects, and recorded in the audit log in the same transaction.

Wrong input raises ``ValidationError`` keyed by the field; a step the proceeding's state does not allow
raises ``DisciplineRefused``.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from adal.cases.models import Case, Measure, MeasureKind
from adal.core import permissions
from adal.core.audit import audit_record
from adal.core.models import Role, Territory, Unit
from adal.discipline.models import (
    STANDING,
    Grounds,
    PartyMember,
    PositionLevel,
    Proceeding,
    PublicationRule,
    Sanction,
    Status,
)

MEMBER_FIELDS = frozenset(
    {"full_name", "region", "position", "position_level", "organisation", "is_public_official"}
)


class DisciplineRefused(permissions.Refused):
    pass


# ---------------------------------------------------------------- checks shared by the services


@permissions.object_rule("discipline.record")
def _in_reach(user, obj) -> bool:
    """A discipline secretary keeps the register of the members whose region (now, or at the time of a
    proceeding) is the territory of their own unit or of a unit below it; the secretary of the tree's
    top unit, and an administrator, keep all of it. ``obj`` is a region, a member or a proceeding."""
    if permissions.role_of(user) == Role.ADMINISTRATOR:
        return True
    unit = user.unit
    if unit is None:
        return False
    if unit.parent_id is None:
        return True
    return bool(regions_of(obj) & set(regions_in_reach(unit)))


def regions_of(obj) -> set[int]:
    if isinstance(obj, Territory):
        return {obj.pk}
    if isinstance(obj, PartyMember):
        return {obj.region_id}
    if isinstance(obj, Proceeding):
        return {obj.region_id, obj.member.region_id}
    raise TypeError(f"no region for {obj!r}")


def regions_in_reach(unit: Unit) -> QuerySet:
    """The territories of ``unit`` and of the units below it (ids)."""
    return Unit.objects.filter(path__startswith=unit.path, territory__isnull=False).values_list(
        "territory_id", flat=True
    )


def _check_may_record(by, obj=None) -> None:
    """``by`` is the person recording, or the system actor (imports, the demo); ``obj`` (a region, a
    member, a proceeding) must lie in their reach."""
    if not permissions.may(by, "discipline.record"):
        raise DisciplineRefused(
            _("Only a discipline secretary or an administrator may record party discipline.")
        )
    if obj is not None and not permissions.may(by, "discipline.record", obj):
        raise DisciplineRefused(
            _("This party member's region lies outside the territories of your unit: you may not record it.")
        )


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


def _check_date(field: str, day, *, not_before: dt.date | None = None, too_early: str = "") -> None:
    """``too_early`` is the whole message for a date before ``not_before``, with %(date)s in it."""
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise _invalid(field, _("Enter the date."))
    if day > timezone.localdate():
        raise _invalid(field, _("The date cannot be in the future."))
    if not_before is not None and day < not_before:
        raise _invalid(field, too_early % {"date": formats.date_format(not_before, "SHORT_DATE_FORMAT")})


def _check_region(field: str, region: Territory | None, on: dt.date | None = None) -> None:
    if region is None:
        raise _invalid(field, _("Choose the region."))
    if not region.is_top_level:
        raise _invalid(field, _("Choose a region or a city of republican significance, not a district."))
    if on is None:
        return
    if (region.valid_from and on < region.valid_from) or (region.valid_to and on >= region.valid_to):
        raise _invalid(
            field,
            _("%(region)s did not exist on %(date)s: give the region of the map of that time.")
            % {"region": region.name, "date": formats.date_format(on, "SHORT_DATE_FORMAT")},
        )


def _standing_expulsion(member: PartyMember) -> Proceeding | None:
    return member.proceedings.filter(status__in=STANDING, sanction=Sanction.EXPULSION).first()


def _check_not_expelled(member: PartyMember) -> None:
    expulsion = _standing_expulsion(member)
    if expulsion is not None:
        raise DisciplineRefused(
            _("%(name)s was expelled from the party on %(date)s; no further sanction can be recorded.")
            % {
                "name": member.full_name,
                "date": formats.date_format(expulsion.decided_on, "SHORT_DATE_FORMAT"),
            }
        )


def _lock(member: PartyMember) -> PartyMember:
    """Serialise the steps on one member (PostgreSQL; SQLite's IMMEDIATE transactions already do)."""
    return PartyMember.objects.select_for_update().get(pk=member.pk)


def _move(proceeding: Proceeding, *, expected: str, changes: dict) -> Proceeding:
    """The conditional UPDATE: 0 rows means someone else moved the proceeding first."""
    if not Proceeding.objects.filter(pk=proceeding.pk, status=expected).update(**changes):
        raise DisciplineRefused(
            _("Someone changed this proceeding in the meantime. Reload it and try again.")
        )
    proceeding.refresh_from_db()
    return proceeding


def _refuse_unless(proceeding: Proceeding, status: str, message: str) -> None:
    if proceeding.status != status:
        raise DisciplineRefused(message % {"status": proceeding.get_status_display()})


# ---------------------------------------------------------------- members


def _clean_member(member: PartyMember) -> None:
    member.full_name = member.full_name.strip()
    member.membership_number = member.membership_number.strip()
    member.position = member.position.strip()
    member.organisation = member.organisation.strip()
    if not member.full_name:
        raise _invalid("full_name", _("Enter the member's full name."))
    if not member.membership_number:
        raise _invalid("membership_number", _("Enter the membership number."))
    if member.position_level not in PositionLevel.values:
        raise _invalid("position_level", _("Choose the position level from the list."))
    _check_region("region", member.region if member.region_id else None)
    member.clean_fields(exclude={"region"})  # lengths, in Django's own words
    clash = PartyMember.objects.filter(membership_number=member.membership_number).exclude(pk=member.pk)
    if clash.exists():
        raise _duplicate_number()


def _duplicate_number() -> ValidationError:
    return _invalid("membership_number", _("A party member with this membership number is already recorded."))


def _save_member(member: PartyMember) -> None:
    try:
        with transaction.atomic():  # a savepoint: a lost race on the number leaves the outer work intact
            member.save()
    except IntegrityError:
        raise _duplicate_number() from None


def member_create(
    *,
    full_name: str,
    membership_number: str,
    region: Territory,
    position: str = "",
    position_level: str = PositionLevel.OTHER,
    organisation: str = "",
    is_public_official: bool = False,
    by,
) -> PartyMember:
    _check_may_record(by)
    member = PartyMember(
        full_name=full_name,
        membership_number=membership_number,
        region=region,
        position=position,
        position_level=position_level,
        organisation=organisation,
        is_public_official=is_public_official,
    )
    _clean_member(member)
    _check_may_record(by, member)
    with transaction.atomic():
        _save_member(member)
        audit_record(
            action="discipline.member_created",
            actor=by,
            target=member,
            data={"region": region.kato, "position_level": position_level},
        )
    return member


def member_update(*, member: PartyMember, by, **changes) -> PartyMember:
    """A member's present record (post, region...). Proceedings keep what they copied at the time."""
    _check_may_record(by, member)
    unknown = set(changes) - MEMBER_FIELDS
    if unknown:
        raise TypeError(f"member_update() cannot change {sorted(unknown)}")
    for name, value in changes.items():
        setattr(member, name, value)
    _clean_member(member)
    _check_may_record(by, member)  # a member moved out of reach is the new region's to record
    with transaction.atomic():
        _save_member(member)
        audit_record(
            action="discipline.member_updated",
            actor=by,
            target=member,
            data={
                name: value.kato if isinstance(value, Territory) else value
                for name, value in changes.items()
                if name != "full_name"
            },
        )
    return member


# ---------------------------------------------------------------- proceedings


def _clean_grounds(grounds: str, details: str, case: Case | None, measure: Measure | None) -> Case | None:
    if grounds not in Grounds.values:
        raise _invalid("grounds", _("Choose the grounds from the list."))
    if measure is not None:
        if measure.kind != MeasureKind.DISCIPLINARY:
            raise _invalid("measure", _("Link a measure of disciplinary proceedings."))
        if case is not None and measure.case_id != case.pk:
            raise _invalid("measure", _("The measure belongs to another case."))
        case = measure.case
    if grounds == Grounds.HOTLINE_CASE and case is None:
        raise _invalid("case", _("Link the hotline case the proceeding comes from."))
    if grounds != Grounds.HOTLINE_CASE and not details:
        raise _invalid(
            "grounds_details", _("Give the details of the grounds (e.g. the verdict's date and number).")
        )
    return case


def proceeding_open(
    *,
    member: PartyMember,
    grounds: str,
    opened_on: dt.date,
    deciding_body: str,
    grounds_details: str = "",
    case: Case | None = None,
    measure: Measure | None = None,
    region: Territory | None = None,
    by,
) -> Proceeding:
    """Open a proceeding. ``region`` is the member's region at the time, when it is no longer the
    member's present one (a record entered late, a member who has moved)."""
    _check_may_record(by, member)
    grounds_details, deciding_body = grounds_details.strip(), deciding_body.strip()
    case = _clean_grounds(grounds, grounds_details, case, measure)
    if not deciding_body:
        raise _invalid("deciding_body", _("Name the party body that considers the case."))
    if len(deciding_body) > Proceeding._meta.get_field("deciding_body").max_length:
        raise _invalid("deciding_body", _("Shorten the name of the body to 255 characters."))
    _check_date("opened_on", opened_on)
    region = region or member.region
    _check_region("region", region, opened_on)
    with transaction.atomic():
        member = _lock(member)
        _check_not_expelled(member)
        proceeding = Proceeding.objects.create(
            member=member,
            grounds=grounds,
            grounds_details=grounds_details,
            case=case,
            measure=measure,
            deciding_body=deciding_body,
            opened_on=opened_on,
            region=region,
            position=member.position,
            position_level=member.position_level,
            is_public_official=member.is_public_official,
        )
        audit_record(
            action="discipline.proceeding_opened",
            actor=by,
            target=proceeding,
            data={
                "member": member.pk,
                "grounds": grounds,
                "case": case and case.pk,
                "region": region.kato,
                "opened_on": opened_on,
            },
        )
    return proceeding


def proceeding_decide(
    *,
    proceeding: Proceeding,
    sanction: str,
    decided_on: dt.date,
    region: Territory | None = None,
    by,
) -> Proceeding:
    """Record the sanction. ``region`` corrects the region of the time, if it changed since opening."""
    _check_may_record(by, proceeding)
    _refuse_unless(
        proceeding, Status.OPEN, _("The proceeding is already “%(status)s”: it can be decided only once.")
    )
    if sanction not in Sanction.values:
        raise _invalid("sanction", _("Choose the sanction from the list."))
    _check_date(
        "decided_on",
        decided_on,
        not_before=proceeding.opened_on,
        too_early=_("The decision cannot come before the proceeding was opened (%(date)s)."),
    )
    region = region or proceeding.region
    _check_region("region", region, decided_on)
    with transaction.atomic():
        _check_not_expelled(_lock(proceeding.member))
        proceeding = _move(
            proceeding,
            expected=Status.OPEN,
            changes={
                "status": Status.DECIDED,
                "sanction": sanction,
                "decided_on": decided_on,
                "region": region,
            },
        )
        audit_record(
            action="discipline.proceeding_decided",
            actor=by,
            target=proceeding,
            data={"sanction": sanction, "decided_on": decided_on, "region": region.kato},
        )
    return proceeding


def proceeding_appeal(*, proceeding: Proceeding, filed_on: dt.date, by) -> Proceeding:
    """The member appeals the decision; the sanction stands until the appeal is decided."""
    _check_may_record(by, proceeding)
    _refuse_unless(
        proceeding,
        Status.DECIDED,
        _("Only a decision can be appealed, once; this proceeding is “%(status)s”."),
    )
    _check_date(
        "appeal_filed_on",
        filed_on,
        not_before=proceeding.decided_on,
        too_early=_("The appeal cannot come before the decision (%(date)s)."),
    )
    with transaction.atomic():
        proceeding = _move(
            proceeding,
            expected=Status.DECIDED,
            changes={"status": Status.APPEALED, "appeal_filed_on": filed_on},
        )
        audit_record(
            action="discipline.proceeding_appealed",
            actor=by,
            target=proceeding,
            data={"filed_on": filed_on},
        )
    return proceeding


def proceeding_appeal_decide(
    *,
    proceeding: Proceeding,
    outcome: str,
    decided_on: dt.date,
    reversal_reason: str = "",
    by,
) -> Proceeding:
    """Uphold the sanction, or reverse it with a reason; a reversed sanction no longer counts."""
    _check_may_record(by, proceeding)
    _refuse_unless(
        proceeding, Status.APPEALED, _("There is no pending appeal: the proceeding is “%(status)s”.")
    )
    reversal_reason = reversal_reason.strip()
    if outcome not in (Status.UPHELD, Status.REVERSED):
        raise _invalid("outcome", _("Choose whether the sanction is upheld or reversed."))
    if outcome == Status.REVERSED and not reversal_reason:
        raise _invalid("reversal_reason", _("Give the reason for the reversal."))
    if outcome == Status.UPHELD and reversal_reason:
        raise _invalid("reversal_reason", _("Only a reversal takes a reason."))
    _check_date(
        "appeal_decided_on",
        decided_on,
        not_before=proceeding.appeal_filed_on,
        too_early=_("The appeal cannot be decided before it was filed (%(date)s)."),
    )
    with transaction.atomic():
        proceeding = _move(
            proceeding,
            expected=Status.APPEALED,
            changes={"status": outcome, "appeal_decided_on": decided_on, "reversal_reason": reversal_reason},
        )
        audit_record(
            action=f"discipline.proceeding_{outcome}",
            actor=by,
            target=proceeding,
            data={"decided_on": decided_on},
        )
    return proceeding


# ---------------------------------------------------------------- the publication rule


def publication_rule_save(*, rule: PublicationRule, by) -> PublicationRule:
    """Create or change a rule; activating one deactivates the others in the same transaction."""
    _check_may_record(by)
    if not rule.name.strip():
        raise _invalid("name", _("Name the rule."))
    if rule.min_sanction not in Sanction.values:
        raise _invalid("min_sanction", _("Choose the sanction from the list."))
    action = (
        "discipline.publication_rule_created" if rule.pk is None else "discipline.publication_rule_changed"
    )
    with transaction.atomic():
        if rule.is_active:
            PublicationRule.objects.filter(is_active=True).exclude(pk=rule.pk).update(is_active=False)
        rule.save()
        audit_record(
            action=action,
            actor=by,
            target=rule,
            data={
                "active": rule.is_active,
                "only_final": rule.only_final,
                "appeal_period_days": rule.appeal_period_days,
                "only_public_officials": rule.only_public_officials,
                "min_sanction": rule.min_sanction,
                "delay_days": rule.delay_days,
            },
        )
    return rule


def publication_rule_delete(*, rule: PublicationRule, by) -> None:
    _check_may_record(by)
    with transaction.atomic():
        audit_record(action="discipline.publication_rule_deleted", actor=by, target=rule)
        rule.delete()
