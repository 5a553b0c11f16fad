"""The worker's housekeeping: a registry each app adds its jobs to, run by the periodic job as the worker;
and core's own job, which purges the rows of finished tasks."""

import datetime as dt
import logging
from dataclasses import dataclass

import pytest
from django.db import connection
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from adal.core import housekeeping
from adal.core.housekeeping import run_housekeeping
from adal.core.permissions import WORKER
from adal.core.tasks import task_results_purge


@pytest.fixture
def jobs(monkeypatch):
    """An empty registry for the test; the apps' jobs come back afterwards."""
    monkeypatch.setattr(housekeeping, "_jobs", {})
    return housekeeping


def test_every_app_registers_its_jobs():
    assert {
        "core.task_results_purge",
        "core.planner_statistics",
        "core.audit_checkpoint",
        "survey.imports_abandoned",
    } <= set(housekeeping.registered())


def test_the_periodic_job_anchors_the_audit_chain(db, settings):
    from django.db import transaction

    from adal.core.audit import audit_record, audit_verify
    from adal.core.permissions import SYSTEM

    with transaction.atomic():
        audit_record(action="test.entry", actor=SYSTEM)
    report = housekeeping.run_housekeeping(by=WORKER)
    assert report["core.audit_checkpoint"] != "failed"
    assert settings.ADAL_AUDIT_CHECKPOINT_FILE.read_text().strip()
    assert audit_verify().ok


def test_each_job_runs_as_the_worker_and_its_result_is_reported(jobs, db):
    seen = []
    jobs.register("a", lambda *, by: seen.append(by) or 3)
    jobs.register("b", lambda *, by: "done")
    assert run_housekeeping(by=WORKER) == {"a": 3, "b": "done"}
    assert seen == [WORKER]


def test_a_result_json_cannot_hold_is_kept_as_its_text(jobs, db):
    @dataclass(frozen=True)
    class Checkpoint:
        seq: int

    jobs.register("checkpoint", lambda *, by: Checkpoint(seq=7))
    assert run_housekeeping(by=WORKER) == {"checkpoint": str(Checkpoint(seq=7))}


def test_a_failing_job_is_logged_and_the_others_still_run(jobs, db, caplog):
    def broken(*, by):
        raise RuntimeError("out of disk")

    jobs.register("first", broken)
    jobs.register("second", lambda *, by: 1)
    assert run_housekeeping(by=WORKER) == {"first": "failed", "second": 1}
    failure = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "first" in failure[0].getMessage()


def test_a_job_failing_in_the_database_leaves_the_connection_to_the_next(jobs, db):
    def bad_sql(*, by):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    jobs.register("bad", bad_sql)
    jobs.register("next", lambda *, by: DBTaskResult.objects.count())
    assert run_housekeeping(by=WORKER) == {"bad": "failed", "next": 0}


def test_the_periodic_job_runs_the_registry_as_the_worker(jobs, db):
    from adal.cases.tasks import sweep_deadlines

    seen = []
    jobs.register("spy", lambda *, by: seen.append(by) or "ran")
    report = sweep_deadlines.call()
    assert report["housekeeping"] == {"spy": "ran"} and seen == [WORKER]


@task
def noop() -> int:
    return 1


def test_finished_task_rows_are_purged_after_their_keeping_time(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = timezone.now()

    def row(status, age_days):
        result = noop.enqueue()
        finished = now - dt.timedelta(days=age_days) if status != "READY" else None
        DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=finished)
        return result.id

    keep = {row("SUCCESSFUL", 0.5), row("FAILED", 3), row("READY", 0), row("RUNNING", 0)}
    row("SUCCESSFUL", 2), row("FAILED", 8)
    assert task_results_purge(by=WORKER) == 2
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == {str(k) for k in keep}
