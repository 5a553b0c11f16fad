"""Shared fixtures built once and written again.

The first test that asks for a replayed fixture builds it through the services, as before, and the rows
the building wrote (inserted, changed or deleted, in every table) are recorded with the state of the
database it started from. A later test that asks for it from that same state gets those rows written
straight into its database, a few INSERTs instead of hundreds of queries through the services, and a
deep copy of what the building returned. From any other state (another fixture wrote first, a
transactional test flushed the tables) it is built, and recorded, again. A building that does anything
besides writing rows (files, e-mails, callbacks waiting for a commit) is never replayed.

The rows are written with the values read back raw (the same ciphertexts, hashes and audit chain), the
same ids, in one transaction (foreign keys are checked at its end)."""

from __future__ import annotations

import copy
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.utils import translation

SMALL = 20  # tables with at most this many rows are compared whole (heads, presets, singletons)


@dataclass
class Recording:
    result: object
    small: tuple = ()  # the small tables as they were before the building
    inserted: dict[str, list[tuple]] = field(default_factory=dict)
    updated: dict[str, list[tuple]] = field(default_factory=dict)
    deleted: dict[str, list] = field(default_factory=dict)


_recordings: dict[tuple, Recording] = {}
_not_replayable: set[str] = set()
counts: Counter = Counter()  # (name, "built" | "written again" | "not replayable"), for the summary
_tables: list[tuple[str, str, list[str]]] = []


def tables() -> list[tuple[str, str, list[str]]]:
    """(table, primary key column, written columns) of every model: generated columns are the database's."""
    if not _tables:
        existing = set(connection.introspection.table_names())
        seen = set()
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or meta.db_table in seen or meta.db_table not in existing:
                continue
            seen.add(meta.db_table)
            columns = [meta.pk.column] + [
                f.column for f in meta.concrete_fields if not f.generated and f.column != meta.pk.column
            ]
            _tables.append((meta.db_table, meta.pk.column, columns))
    return _tables


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def shape() -> tuple:
    """Each table's row count and largest key, in one query."""
    # Ordered by table: PostgreSQL may run a long UNION ALL as a parallel append, in any order.
    parts = [
        f"SELECT '{t}', COUNT(*), MAX(CAST({q(pk)} AS TEXT)) FROM {q(t)}"  # noqa: S608
        for t, pk, _ in tables()
    ]
    with connection.cursor() as cur:
        cur.execute(" UNION ALL ".join(parts) + " ORDER BY 1")
        return tuple(tuple(row) for row in cur.fetchall())


def context() -> tuple:
    """What besides the rows may shape what a building writes: the language, Adal's own settings (the
    keys, costs), but not the files each test has its own of (paths under tmp_path)."""
    own = tuple(
        (k, repr(v))
        for k in dir(settings)
        if k.startswith("ADAL_") and not isinstance(v := getattr(settings, k), Path)
    )
    return translation.get_language(), settings.LANGUAGE_CODE, settings.TIME_ZONE, own


def rows(table: str, columns: list[str]) -> dict:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(q(c) for c in columns)} FROM {q(table)}")  # noqa: S608
        return {row[0]: tuple(row) for row in cur.fetchall()}


def snapshot() -> dict[str, dict]:
    return {t: rows(t, cols) for t, _pk, cols in tables()}


def small_tables(state: dict[str, dict], only: set[str] | None = None) -> tuple:
    return tuple(
        (t, tuple(sorted(state[t].values(), key=repr)))
        for t, _pk, _c in tables()
        if (t in only if only is not None else len(state[t]) <= SMALL)
    )


def outside_effects() -> tuple:
    """What a building may do besides writing rows: files, e-mails, work waiting for the commit."""
    media = Path(settings.MEDIA_ROOT)
    files = sum(len(names) for _d, _s, names in os.walk(media)) if media.exists() else 0
    own = [getattr(settings, k) for k in dir(settings) if k.startswith("ADAL_")]  # e.g. audit checkpoints
    sizes = tuple(p.stat().st_size if p.is_file() else -1 for p in own if isinstance(p, Path))
    return files, sizes, len(getattr(mail, "outbox", [])), len(connection.run_on_commit)


def replayed(name: str, build: Callable[[], object]):
    """What ``build()`` returns, built or written again (see the module's docstring)."""
    if name in _not_replayable:
        counts[name, "not replayable"] += 1
        return build()
    key = (name, connection.vendor, context(), shape())
    recording = _recordings.get(key)
    if recording is not None:
        wanted = {t for t, _rows in recording.small}
        now = {t: rows(t, cols) for t, _pk, cols in tables() if t in wanted}
        if small_tables(now, wanted) == recording.small:
            _write(recording)
            counts[name, "written again"] += 1
            return copy.deepcopy(recording.result)
    before, effects = snapshot(), outside_effects()
    counts[name, "built"] += 1
    result = build()
    if outside_effects() != effects:
        _not_replayable.add(name)
        return result
    after = snapshot()
    recording = Recording(result=copy.deepcopy(result), small=small_tables(before))
    for table, _pk, _columns in tables():
        old, new = before[table], after[table]
        if added := [row for k, row in new.items() if k not in old]:
            recording.inserted[table] = added
        if changed := [row for k, row in new.items() if k in old and old[k] != row]:
            recording.updated[table] = changed
        if gone := [k for k in old if k not in new]:
            recording.deleted[table] = gone
    _recordings[key] = recording
    return result


def _write(recording: Recording) -> None:
    columns = {t: (pk, cols) for t, pk, cols in tables()}
    with transaction.atomic(), connection.cursor() as cur:
        for table, keys in recording.deleted.items():
            pk, _cols = columns[table]
            cur.executemany(f"DELETE FROM {q(table)} WHERE {q(pk)} = %s", [[k] for k in keys])  # noqa: S608
        for table, changed in recording.updated.items():
            pk, cols = columns[table]
            sets = ", ".join(f"{q(c)} = %s" for c in cols[1:])
            cur.executemany(
                f"UPDATE {q(table)} SET {sets} WHERE {q(pk)} = %s",  # noqa: S608
                [[*row[1:], row[0]] for row in changed],
            )
        for table, added in recording.inserted.items():
            _pk, cols = columns[table]
            marks = ", ".join(["%s"] * len(cols))
            cur.executemany(
                f"INSERT INTO {q(table)} ({', '.join(q(c) for c in cols)}) VALUES ({marks})",  # noqa: S608
                [list(row) for row in added],
            )
