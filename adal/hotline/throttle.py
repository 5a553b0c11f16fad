"""Throttling of receipt guesses, without remembering who guessed.

A client is known only by an HMAC of its address under a random key that lives in the cache
(memory or a non-persistent Redis) and is replaced every window, so nothing on disk can tie a
counter to an address, and after the window nothing at all remains. The first few failures are
free; after that each attempt must wait twice as long as the last; past the maximum the client is
refused until the window ends.
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0

    def message(self) -> str:
        return ngettext(
            "Too many wrong receipts. Try again in %(seconds)d second.",
            "Too many wrong receipts. Try again in %(seconds)d seconds.",
            self.retry_after,
        ) % {"seconds": self.retry_after}


def _window() -> tuple[int, int]:
    length = settings.ADAL_RECEIPT_THROTTLE_WINDOW_SECONDS
    now = int(time.time())
    return now // length, length - now % length


def _client_token(address: str) -> str:
    window, remaining = _window()
    key_name = f"throttle:key:{window}"
    cache.add(key_name, secrets.token_hex(32), timeout=remaining + 60)
    key = cache.get(key_name)
    return (
        f"throttle:{window}:"
        + hmac.new(bytes.fromhex(key), address.encode(), hashlib.sha256).hexdigest()[:32]
    )


def throttle_check(address: str) -> Verdict:
    state = cache.get(_client_token(address)) or (0, 0.0)
    failures, last_failure = state
    _, remaining = _window()
    if failures >= settings.ADAL_RECEIPT_THROTTLE_MAX_FAILURES:
        return Verdict(False, remaining)
    free = settings.ADAL_RECEIPT_THROTTLE_FREE_FAILURES
    if failures >= free:
        wait = 2 ** (failures - free) - (time.time() - last_failure)
        if wait > 0:
            return Verdict(False, int(wait) + 1)
    return Verdict(True)


def throttle_failure(address: str) -> None:
    token = _client_token(address)
    failures, _ = cache.get(token) or (0, 0.0)
    cache.set(token, (failures + 1, time.time()), timeout=_window()[1])


def throttle_success(address: str) -> None:
    cache.delete(_client_token(address))
