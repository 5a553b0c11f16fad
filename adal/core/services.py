import datetime as dt
import math

import pyotp
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, ProtectedError, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from adal.core.audit import audit_record
from adal.core.loginthrottle import address_failed, address_wait_seconds
from adal.core.models import Territory, TerritoryName, Unit, UnitName, User, WorkdayException
from adal.core.permissions import Refused, SystemActor, require
from adal.core.selectors import last_unit_rename


class LoginRefused(Exception):
    pass


def unit_create(
    *,
    name_ru: str,
    name_kk: str,
    name_en: str,
    level: str,
    parent: Unit | None = None,
    territory: Territory | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    new_root: bool = False,
    by: User | SystemActor,
) -> Unit:
    """A unit under ``parent``; a unit without one starts a second tree only when ``new_root`` says so,
    since a root's staff reach the cases waiting at reception."""
    require(by, "unit.manage")
    unit_parent_check(unit=None, parent=parent, new_root=new_root)
    with transaction.atomic():
        unit = Unit.objects.create(
            name_ru=name_ru,
            name_kk=name_kk,
            name_en=name_en,
            level=level,
            parent=parent,
            territory=territory,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        # The path holds the unit's own key, so it is written once the row has one.
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.save(update_fields=["path"])
        audit_record(
            action="unit.created",
            actor=by,
            target=unit,
            data={"level": level, "parent": parent and parent.pk, "new_root": new_root},
        )
    return unit


def unit_parent_check(*, unit: Unit | None, parent: Unit | None, new_root: bool = False) -> None:
    """Raise ``ValidationError`` on ``parent`` unless ``unit`` (None for a new one) may hang there."""
    if parent is None:
        if not new_root and Unit.objects.exclude(pk=unit and unit.pk).filter(parent=None).exists():
            raise ValidationError(
                {"parent": _("Choose the unit above: the organisation already has its top unit.")}
            )
    elif unit is not None and unit.path and parent.path.startswith(unit.path):
        raise ValidationError({"parent": _("A unit cannot be moved under itself or a unit below it.")})


UNIT_FIELDS = frozenset({"name_ru", "name_kk", "name_en", "territory", "valid_from", "valid_to"})


def unit_update(*, unit: Unit, by: User | SystemActor, **changes) -> Unit:
    """Names, territory and validity; the place in the tree changes only by ``unit_move``."""
    require(by, "unit.manage")
    return _fields_update(
        unit, changes, allowed=UNIT_FIELDS, by=by, action="unit.updated", data=_audited(changes)
    )


def _fields_update(obj, changes: dict, *, allowed: frozenset, by, action: str, data: dict):
    """Set the allowed fields, save just those, and audit the change, in one transaction."""
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"{action} cannot change {sorted(unknown)}")
    with transaction.atomic():
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.save(update_fields=sorted(changes))
        audit_record(action=action, actor=by, target=obj, data=data)
    return obj


def unit_move(*, unit: Unit, parent: Unit, by: User | SystemActor) -> Unit:
    """Hang ``unit`` and everything below it under ``parent``: the subtree's paths are rewritten in one
    statement, so no reader ever sees part of the subtree moved."""
    require(by, "unit.manage")
    with transaction.atomic():
        # Locked and read afresh: a move of an ancestor of either, committed meanwhile, changed its path.
        locked = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=[unit.pk, parent.pk])}
        moving, parent = locked[unit.pk], locked[parent.pk]
        unit_parent_check(unit=moving, parent=parent)
        old, new = moving.path, f"{parent.path}{moving.pk}/"
        Unit.objects.filter(pk=moving.pk).update(parent=parent)
        Unit.objects.filter(path__startswith=old).update(
            path=Concat(Value(new), Substr("path", len(old) + 1))
        )
        audit_record(
            action="unit.moved",
            actor=by,
            target=moving,
            data={"from": moving.parent_id, "to": parent.pk, "path": [old, new]},
        )
    unit.parent, unit.path = parent, new
    return unit


