"""Throttling of receipt guesses, shared by every worker, without remembering who guessed.

A client is known only by an HMAC of its address under a key derived from the server's secret and
the current window, so the counters (in Redis or the database, see adal.core.shared) hold no
address, and they expire with the window. The first few failures are free; after that each attempt
must wait twice as long as the last; past the maximum the client is refused until the window ends.
A correct receipt changes nothing: failures stay counted for the whole window, so a reporter who
holds one receipt cannot interleave it with guesses to start the count again.
"""

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import ngettext

from adal.core.shared import shared_get, shared_incr


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


def _client_name(address: str) -> str:
    window, _ = _window()
    window_key = hmac.new(settings.SECRET_KEY.encode(), f"receipt-throttle:{window}".encode(), hashlib.sha256)
    client = hmac.new(window_key.digest(), address.encode(), hashlib.sha256).hexdigest()[:32]
    return f"throttle:{window}:{client}"


def throttle_check(address: str) -> Verdict:
    state = shared_get(_client_name(address))
    _, remaining = _window()
    if state.count >= settings.ADAL_RECEIPT_THROTTLE_MAX_FAILURES:
        return Verdict(False, remaining)
    free = settings.ADAL_RECEIPT_THROTTLE_FREE_FAILURES
    if state.count >= free:
        wait = 2 ** (state.count - free) - (time.time() - state.last_at)
        if wait > 0:
            return Verdict(False, int(wait) + 1)
    return Verdict(True)


def throttle_failure(address: str) -> None:
    shared_incr(_client_name(address), ttl=_window()[1])
