"""Writes of the road map, one service per action, each checked, validated and audited in one transaction.

Road-map managers (``roadmap.manage``: analysts and administrators) edit programmes, stages, measures
and indicators and import road maps. A measure's progress is reported by the staff of its responsible
unit or of a unit above it (``roadmap.report``), and a report counts only once a second person of that
reach confirms it (``roadmap.confirm``): never its own reporter. Reports and confirmations are
append-only.
"""

import datetime as dt
import hashlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adal.core import permissions
from adal.core.audit import audit_record
from adal.core.files import remove_stored, store_encrypted
from adal.core.models import Unit
from adal.core.permissions import SystemActor, require
from adal.core.workdays import calendar, local_zone
from adal.roadmap.importers import ImportInvalid, RowError, changes_of, parse_roadmap
from adal.roadmap.models import (
    Confirmation,
    Evidence,
    Indicator,
    IndicatorYear,
    Measure,
    Programme,
    ProgressReport,
    RoadmapImport,
    Stage,
)

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


class RoadmapRefused(permissions.Refused):
    """Refused with a translated message; nothing has been changed."""


def today() -> dt.date:
    return timezone.now().astimezone(local_zone()).date()


# ---------------------------------------------------------------- who reaches a measure


@permissions.object_rule("roadmap.report")
@permissions.object_rule("roadmap.confirm")
def _measure_in_reach(user, measure: Measure) -> bool:
    """A road-map manager reaches every measure; anyone else, the measures of their own unit and of the
    units below it (as a case's scope). A measure answered for by a state body alone, with no unit of
    ours, is reported by the managers."""
    if permissions.may(user, "roadmap.manage"):
        return True
    unit, own = measure.responsible_unit, getattr(user, "unit", None)
    return unit is not None and own is not None and unit.path.startswith(own.path)


def may_report(user, measure: Measure) -> bool:
    return permissions.may(user, "roadmap.report", measure)


def may_confirm(user, report: ProgressReport) -> bool:
    """A second person in reach of the measure: never the one who reported."""
    if not permissions.may(user, "roadmap.confirm", report.measure):
        return False
    return isinstance(user, SystemActor) or report.reported_by_id != user.pk


def _require_manager(by) -> None:
    require(by, "roadmap.manage", message=_("Only an analyst or an administrator may change the road map."))


def _saved(obj, *, by, action: str, data: dict | None = None):
    """full_clean, save and audit in one transaction; ``action`` is e.g. "roadmap.measure"."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise RoadmapRefused(" ".join(error.messages)) from error
    created = obj.pk is None
    with transaction.atomic():
        obj.save()
        audit_record(
            action=f"{action}_{'created' if created else 'updated'}",
            actor=by,
            target=obj,
            data={"code": getattr(obj, "code", ""), **(data or {})},
        )
    return obj


# ---------------------------------------------------------------- the road map itself


def programme_save(*, programme: Programme, by) -> Programme:
    _require_manager(by)
    return _saved(programme, by=by, action="roadmap.programme")


def stage_save(*, stage: Stage, by) -> Stage:
    _require_manager(by)
    return _saved(stage, by=by, action="roadmap.stage")


def deadline_of(measure: Measure) -> dt.date:
    """The date a deadline in working days falls on, where the programme counts them; else as set."""
    if measure.programme.working_days and measure.deadline_days:
        return calendar().add_working_days(measure.start, measure.deadline_days)
    return measure.deadline


def check_measure(measure: Measure) -> None:
    """The tree's own rules: a parent in the same programme and stage, and no measure under itself."""
    if measure.stage.programme_id != measure.programme_id:
        raise RoadmapRefused(_("The stage belongs to another programme."))
    node = measure.parent
    while node is not None:
        if node.pk is not None and node.pk == measure.pk:
            raise RoadmapRefused(_("A measure cannot be a part of itself."))
        if node.programme_id != measure.programme_id or node.stage_id != measure.stage_id:
            raise RoadmapRefused(_("A measure and its parent must be in the same stage."))
        node = node.parent


def measure_save(*, measure: Measure, by) -> Measure:
    _require_manager(by)
    if measure.deadline_days and not measure.programme.working_days:
        raise RoadmapRefused(_("This programme sets deadlines as dates, not in working days."))
    if measure.programme.working_days and measure.deadline_days:
        measure.deadline = deadline_of(measure)
    check_measure(measure)
    return _saved(measure, by=by, action="roadmap.measure", data={"deadline": measure.deadline})


