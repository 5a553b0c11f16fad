"""The open queue and the sweep reach open cases through the partial indexes on them.

SQLite uses a partial index only when the query repeats the index's condition word for word: with the
states sent as parameters it walked every case of a million in due order (0.5–1 s a page). These tests
read SQLite's plan for the queries the selectors and the sweep build.
"""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from adal.cases.models import IS_OPEN, Case
from adal.cases.selectors import QueueFilters, _filtered

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " / ".join(row[-1] for row in cur.fetchall())


def test_the_centres_open_queue_walks_the_open_cases_in_due_order(org):
    qs = _filtered(org["centre_head"], QueueFilters()).order_by("due_at", "id")[:51]
    assert "case_open_due" in plan(qs)


def test_the_sweep_finds_overdue_cases_through_the_open_index(db):
    now = timezone.now() + dt.timedelta(days=1)
    qs = Case.objects.filter(IS_OPEN, overdue_level=0, due_at__lt=now).order_by("due_at").values_list("pk")
    assert "case_open_due" in plan(qs[:500])
