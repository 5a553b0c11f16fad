import datetime as dt

from django.tasks import task
from django.utils import timezone

SWEEP_EVERY = dt.timedelta(minutes=5)


@task
def sweep_deadlines() -> dict:
    """Reminders, escalations and closing of answered cases; then the next sweep is scheduled."""
    from adal.cases.sweep import deadlines_sweep
    from adal.core.housekeeping import run_housekeeping
    from adal.core.permissions import WORKER

    report = deadlines_sweep(now=timezone.now(), by=WORKER)
    schedule_sweep()  # first: whatever fails below, the sweeps go on
    # The worker's one periodic job also runs every app's housekeeping: no request waits for it.
    report["housekeeping"] = run_housekeeping(by=WORKER)
    return report


def schedule_sweep() -> None:
    """Keep exactly one future sweep waiting; two running at once would still be safe."""
    from django_tasks_db.models import DBTaskResult

    if not sweep_deadlines.get_backend().supports_defer:
        return  # e.g. the immediate backend of the tests: sweeps are called directly there
    waiting = DBTaskResult.objects.filter(task_path=sweep_deadlines.module_path, status="READY").exists()
    if not waiting:
        sweep_deadlines.using(run_after=timezone.now() + SWEEP_EVERY).enqueue()


RETENTION_AT = dt.time(2, 30)  # local time of the daily purge: the quietest hour


@task
def purge_expired_content() -> dict:
    """The daily retention purge (adal/cases/retention.py); then the next day's run is scheduled."""
    from adal.cases.retention import retention_purge
    from adal.core.permissions import WORKER

    schedule_retention()
    return retention_purge(by=WORKER)


def schedule_retention(*, by=None) -> bool:
    """Keep exactly one future purge waiting, at the next RETENTION_AT (a housekeeping job calls this at
    every sweep, so the purge starts with the worker and comes back if its row was lost)."""
    from django_tasks_db.models import DBTaskResult

    from adal.core.workdays import local_zone

    if not purge_expired_content.get_backend().supports_defer:
        return False
    waiting = DBTaskResult.objects.filter(
        task_path=purge_expired_content.module_path, status="READY"
    ).exists()
    if waiting:
        return False
    now = timezone.now().astimezone(local_zone())
    run_at = dt.datetime.combine(now.date(), RETENTION_AT, tzinfo=local_zone())
    if run_at <= now:
        run_at += dt.timedelta(days=1)
    purge_expired_content.using(run_after=run_at).enqueue()
    return True
