"""Cookies the server seals with its own key: the browser carries them, nothing is stored here.

Used for the reporter's short inbox session and the one-time receipt slip, so that the server
keeps no session row that could be tied to a report. Each sealed value carries a random id; signing
out records that id as revoked until the value would have expired anyway (adal.core.shared), so a
copy of the cookie opens nothing afterwards. The record names no report.
"""

import base64
import json
import secrets
import time

from adal.core import crypto
from adal.core.shared import shared_get, shared_incr


def seal(payload: dict, *, purpose: str, max_age: int) -> str:
    body = {"p": payload, "exp": int(time.time()) + max_age, "sid": secrets.token_hex(16)}
    return base64.urlsafe_b64encode(crypto.encrypt(json.dumps(body).encode(), aad=purpose.encode())).decode()


def unseal(value: str | None, *, purpose: str) -> dict | None:
    body = _open(value, purpose)
    return body["p"] if body and not shared_get(_revoked(body)).count else None


def revoke(value: str | None, *, purpose: str) -> None:
    """From now on ``value`` (and every copy of it) unseals to nothing."""
    body = _open(value, purpose)
    if body:
        shared_incr(_revoked(body), ttl=int(body["exp"] - time.time()) + 1)


def _open(value: str | None, purpose: str) -> dict | None:
    if not value:
        return None
    try:
        body = json.loads(crypto.decrypt(base64.urlsafe_b64decode(value.encode()), aad=purpose.encode()))
    except (ValueError, crypto.DecryptionError, IndexError):
        return None
    return body if body.get("exp", 0) >= time.time() and "sid" in body else None


def _revoked(body: dict) -> str:
    return f"sealed-revoked:{body['sid']}"


def set_sealed_cookie(
    response, name: str, payload: dict, *, purpose: str, max_age: int, path: str = "/"
) -> None:
    from django.conf import settings

    response.set_cookie(
        name,
        seal(payload, purpose=purpose, max_age=max_age),
        max_age=max_age,
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
