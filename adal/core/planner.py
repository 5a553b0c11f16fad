"""Keeping the query planner's statistics, where the database does not keep them itself.

PostgreSQL's autovacuum analyses tables as they change. SQLite keeps no statistics until told to, and
without them it reads a unit's open cases through the wrong index: at a million cases a page of the
queue took half a second instead of a few milliseconds. ``analysis_limit`` makes SQLite sample each
index instead of reading it whole (milliseconds for a million rows), which is all the planner needs.
"""

from django.db import connections

ANALYSIS_LIMIT = 1000  # rows sampled per index


def _sqlite(using: str):
    connection = connections[using]
    return connection if connection.vendor == "sqlite" else None


def planner_statistics_build(using: str = "default") -> None:
    """Statistics for every table and index, e.g. after migrations have rebuilt a table."""
    if connection := _sqlite(using):
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
            cur.execute("ANALYZE")


def planner_statistics_refresh(using: str = "default") -> None:
    """Statistics of the tables that changed much since they were taken (SQLite decides which)."""
    if connection := _sqlite(using):
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
            cur.execute("PRAGMA optimize")
