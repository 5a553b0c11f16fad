"""The case tally: how many cases each (unit, state, category, region, high risk, due week) holds, kept in
the same transaction as every change of a case, so that the staff queue counts a unit's cases by reading
a few hundred tally rows instead of every open case (83 ms of SQL at the centre with 1,000,000 cases).

Who keeps it: ``case_open`` adds a case, ``_transition`` moves it from its old key to its new one (state,
unit, category, region, risk and due week all change only there), and the sweep's closing of answered
cases moves its batch. Raising the overdue level changes no key: "overdue now" is not stored, it is the
sum over the due weeks before this one (and the cases due earlier this week, counted directly: see
adal.cases.selectors.queue_counts).

Concurrency: each change is ``INSERT … ON CONFLICT (key) DO UPDATE SET n = n + delta``, which PostgreSQL
applies under the row's lock, so two transactions adding to one row never lose an update; the deltas of
one transaction are applied in the order of their keys, so two transactions moving cases between the
same two rows in opposite directions lock them in the same order and never deadlock. SQLite's IMMEDIATE
transactions admit one writer at a time.

The same moves keep CaseCohort, the public statistics' counts (adal.cases.statistics): each case is
counted there once per grouping (region, category, channel, outcome, unit) on the day it was registered
and once in that day's month, with its answer's working days and timeliness, or the day its answer is
due. A period reads the rows of its whole months and the day rows of its partial ones: a year is twelve
months' rows, not 365 days'.

``tally_rebuild`` counts the cases again and replaces both tables; ``tally_differences`` says where they
and a recount disagree (``manage.py case_tally_rebuild [--check]``). A change of the working-day calendar
for past days changes the working days of answers already given: rebuild after one.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Sum

from adal.cases.clocks import local_date
from adal.cases.models import OPEN_STATES, Case, CaseCohort, CaseTally, RiskLevel, State
from adal.core.workdays import calendar

NO_UNIT = 0
NOT_DUE = 0
NOT_ANSWERED = -1
SIDE_EXITS = (State.REDIRECTED, State.MERGED, State.LEFT_WITHOUT_CONSIDERATION)
PENDING = "pending"  # the outcome of a case not decided yet
GROUPINGS = ("region", "category", "channel", "outcome", "unit")
CASE_COLUMNS = (
    "unit_id", "state", "category", "region_id", "retaliation_risk", "due_at",
    "channel", "outcome", "registered_at", "answered_at", "answer_due_at",
)  # fmt: skip


@dataclass(frozen=True)
class Table:
    model: type
    key_fields: tuple[str, ...]


QUEUE = Table(CaseTally, ("unit_pk", "state", "category", "region_pk", "high_risk", "due_week"))
COHORT = Table(
    CaseCohort, ("grouped_by", "registered_day", "group_key", "answered_days", "on_time", "due_day")
)
TABLES = (QUEUE, COHORT)


def day_number(day: dt.date) -> int:
    """A day as YYYYMMDD: ordered as the days are, and readable in the table."""
    return day.year * 10000 + day.month * 100 + day.day


def week_number(day: dt.date) -> int:
    """The week of a day, as the YYYYMMDD of its Monday."""
    return day_number(day - dt.timedelta(days=day.weekday()))


def outcome_key(outcome: str, state: str) -> str:
    return outcome or (state if state in SIDE_EXITS else PENDING)


class _Keys:
    """A case's rows in both tables, from its columns (CASE_COLUMNS); days and working days converted
    once per distinct moment, as a rebuild meets the same deadlines and days again and again."""

    def __init__(self):
        self.days: dict = {}
        self.weeks: dict = {}
        self.taken: dict = {}
        self.calendar = None

    def day(self, moment: dt.datetime) -> int:
        day = self.days.get(moment)
        if day is None:
            day = self.days[moment] = day_number(local_date(moment))
        return day

    def week(self, moment: dt.datetime) -> int:
        week = self.weeks.get(moment)
        if week is None:
            week = self.weeks[moment] = week_number(local_date(moment))
        return week

    def working_days(self, registered_at: dt.datetime, answered_at: dt.datetime) -> int:
        pair = (local_date(registered_at), local_date(answered_at))
        taken = self.taken.get(pair)
        if taken is None:
            self.calendar = self.calendar or calendar()
            taken = self.taken[pair] = self.calendar.working_days_between(*pair)
        return taken

    def __call__(self, row: tuple) -> list[tuple[Table, tuple]]:
        (unit_id, state, category, region_id, risk, due_at, channel, outcome, registered_at, answered_at,
         answer_due_at) = row  # fmt: skip
        is_open = state in OPEN_STATES
        queue = (unit_id or NO_UNIT, state, category, region_id, risk == RiskLevel.HIGH,
                 self.week(due_at) if is_open else NOT_DUE)  # fmt: skip
        if answered_at is not None:
            status = (self.working_days(registered_at, answered_at), answered_at <= answer_due_at, NOT_DUE)
        else:
            status = (NOT_ANSWERED, False, self.day(answer_due_at) if is_open else NOT_DUE)
        registered = self.day(registered_at)
        month = registered // 100 * 100  # the whole month's row: YYYYMM00
        groups = {
            "region": str(region_id),
            "category": category,
            "channel": channel,
            "outcome": outcome_key(outcome, state),
            "unit": str(unit_id) if unit_id else "",
        }
        cohort = [
            (COHORT, (by, when, groups[by], *status)) for by in GROUPINGS for when in (registered, month)
        ]
        return [(QUEUE, queue), *cohort]


def case_key(case: Case, **instead) -> list[tuple[Table, tuple]]:
    """A case's rows in the tallies, as it is now (or with the columns ``instead`` says)."""
    return _Keys()(tuple(instead[c] if c in instead else getattr(case, c) for c in CASE_COLUMNS))


