"""The task queue's own upkeep."""

import datetime as dt

from django.utils import timezone

# A finished task's row has served its purpose: the worker has done the work and logged it. Failed rows
# stay a little longer so that an administrator can see why (they hold ids and an error's type only).
SUCCESSFUL_KEPT = dt.timedelta(days=1)
FAILED_KEPT = dt.timedelta(days=7)


def task_results_purge(*, by) -> int:
    """Delete the rows of finished tasks past their keeping time; answers how many went."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    successful, _ = DBTaskResult.objects.successful().filter(finished_at__lt=now - SUCCESSFUL_KEPT).delete()
    failed, _ = DBTaskResult.objects.failed().filter(finished_at__lt=now - FAILED_KEPT).delete()
    return successful + failed
