"""Short-lived state that every worker must see alike: receipt throttle counters, revoked inbox
sessions. Redis when REDIS_URL is set (the Django cache), otherwise a small table in the database;
never a process's own memory, where each of several workers would keep a count of its own.

Each entry is a count with the time of its last increment and an expiry; after the expiry it is
gone (Redis drops it; the table's expired rows are deleted on the next write).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from adal.core.models import SharedState


@dataclass(frozen=True)
class Entry:
    count: int = 0
    last_at: float = 0.0


def shared_incr(name: str, *, ttl: int) -> int:
    """Add one to ``name`` (starting it, for ``ttl`` seconds, if absent or expired) and return the
    new count. Atomic across workers on both stores."""
    if _uses_cache():
        return _cache_incr(name, ttl)
    return _database_incr(name, ttl)


def shared_get(name: str) -> Entry:
    if _uses_cache():
        values = cache.get_many([name, f"{name}:at"])
        return Entry(values.get(name, 0), values.get(f"{name}:at", 0.0))
    row = SharedState.objects.filter(name=name, expires_at__gt=time.time()).first()
    return Entry(row.count, row.last_at) if row else Entry()


def _uses_cache() -> bool:
    return settings.ADAL_SHARED_STATE == "cache"


def _cache_incr(name: str, ttl: int) -> int:
    now = time.time()
    for _attempt in range(3):
        cache.add(name, 0, timeout=ttl)
        try:
            count = cache.incr(name)  # INCRBY in Redis: atomic
        except ValueError:  # expired between the two calls: start again
            continue
        cache.set(f"{name}:at", now, timeout=ttl)
        return count
    raise RuntimeError(f"shared counter {name} keeps expiring")


# One statement, so two workers incrementing at once both count (SQLite and PostgreSQL alike).
_UPSERT = """
INSERT INTO {table} (name, count, last_at, expires_at) VALUES (%s, 1, %s, %s)
ON CONFLICT (name) DO UPDATE SET
    count = CASE WHEN {table}.expires_at > %s THEN {table}.count + 1 ELSE 1 END,
    expires_at = CASE WHEN {table}.expires_at > %s THEN {table}.expires_at ELSE excluded.expires_at END,
    last_at = excluded.last_at
RETURNING count
"""


def _database_incr(name: str, ttl: int) -> int:
    now = time.time()
    table = connection.ops.quote_name(SharedState._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        SharedState.objects.filter(expires_at__lte=now).delete()
        cursor.execute(_UPSERT.format(table=table), [name, now, now + ttl, now, now])
        return cursor.fetchone()[0]
