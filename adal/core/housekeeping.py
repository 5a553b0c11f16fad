"""The worker's housekeeping: small jobs that each app registers in its ``AppConfig.ready`` and that the
worker's periodic job runs one after another, acting as ``adal.core.permissions.WORKER``.

    housekeeping.register("survey.imports_abandoned", fn)   # fn(*, by) -> a small result

The results are kept with the periodic task's row, as JSON: what JSON cannot hold is kept as its text.

A job that fails is logged and the others still run: one app's trouble must not stop another's upkeep.
"""

import json
import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger("adal.housekeeping")

Job = Callable[..., object]
_jobs: dict[str, Job] = {}


def register(name: str, job: Job) -> None:
    """Add ``job`` under ``name`` (registering a name again replaces its job)."""
    _jobs[name] = job


def registered() -> dict[str, Job]:
    return dict(_jobs)


def run_housekeeping(*, by) -> dict[str, object]:
    """Run every job; answer each one's result, or "failed"."""
    results: dict[str, object] = {}
    for name, job in _jobs.items():
        try:
            # Its own transaction (a savepoint inside one): a job that fails half-way leaves nothing
            # half-done, and the connection stays usable for the next job.
            with transaction.atomic():
                results[name] = json.loads(json.dumps(job(by=by), default=str))
        except Exception:
            logger.exception("Housekeeping job %s failed; the other jobs ran.", name)
            results[name] = "failed"
    return results
