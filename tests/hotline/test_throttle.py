import json
import os
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.urls import reverse

from adal.core.models import SharedState
from adal.hotline.api import EXAMPLE_REPORT
from adal.hotline.throttle import throttle_check, throttle_failure

ADDRESS = "198.51.100.9"


@pytest.fixture(autouse=True, params=["database", "cache"])
def store(request, settings):
    """Every test runs on the database table and, when REDIS_URL is set, on Redis."""
    if request.param == "cache" and not os.getenv("REDIS_URL"):
        pytest.skip("the Redis store is tested when REDIS_URL is set")
    settings.ADAL_SHARED_STATE = request.param
    if request.param == "database" and "transactional_db" not in request.fixturenames:
        request.getfixturevalue("db")
    return request.param


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


def test_the_next_window_starts_afresh(settings, clock):
    fail(settings.ADAL_RECEIPT_THROTTLE_MAX_FAILURES)
    clock[0] += settings.ADAL_RECEIPT_THROTTLE_WINDOW_SECONDS
    assert throttle_check(ADDRESS).allowed


def test_other_clients_are_not_affected(settings):
    fail(settings.ADAL_RECEIPT_THROTTLE_MAX_FAILURES)
    assert throttle_check("198.51.100.10").allowed


def test_a_correct_receipt_interleaved_with_guesses_does_not_reset_the_failures(client, db, settings):
    """A reporter who holds one receipt cannot use it to start the count again between guesses."""
    settings.ADAL_RECEIPT_THROTTLE_FREE_FAILURES = settings.ADAL_RECEIPT_THROTTLE_MAX_FAILURES = 4
    receipt = client.post(
        "/api/v1/reports", json.dumps(EXAMPLE_REPORT), content_type="application/json"
    ).json()["receipt"]

    def status(r: str) -> int:
        return client.get("/api/v1/reports/status", headers={"Authorization": f"Receipt {r}"}).status_code

    for guess in range(4):
        assert status(f"{guess:016d}") == 401
        if guess < 3:
            assert status(receipt) == 200
    assert status(receipt) == 429  # the window is spent, even for the right receipt


def test_the_inbox_page_does_not_reset_the_failures_either(client, db, settings):
    from tests.hotline.test_pages import receipt_from_slip, submit

    settings.ADAL_RECEIPT_THROTTLE_FREE_FAILURES = settings.ADAL_RECEIPT_THROTTLE_MAX_FAILURES = 2
    submit(client)
    _number, receipt = receipt_from_slip(client)
    login = reverse("hotline:inbox_login")
    assert client.post(login, {"receipt": "0" * 16}).status_code == 401
    assert client.post(login, {"receipt": receipt}).status_code == 302
    assert client.post(login, {"receipt": "1" * 16}).status_code == 401
    assert client.post(login, {"receipt": receipt}).status_code == 429


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_counter(settings, clock, store):
    """Workers are processes: failures counted by one are seen by every other."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    script = (
        "import time, django; django.setup()\n"
        f"time.time = lambda: {clock[0]!r}\n"
        "from adal.hotline.throttle import throttle_failure\n"
        f"for _ in range({settings.ADAL_RECEIPT_THROTTLE_MAX_FAILURES}): throttle_failure({ADDRESS!r})\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "adal.settings", "DATABASE_URL": url}
    env["ADAL_SHARED_STATE"] = store
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    verdict = throttle_check(ADDRESS)
    assert not verdict.allowed and verdict.retry_after > 60  # refused for the rest of the window


def test_the_store_holds_no_address(store):
    from django.core.cache import caches

    fail(2)
    if store == "database":
        names = list(SharedState.objects.values_list("name", flat=True))
    else:
        names = [k.decode() for k in caches["default"]._cache.get_client().keys("*throttle*")]
    assert names and not any(ADDRESS in name for name in names)
