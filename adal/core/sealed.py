"""Cookies the server seals with its own key: the browser carries them, nothing is stored here.

Used for the reporter's short inbox session and the one-time receipt slip, so that the server
keeps no session row that could be tied to a report.
"""

import base64
import json
import time

from adal.core import crypto


def seal(payload: dict, *, purpose: str, max_age: int) -> str:
    body = json.dumps({"p": payload, "exp": int(time.time()) + max_age}).encode()
    return base64.urlsafe_b64encode(crypto.encrypt(body, aad=purpose.encode())).decode()


def unseal(value: str | None, *, purpose: str) -> dict | None:
    if not value:
        return None
    try:
        body = json.loads(crypto.decrypt(base64.urlsafe_b64decode(value.encode()), aad=purpose.encode()))
    except (ValueError, crypto.DecryptionError, IndexError):
        return None
    return body["p"] if body.get("exp", 0) >= time.time() else None


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
