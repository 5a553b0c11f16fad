import datetime as dt
import math

import pyotp
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from adal.core.audit import audit_record
from adal.core.loginthrottle import address_failed, address_wait_seconds
from adal.core.models import Territory, Unit, User


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
    by: User | None = None,
) -> Unit:
    with transaction.atomic():
        unit = Unit.objects.create(
            name_ru=name_ru, name_kk=name_kk, name_en=name_en, level=level, parent=parent, territory=territory
        )
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.save(update_fields=["path"])
        audit_record(
            action="unit.created",
            actor=by,
            target=unit,
            data={"level": level, "parent": parent and parent.pk},
        )
    return unit


def staff_create(
    *,
    username: str,
    password: str,
    role: str,
    unit: Unit | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    by: User | None = None,
    is_superuser: bool = False,
) -> User:
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


def staff_totp_reset(*, user: User, by: User | None = None) -> str:
    """Give the account a new TOTP secret and return it (to be shown once to its holder)."""
    secret = pyotp.random_base32()
    with transaction.atomic():
        user.totp_secret = secret
        user.totp_last_counter = 0
        user.save(update_fields=["totp_secret", "totp_last_counter"])
        audit_record(action="staff.totp_reset", actor=by, target=user)
    return secret


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
    """Bring the Territory table in line with adal.core.territories (idempotent)."""
    from adal.core.territories import DISTRICTS, REGIONS

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