def measure_cancel(*, measure: Measure, on: dt.date | None = None, by) -> Measure:
    """Record the decision to drop a measure: it leaves its parent's roll-up and has no rating."""
    _require_manager(by)
    if measure.cancelled_on is not None:
        raise RoadmapRefused(_("This measure was cancelled already."))
    measure.cancelled_on = on or today()
    return _saved(measure, by=by, action="roadmap.measure_cancel")


def indicator_save(*, indicator: Indicator, by) -> Indicator:
    _require_manager(by)
    return _saved(indicator, by=by, action="roadmap.indicator", data={"source": indicator.source})


def indicator_year_save(*, row: IndicatorYear, by) -> IndicatorYear:
    """A year's baseline and target, and for a typed indicator its actual value with its source."""
    _require_manager(by)
    if row.indicator.is_live and row.actual is not None:
        raise RoadmapRefused(_("This indicator's actual values come from its live source and are not typed."))
    if row.actual is not None and not (row.source or row.indicator.source_note):
        raise RoadmapRefused(_("A typed actual value needs its source."))
    return _saved(row, by=by, action="roadmap.indicator_year", data={"year": row.year})


# ---------------------------------------------------------------- progress reports


def _percent(value) -> Decimal:
    try:
        percent = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise RoadmapRefused(_("Progress is a number from 0 to 100.")) from None
    if not Decimal(0) <= percent <= Decimal(100):
        raise RoadmapRefused(_("Progress is a number from 0 to 100."))
    return percent


def evidence_type(data: bytes) -> str:
    """The file's type from its first bytes: PDF, PNG or JPEG; anything else is refused."""
    found = next((kind for magic, kind in EVIDENCE_TYPES.items() if data.startswith(magic)), None)
    if found is None:
        raise RoadmapRefused(_("Evidence must be a PDF, PNG or JPEG file."))
    if len(data) > MAX_EVIDENCE_BYTES:
        raise RoadmapRefused(_("An evidence file may be at most 10 MB."))
    return found


def progress_report(
    *,
    measure: Measure,
    percent,
    text: str,
    as_of: dt.date | None = None,
    files: list[tuple[str, bytes]] = (),
    by,
) -> ProgressReport:
    """Append a report of how far a leaf measure had come on ``as_of`` (today by default), with its
    evidence files as (name, bytes). It counts once someone else confirms it."""
    require(
        by, "roadmap.report", measure, message=_("You may report progress only on your own unit's measures.")
    )
    if measure.cancelled_on is not None:
        raise RoadmapRefused(_("This measure was cancelled."))
    if measure.children.exists():
        raise RoadmapRefused(_("A measure with parts takes its progress from them: report on the parts."))
    as_of = as_of or today()
    if as_of > today():
        raise RoadmapRefused(_("A report cannot be dated in the future."))
    if not text.strip():
        raise RoadmapRefused(_("Say what was done."))
    kinds = [evidence_type(data) for _, data in files]
    stored: list[str] = []
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(
                measure=measure,
                as_of=as_of,
                percent=_percent(percent),
                text=text.strip(),
                reported_by=permissions.person_of(by),
                reported_by_label=permissions.actor_label(by),
            )
            for (name, data), kind in zip(files, kinds, strict=True):
                stored.append(store_encrypted(data))
                Evidence.objects.create(
                    report=report,
                    file_name=name[:255],
                    content_type=kind,
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    stored_name=stored[-1],
                )
            audit_record(
                action="roadmap.progress_reported",
                actor=by,
                target=report,
                data={
                    "measure": measure.code,
                    "percent": report.percent,
                    "as_of": as_of,
                    "files": len(files),
                },
            )
    except Exception:
        remove_stored(stored)  # no file outlives the report it was for
        raise
    return report


def progress_confirm(*, report: ProgressReport, by) -> Confirmation:
    """The second signature: from then on the report counts towards the measure's progress."""
    require(
        by,
        "roadmap.confirm",
        report.measure,
        message=_("You may confirm reports only on your own unit's measures."),
    )
    if not may_confirm(by, report):
        raise RoadmapRefused(_("A report is confirmed by a second person, not by its reporter."))
    try:
        with transaction.atomic():
            confirmation = Confirmation.objects.create(
                report=report,
                confirmed_by=permissions.person_of(by),
                confirmed_by_label=permissions.actor_label(by),
            )
            audit_record(
                action="roadmap.progress_confirmed",
                actor=by,
                target=report,
                data={"measure": report.measure.code, "percent": report.percent},
            )
    except IntegrityError:
        raise RoadmapRefused(_("This report was confirmed already.")) from None
    return confirmation


# ---------------------------------------------------------------- imports


class _DryRun(Exception):
    """Raised to roll back a trial of an import."""


