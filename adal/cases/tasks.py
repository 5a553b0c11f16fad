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