def unit_rename(
    *, unit: Unit, name_ru: str, name_kk: str, name_en: str, on: dt.date, by: User | SystemActor
) -> Unit:
    """The unit bears new names from ``on``: its current names are kept as a ``UnitName`` whose last day is
    the day before (from where the previous one ended), so that the figures of earlier periods still name
    it as it was named then. ``unit_update`` corrects a name without keeping the old one."""
    require(by, "unit.manage")
    names = {"name_ru": name_ru.strip(), "name_kk": name_kk.strip(), "name_en": name_en.strip()}
    if not all(names.values()):
        raise Refused(_("Give the unit's new name in each of the three languages."))
    if on > timezone.localdate():
        raise Refused(_("A unit cannot be renamed from a day still to come."))
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)  # one rename of a unit at a time
        before = {field: getattr(locked, field) for field in names}
        if names == before:
            raise Refused(_("These are already the unit's names."))
        last = last_unit_rename(locked)
        if last is not None and on <= last.valid_to:
            raise Refused(
                _("The unit was last renamed on %(day)s: a new name can only take effect after that day.")
                % {"day": date_format(last.valid_to, "SHORT_DATE_FORMAT")}
            )
        UnitName.objects.create(unit=locked, valid_from=last and last.valid_to, valid_to=on, **before)
        for field, value in names.items():
            setattr(locked, field, value)
            setattr(unit, field, value)
        locked.save(update_fields=sorted(names))
        audit_record(
            action="unit.renamed",
            actor=by,
            target=unit,
            data={"on": on.isoformat(), "from": before, "to": names},
        )
    return unit


def unit_delete(*, unit: Unit, by: User | SystemActor) -> None:
    """Only a unit nothing refers to: its cases, staff, rules and units below keep their history."""
    require(by, "unit.manage")
    audited_delete(unit, by=by, action="unit.deleted", data={"path": unit.path})


def audited_save(obj, *, by, action: str, data: dict | None = None):
    """Validate and save a row of reference data with its audit entry ``<action>_created`` or
    ``<action>_changed``; the caller has checked the actor's capability."""
    adding = obj._state.adding
    obj.full_clean()
    with transaction.atomic():
        obj.save()
        audit_record(action=f"{action}_{'created' if adding else 'changed'}", actor=by, target=obj, data=data)
    return obj


def audited_delete(obj, *, by, action: str, data: dict | None = None) -> None:
    """Delete ``obj`` with its audit entry, or refuse when history still refers to it (PROTECT)."""
    try:
        with transaction.atomic():
            audit_record(action=action, actor=by, target=obj, data=data)
            obj.delete()
    except ProtectedError as error:
        raise Refused(
            _("“%(name)s” cannot be deleted: other records refer to it (%(count)d).")
            % {"name": obj, "count": len(error.protected_objects)}
        ) from error


def _audited(changes: dict) -> dict:
    """Changed values as the audit log keeps them: related rows by key."""
    return {name: getattr(value, "pk", value) for name, value in changes.items()}


def staff_create(
    *,
    username: str,
    password: str | None,
    role: str,
    unit: Unit | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    by: User | SystemActor,
    is_superuser: bool = False,
) -> User:
    """A staff account; ``password=None`` makes one that cannot sign in with a password."""
    require(by, "staff.manage")
    with transaction.atomic():
        user = User.objects.create(
            username=username,
            password=make_password(password),
            role=role,
            unit=unit,
            email=email,
            first_name=first_name,
            last_name=last_name,
            is_staff=True,
            is_superuser=is_superuser,
        )
        audit_record(
            action="staff.created", actor=by, target=user, data={"role": role, "unit": unit and unit.pk}
        )
    return user


STAFF_FIELDS = frozenset({"role", "unit", "first_name", "last_name", "email", "is_active"})


def staff_update(*, user: User, by: User | SystemActor, **changes) -> User:
    """Role, unit, names, e-mail and whether the account may sign in."""
    require(by, "staff.manage")
    # What changed, and the values that decide what the account may see; not the person's details.
    decisive = {name: value for name, value in changes.items() if name in ("role", "unit", "is_active")}
    data = {"fields": sorted(changes), **_audited(decisive)}
    return _fields_update(user, changes, allowed=STAFF_FIELDS, by=by, action="staff.updated", data=data)


def staff_deactivate(*, user: User, by: User | SystemActor) -> User:
    """The account can no longer sign in; it stays, since the audit log and the cases name it."""
    require(by, "staff.manage")
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(action="staff.deactivated", actor=by, target=user)
    return user


def staff_password_set(*, user: User, password: str | None, by: User | SystemActor) -> User:
    """An administrator sets the password (``None``: password sign-in disabled); never logged."""
    require(by, "staff.manage")
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(
            action="staff.password_set", actor=by, target=user, data={"usable": password is not None}
        )
    return user


def staff_totp_reset(*, user: User, by: User | SystemActor) -> str:
    """Give the account a new TOTP secret and return it (to be shown once to its holder)."""
    require(by, "staff.manage")
    secret = pyotp.random_base32()
    with transaction.atomic():
        user.totp_secret = secret
        user.totp_last_counter = 0
        user.save(update_fields=["totp_secret", "totp_last_counter"])
        audit_record(action="staff.totp_reset", actor=by, target=user)
    return secret