def _write_import(programme: Programme, parsed, by) -> dict:
    """Write the file's new and changed rows through the services above; unchanged rows are not
    touched. Raises ImportInvalid naming the row a service refused."""
    changed = {(c.kind, c.code) for c in changes_of(programme, parsed)}
    stages = {s.code: s for s in programme.stages.all()}
    measures = {m.code: m for m in programme.measures.all()}
    counts = {"created": 0, "updated": 0}

    def save(row, obj, service, **kwargs):
        counts["created" if obj.pk is None else "updated"] += 1
        try:
            return service(**kwargs, by=by)
        except RoadmapRefused as refused:
            raise ImportInvalid([RowError(row.line, str(refused))]) from None

    for row in parsed.stages:
        if ("stage", row.code) in changed:
            stage = stages.get(row.code) or Stage(programme=programme, code=row.code)
            for name, value in row.values.items():
                setattr(stage, name, value)
            stages[row.code] = save(row, stage, stage_save, stage=stage)
    pending = list(parsed.measures)
    in_file = {r.code for r in pending}
    while pending:
        # Parents before their parts: a row waits while its parent is in the file and not yet written.
        ready = [r for r in pending if not r.values["parent"] or r.values["parent"] not in in_file]
        if not ready:  # a cycle: parse_roadmap refuses those, so this is only a guard
            raise ImportInvalid([RowError(pending[0].line, _("A measure cannot be a part of itself."))])
        for row in ready:
            in_file.discard(row.code)
            pending.remove(row)
            if ("measure", row.code) not in changed:
                continue
            measure = measures.get(row.code) or Measure(programme=programme, code=row.code)
            v = dict(row.values)
            measure.stage = stages[v.pop("stage")]
            parent = v.pop("parent")
            measure.parent = measures[parent] if parent else None
            unit = v.pop("responsible_unit")
            measure.responsible_unit = Unit.objects.get(pk=unit) if unit is not None else None
            for name, value in v.items():
                setattr(measure, name, value)
            measures[row.code] = save(row, measure, measure_save, measure=measure)
    return counts


def import_stage(*, programme: Programme, file_name: str, content: bytes, by):
    """Check the whole file, and try it against the road map as stored (rolled back), then keep it for
    review; ``ImportInvalid`` with every bad row, storing nothing."""
    _require_manager(by)
    parsed = parse_roadmap(programme, content)
    changes = changes_of(programme, parsed)
    try:
        with transaction.atomic():
            _write_import(programme, parsed, by)
            raise _DryRun
    except _DryRun:
        pass
    with transaction.atomic():
        batch = RoadmapImport.objects.create(
            programme=programme,
            file_name=file_name[:255],
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            created_by=permissions.person_of(by),
            summary={"rows": len(parsed.stages) + len(parsed.measures), "changes": len(changes)},
        )
        audit_record(
            action="roadmap.import_staged",
            actor=by,
            target=batch,
            data={"programme": programme.code, "file": batch.file_name, "sha256": batch.sha256},
        )
    return batch


def import_apply(*, batch, by):
    """Write the staged file's differences from the road map as it is now, all of them or none."""
    _require_manager(by)
    parsed = parse_roadmap(batch.programme, bytes(batch.content))
    with transaction.atomic():
        claimed = RoadmapImport.objects.filter(pk=batch.pk, state=RoadmapImport.State.STAGED).update(
            state=RoadmapImport.State.APPLIED, applied_at=timezone.now()
        )
        if not claimed:
            raise RoadmapRefused(_("This import was applied or discarded already."))
        counts = _write_import(batch.programme, parsed, by)
        RoadmapImport.objects.filter(pk=batch.pk).update(summary={**batch.summary, **counts})
        audit_record(
            action="roadmap.import_applied",
            actor=by,
            target=batch,
            data={"programme": batch.programme.code, "sha256": batch.sha256, **counts},
        )
    batch.refresh_from_db()
    return batch


def import_discard(*, batch, by):
    _require_manager(by)
    with transaction.atomic():
        if not RoadmapImport.objects.filter(pk=batch.pk, state=RoadmapImport.State.STAGED).update(
            state=RoadmapImport.State.DISCARDED
        ):
            raise RoadmapRefused(_("This import was applied or discarded already."))
        audit_record(
            action="roadmap.import_discarded", actor=by, target=batch, data={"file": batch.file_name}
        )
    batch.refresh_from_db()
    return batch


def import_file(*, programme: Programme, file_name: str, content: bytes, by):
    """Stage and apply in one go (the demo, the command line): all or nothing."""
    with transaction.atomic():
        return import_apply(
            batch=import_stage(programme=programme, file_name=file_name, content=content, by=by), by=by
        )
