import pytest
from django.db import connection

from adal.core.planner import planner_statistics_build, planner_statistics_refresh


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps its own statistics")
def test_sqlite_gets_statistics_of_every_index(db, units):
    with connection.cursor() as cur:
        cur.execute("DELETE FROM sqlite_stat1")
    planner_statistics_build()
    with connection.cursor() as cur:
        cur.execute("SELECT DISTINCT idx FROM sqlite_stat1 WHERE tbl = 'core_unit'")
        indexes = {row[0] for row in cur.fetchall()}
    assert "core_unit_path_d0e4ea42" in indexes
    planner_statistics_refresh()  # and the periodic refresh runs


def test_the_statistics_calls_are_harmless_on_any_database(db):
    planner_statistics_build()
    planner_statistics_refresh()
