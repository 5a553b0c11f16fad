import time

import pytest

from adal.hotline.throttle import throttle_check, throttle_failure, throttle_success

ADDRESS = "198.51.100.9"


@pytest.fixture(autouse=True)
def clock(settings, monkeypatch):
    """A clock that starts at the beginning of a throttle window, so no test crosses one by chance."""
    window = settings.ADAL_RECEIPT_THROTTLE_WINDOW_SECONDS
    now = [(int(time.time()) // window + 1) * window + 1.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def fail(n: int):
    for _ in range(n):
        throttle_failure(ADDRESS)


def test_the_first_failures_are_free(settings):
    fail(settings.ADAL_RECEIPT_THROTTLE_FREE_FAILURES - 1)
    assert throttle_check(ADDRESS).allowed


def test_after_that_each_attempt_waits_longer(settings, clock):
    free = settings.ADAL_RECEIPT_THROTTLE_FREE_FAILURES
    fail(free)
    first = throttle_check(ADDRESS)
    fail(1)
    second = throttle_check(ADDRESS)
    fail(1)
    third = throttle_check(ADDRESS)
    assert not first.allowed and not second.allowed and not third.allowed
    assert first.retry_after < second.retry_after < third.retry_after
    # Once the wait has passed, one more attempt is allowed.
    clock[0] += third.retry_after + 1
    assert throttle_check(ADDRESS).allowed


def test_past_the_maximum_the_client_is_refused_for_the_window(settings, clock):
    fail(settings.ADAL_RECEIPT_THROTTLE_MAX_FAILURES)
    clock[0] += 2**settings.ADAL_RECEIPT_THROTTLE_MAX_FAILURES // 4  # far past any growing wait
    verdict = throttle_check(ADDRESS)
    assert not verdict.allowed and verdict.retry_after > 0


def test_other_clients_are_not_affected(settings):
    fail(settings.ADAL_RECEIPT_THROTTLE_MAX_FAILURES)
    assert throttle_check("198.51.100.10").allowed


def test_success_clears_the_count(settings):
    fail(settings.ADAL_RECEIPT_THROTTLE_FREE_FAILURES + 1)
    throttle_success(ADDRESS)
    assert throttle_check(ADDRESS).allowed


def test_the_cache_holds_no_address():
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    fail(2)
    cache = caches["default"]  # the real backend; django.core.cache.cache is a proxy
    # LocMemCache keeps its keys in a dict; Redis (in the PostgreSQL run) is asked for them.
    if isinstance(cache, LocMemCache):
        keys = list(cache._cache.keys())
    else:
        keys = [k.decode() for k in cache._cache.get_client().keys("*throttle*")]
    assert keys and not any(ADDRESS in str(k) for k in keys)
