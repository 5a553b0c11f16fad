"""Purging content past its retention period, as data: each app lists, per thing it purges (a report,
a case), the rows that hold content and what becomes of them.

    REPORT_CONTENT = PurgeSteps()
    REPORT_CONTENT.add("messages", Blank(Message, "report", body=""))
    REPORT_CONTENT.add("attachments", Delete(Attachment, "report", files="stored_name"))

A model that holds content joins the purge with one such line, in the app that owns it (the hotline's
list is ``adal/hotline/retention.py``, the cases' ``adal/cases/retention.py``; an app above them adds to
theirs in its ``AppConfig.ready``). What stays is what the statistics and the event history need: the
rows, their clear columns and their dates. ``run`` answers how many rows each step touched, which is
what the audit log records: counts, never content.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, Q

from adal.core.files import remove_stored_on_commit


class Blank:
    """Overwrite the content columns of the rows that belong to the purged object; the rows stay.

    ``via`` is the lookup from ``model`` to the object (``"report"``, ``"case"``, ``"pk"`` for the
    object's own row); ``where`` narrows the rows (e.g. only events that have a note), so that the counts
    say what was there."""

    def __init__(self, model: type[Model], via: str, *, where: Q | None = None, **values):
        self.model, self.via, self.where, self.values = model, via, where or Q(), values

    def run(self, obj) -> int:
        return self.model.objects.filter(self.where, **{self.via: obj.pk}).update(**self.values)


@dataclass(frozen=True)
class Delete:
    """Delete the rows that belong to the purged object, and the stored files they name (``files``: the
    column with the stored name), the files once the transaction has committed."""

    model: type[Model]
    via: str
    files: str = ""

    def run(self, obj) -> int:
        rows = self.model.objects.filter(**{self.via: obj.pk})
        names = list(rows.values_list(self.files, flat=True)) if self.files else []
        _total, by_model = rows.delete()
        remove_stored_on_commit(names)
        return by_model.get(self.model._meta.label, 0)


Step = Blank | Delete | Callable[[object], int]


class PurgeSteps:
    """The steps that purge one kind of object, in the order they were added."""

    def __init__(self):
        self._steps: dict[str, Step] = {}

    def add(self, name: str, step: Step) -> None:
        """Add ``step`` under ``name`` (a name added again replaces its step)."""
        self._steps[name] = step

    def names(self) -> list[str]:
        return list(self._steps)

    def run(self, obj) -> dict[str, int]:
        """Run every step on ``obj`` inside the caller's transaction; answer the rows each touched."""
        return {name: _run(step, obj) for name, step in self._steps.items()}


def _run(step: Step, obj) -> int:
    return step.run(obj) if isinstance(step, Blank | Delete) else step(obj)
