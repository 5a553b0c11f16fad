"""Failed staff sign-ins counted per address, before any account's own lockout.

One address may fail ``ADAL_LOGIN_ADDRESS_MAX_FAILURES`` times in a window of
``ADAL_LOGIN_ADDRESS_WINDOW_MINUTES`` over all usernames, known or not; then every sign-in from it is
refused, without looking at the password, until the window ends. A success erases nothing, so a valid
account cannot be used to keep guessing at others. The count lives in the database (``LoginThrottle``),
which every worker shares whatever the cache is, under an HMAC of the address with the server's key; a
window's row is deleted once the window has passed. An IPv6 address counts as its /64 network, which
one client usually holds whole. Staff sign-in only: nothing here is ever called for a reporter.
"""

import datetime as dt
import ipaddress
import math

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.crypto import salted_hmac

from adal.core.audit import audit_record
from adal.core.models import LoginThrottle


def _key(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        network = address  # not an IP address (a test client): counted as given
    else:
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        network = str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
    return salted_hmac("adal.core.loginthrottle", network, algorithm="sha256").hexdigest()


def address_wait_seconds(address: str, *, now: dt.datetime) -> int:
    """How long the address must wait before it may try again; 0 when it may try now."""
    row = LoginThrottle.objects.filter(key=_key(address), window_ends__gt=now).first()
    if row is None or row.failures < settings.ADAL_LOGIN_ADDRESS_MAX_FAILURES:
        return 0
    return max(1, math.ceil((row.window_ends - now).total_seconds()))


def address_failed(address: str, *, now: dt.datetime) -> None:
    """Count one failed sign-in from the address; the first failure opens its window."""
    key = _key(address)
    with transaction.atomic():
        LoginThrottle.objects.filter(window_ends__lte=now).delete()  # past windows keep nothing
        if not LoginThrottle.objects.filter(key=key).update(failures=F("failures") + 1):
            window_ends = now + dt.timedelta(minutes=settings.ADAL_LOGIN_ADDRESS_WINDOW_MINUTES)
            try:
                with transaction.atomic():
                    LoginThrottle.objects.create(key=key, failures=1, window_ends=window_ends)
            except IntegrityError:  # another worker counted this address's first failure meanwhile
                LoginThrottle.objects.filter(key=key).update(failures=F("failures") + 1)
        failures = LoginThrottle.objects.values_list("failures", flat=True).get(key=key)
        if failures == settings.ADAL_LOGIN_ADDRESS_MAX_FAILURES:
            # Once per window; the entry names no address, not even its HMAC.
            audit_record(action="staff.login_address_refused", data={"failures": failures})