def workday_exception_save(*, exception: WorkdayException, by: User | SystemActor) -> WorkdayException:
    """Add or change a day off or a working day; deadlines counted from now on follow it."""
    require(by, "calendar.manage")
    data = {"date": exception.date, "kind": exception.kind, "note": exception.note}
    return audited_save(exception, by=by, action="calendar.exception", data=data)


def workday_exception_delete(*, exception: WorkdayException, by: User | SystemActor) -> None:
    require(by, "calendar.manage")
    data = {"date": exception.date, "kind": exception.kind}
    audited_delete(exception, by=by, action="calendar.exception_deleted", data=data)


def totp_provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=settings.SITE_NAME)


# Unknown, locked and wrong all get this answer: nobody learns which usernames exist or are locked.
_GENERIC = gettext_noop(
    "Wrong username, password or code, or the account is locked for a while after too many failed attempts."
)


def staff_login_check(*, username: str, password: str, address: str, totp_code: str = "") -> User:
    """Check a staff login from ``address`` (adal.core.addresses.client_address): first the address's
    throttle, then the account's lockout and second factor; return the user or raise LoginRefused."""
    now = timezone.now()
    wait = address_wait_seconds(address, now=now)
    if wait:
        minutes = math.ceil(wait / 60)
        raise LoginRefused(
            ngettext(
                "Too many failed sign-ins from your network. Try again in %(minutes)d minute.",
                "Too many failed sign-ins from your network. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes}
        )
    user = User.objects.filter(username__iexact=username.strip(), is_active=True).first()
    if user is None or user.is_locked(now):
        # One password hash either way, as for a wrong password, so that timing tells nothing either.
        if user is None:
            make_password(password)
        else:
            user.check_password(password)
        address_failed(address, now=now)
        raise LoginRefused(_(_GENERIC))
    if not user.check_password(password):
        _login_failed(user, reason="password", address=address, now=now)
    if user.requires_second_factor:
        counter = _verified_totp_counter(user, totp_code, now)
        if counter is None:
            _login_failed(user, reason="second_factor", address=address, now=now)
    else:
        counter = user.totp_last_counter
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(
            failed_logins=0, locked_until=None, totp_last_counter=counter, last_login=now
        )
        audit_record(action="staff.login", actor=user)
    return user


def _verified_totp_counter(user: User, code: str, now: dt.datetime) -> int | None:
    code = "".join(code.split())
    if not user.totp_secret or not code.isdigit():
        return None
    totp = pyotp.TOTP(user.totp_secret)
    for drift in (0, -1, 1):  # one step of clock drift either way
        counter = totp.timecode(now) + drift
        # A code is good once: a replay of the last accepted one is refused.
        if counter > user.totp_last_counter and totp.at(counter * totp.interval) == code:
            return counter
    return None


def _login_failed(user: User, *, reason: str, address: str, now: dt.datetime):
    with transaction.atomic():
        address_failed(address, now=now)
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins"])
        locked = user.failed_logins >= settings.ADAL_LOGIN_MAX_FAILURES
        if locked:
            until = timezone.now() + dt.timedelta(minutes=settings.ADAL_LOGIN_LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=until)
        audit_record(
            action="staff.login_locked" if locked else "staff.login_failed",
            actor=user,
            data={"reason": reason},
        )
    if not user.requires_second_factor or reason == "password":
        raise LoginRefused(_(_GENERIC))
    if not user.totp_secret:
        raise LoginRefused(_("This account has no second factor yet: ask an administrator to set it up."))
    raise LoginRefused(_(_GENERIC))


def territories_sync(*, using: str = "default") -> None:
    """Bring the Territory and TerritoryName tables in line with adal.core.territories (idempotent)."""
    from adal.core.territories import DISTRICTS, NAMES, REGIONS

    by_kato: dict[str, Territory] = {}
    for record in (*REGIONS, *DISTRICTS):  # regions first, so every district finds its parent
        by_kato[record.kato], _ = Territory.objects.using(using).update_or_create(
            kato=record.kato,
            defaults={
                "kind": record.kind,
                "parent": by_kato.get(record.parent_kato) if record.parent_kato else None,
                "name_ru": record.name_ru,
                "name_kk": record.name_kk,
                "name_en": record.name_en,
                "valid_from": record.valid_from,
                "valid_to": record.valid_to,
                "former_names": list(record.former_names),
            },
        )
    # A territory's dated names are exactly those the code lists: a corrected date replaces the old row.
    TerritoryName.objects.using(using).filter(territory__kato__in={n.kato for n in NAMES}).delete()
    TerritoryName.objects.using(using).bulk_create(
        TerritoryName(
            territory=by_kato[n.kato],
            name_ru=n.name_ru,
            name_kk=n.name_kk,
            name_en=n.name_en,
            valid_from=n.valid_from,
            valid_to=n.valid_to,
        )
        for n in NAMES
    )