# ---------------------------------------------------------------- keeping it


def tally_move(before: list | None, after: list | None) -> None:
    """One case moved from its rows ``before`` to its rows ``after`` (None: it did not exist before)."""
    if before == after:
        return
    deltas: Counter = Counter()
    for row in before or ():
        deltas[row] -= 1
    for row in after or ():
        deltas[row] += 1
    tally_apply(deltas)


def tally_apply(deltas: Counter) -> None:
    """Add each delta to its row, inside the caller's transaction; rows in the order of their keys."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the case tally changes only inside the transaction that changes the cases")
    for table in TABLES:
        rows = sorted((key, n) for (t, key), n in deltas.items() if t is table and n)
        if rows:
            _upsert(table, rows)


def _upsert(table: Table, rows: list) -> None:
    name = connection.ops.quote_name(table.model._meta.db_table)
    columns = ", ".join(table.key_fields)
    sql = (
        f"INSERT INTO {name} ({columns}, n) VALUES ({', '.join(['%s'] * (len(table.key_fields) + 1))}) "  # noqa: S608
        f"ON CONFLICT ({columns}) DO UPDATE SET n = {name}.n + excluded.n"
    )
    with connection.cursor() as cur:
        cur.executemany(sql, [(*key, n) for key, n in rows])


# ---------------------------------------------------------------- rebuilding and checking it


def tally_count(cases: Iterable[tuple]) -> Counter:
    """Both tallies of these cases (rows of CASE_COLUMNS), counted afresh."""
    keys, counts = _Keys(), Counter()
    for row in cases:
        counts.update(keys(row))
    return counts


def _recount(case_model=Case) -> Counter:
    rows = case_model.objects.order_by().values_list(*CASE_COLUMNS).iterator(chunk_size=10_000)
    return tally_count(rows)


def _stored() -> Counter:
    stored: Counter = Counter()
    for table in TABLES:
        for row in table.model.objects.exclude(n=0).values_list(*table.key_fields, "n"):
            stored[(table, tuple(row[:-1]))] = row[-1]
    return stored


def _lock_tallies() -> None:
    """On PostgreSQL, keep transitions from writing the tallies while they are counted again: one that
    has already written waits to commit before the lock is granted (so its change is in the recount), one
    that writes after waits for the rebuild (and then adds its delta to the rebuilt rows). SQLite's
    IMMEDIATE transaction already admits no other writer."""
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(t.model._meta.db_table) for t in TABLES)
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")


def tally_rebuild(*, case_model=Case, models: dict | None = None) -> int:
    """Count the cases again and replace both tallies with the count; returns the number of rows.
    ``models`` maps a tally's model to the one to write (a migration's historical models)."""
    models = models or {}
    with transaction.atomic():
        _lock_tallies()
        counts = _recount(case_model)
        for table in TABLES:
            model = models.get(table.model, table.model)
            model.objects.all().delete()
            model.objects.bulk_create(
                (
                    model(**dict(zip(table.key_fields, key, strict=True)), n=n)
                    for (t, key), n in counts.items()
                    if t is table
                ),
                batch_size=5000,
            )
    return len(counts)


def tally_differences() -> dict[tuple, tuple[int, int]]:
    """Where the tallies and a recount of the cases disagree: (table name, key) → (stored, counted)."""
    with transaction.atomic():
        _lock_tallies()
        stored, counted = _stored(), _recount()
    return {
        (t.model.__name__, key): (stored[(t, key)], counted[(t, key)])
        for t, key in stored.keys() | counted.keys()
        if stored[(t, key)] != counted[(t, key)]
    }


def tally_total() -> int:
    """How many cases the queue's tally holds."""
    return CaseTally.objects.aggregate(total=Sum("n"))["total"] or 0
