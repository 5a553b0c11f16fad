"""The case tally: how many cases each (unit, state, category, region, high risk, due day) holds, kept in
the same transaction as every change of a case, so that the staff queue counts a unit's cases by reading
a few hundred tally rows instead of every open case (83 ms of SQL at the centre with 1,000,000 cases).

Who keeps it: ``case_open`` adds a case, ``_transition`` moves it from its old key to its new one (state,
unit, category, region, risk and due day all change only there), and the sweep's closing of answered
cases moves its batch. Raising the overdue level changes no key: "overdue now" is not stored, it is the
sum over the due days before today (and the cases due earlier today, counted directly: see
adal.cases.selectors.queue_counts).

Concurrency: each change is ``INSERT … ON CONFLICT (key) DO UPDATE SET n = n + delta``, which PostgreSQL
applies under the row's lock, so two transactions adding to one row never lose an update; the deltas of
one transaction are applied in the order of their keys, so two transactions moving cases between the
same two rows in opposite directions lock them in the same order and never deadlock. SQLite's IMMEDIATE
transactions admit one writer at a time.

``tally_rebuild`` counts the cases again and replaces the tally; ``tally_differences`` says where the
tally and a recount disagree (``manage.py case_tally_rebuild [--check]``).
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Sum

from adal.cases.clocks import local_date
from adal.cases.models import OPEN_STATES, Case, CaseTally, RiskLevel

Key = tuple[int, str, str, int, bool, int]  # unit_pk, state, category, region_pk, high_risk, due_day
KEY_FIELDS = ("unit_pk", "state", "category", "region_pk", "high_risk", "due_day")
CASE_COLUMNS = ("unit_id", "state", "category", "region_id", "retaliation_risk", "due_at")
NO_UNIT = 0
NOT_DUE = 0


def day_number(day: dt.date) -> int:
    """A day as YYYYMMDD: ordered as the days are, and readable in the table."""
    return day.year * 10000 + day.month * 100 + day.day


def key_of(unit_id, state, category, region_id, retaliation_risk, due_at) -> Key:
    """A case's key, from its columns (CASE_COLUMNS, in that order)."""
    due_day = day_number(local_date(due_at)) if state in OPEN_STATES else NOT_DUE
    return (unit_id or NO_UNIT, state, category, region_id, retaliation_risk == RiskLevel.HIGH, due_day)


def case_key(case: Case) -> Key:
    return key_of(*(getattr(case, c) for c in CASE_COLUMNS))


# ---------------------------------------------------------------- keeping it


def tally_move(before: Key | None, after: Key | None) -> None:
    """One case moved from one key to another (None: it did not exist, or no longer does)."""
    if before == after:
        return
    deltas: Counter = Counter()
    if before is not None:
        deltas[before] -= 1
    if after is not None:
        deltas[after] += 1
    tally_apply(deltas)


def tally_apply(deltas: Counter) -> None:
    """Add each delta to its key's row, inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the case tally changes only inside the transaction that changes the cases")
    rows = sorted((key, n) for key, n in deltas.items() if n)
    if not rows:
        return
    table = connection.ops.quote_name(CaseTally._meta.db_table)
    columns = ", ".join(KEY_FIELDS)
    sql = (
        f"INSERT INTO {table} ({columns}, n) VALUES ({', '.join(['%s'] * (len(KEY_FIELDS) + 1))}) "  # noqa: S608
        f"ON CONFLICT ({columns}) DO UPDATE SET n = {table}.n + excluded.n"
    )
    with connection.cursor() as cur:
        cur.executemany(sql, [(*key, n) for key, n in rows])


# ---------------------------------------------------------------- rebuilding and checking it


def tally_count(cases: Iterable[tuple]) -> Counter:
    """The tally of these cases' rows (CASE_COLUMNS), as a recount."""
    counts: Counter = Counter()
    day_of: dict = {}  # most cases share a due moment (the end of a day): convert each moment once
    for unit_id, state, category, region_id, risk, due_at in cases:
        if state in OPEN_STATES:
            due_day = day_of.get(due_at)
            if due_day is None:
                due_day = day_of[due_at] = day_number(local_date(due_at))
        else:
            due_day = NOT_DUE
        counts[(unit_id or NO_UNIT, state, category, region_id, risk == RiskLevel.HIGH, due_day)] += 1
    return counts


def _recount(case_model=Case) -> Counter:
    rows = case_model.objects.order_by().values_list(*CASE_COLUMNS).iterator(chunk_size=10_000)
    return tally_count(rows)


def _stored(tally_model=CaseTally) -> Counter:
    rows = tally_model.objects.exclude(n=0).values_list(*KEY_FIELDS, "n")
    return Counter({tuple(row[:-1]): row[-1] for row in rows})


def _lock_tally() -> None:
    """On PostgreSQL, keep transitions from writing the tally while it is counted again: one that has
    already written waits to commit before the lock is granted (so its change is in the recount), one that
    writes after waits for the rebuild (and then adds its delta to the rebuilt rows). SQLite's IMMEDIATE
    transaction already admits no other writer."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {connection.ops.quote_name(CaseTally._meta.db_table)} IN EXCLUSIVE MODE")


def tally_rebuild(*, case_model=Case, tally_model=CaseTally) -> int:
    """Count the cases again and replace the tally with the count; returns the number of rows."""
    with transaction.atomic():
        _lock_tally()
        counts = _recount(case_model)
        tally_model.objects.all().delete()
        tally_model.objects.bulk_create(
            (tally_model(**dict(zip(KEY_FIELDS, key, strict=True)), n=n) for key, n in counts.items()),
            batch_size=5000,
        )
    return len(counts)


def tally_differences() -> dict[Key, tuple[int, int]]:
    """Where the tally and a recount of the cases disagree: key → (in the tally, counted)."""
    with transaction.atomic():
        _lock_tally()
        stored, counted = _stored(), _recount()
    return {k: (stored[k], counted[k]) for k in stored.keys() | counted.keys() if stored[k] != counted[k]}


def tally_total() -> int:
    return CaseTally.objects.aggregate(n=Sum("n"))["n"] or 0
