"""The survey's writes: instruments, census margins, waves, microdata imports and weighting.

Each service checks that the actor is an analyst or an administrator (the worker and the demo act as
the system actor), validates before it writes, and records an audit event in the same transaction.
An import reads and checks the whole file first, staging the encoded columns on disk, and writes
them in one short transaction only if every row is good: it commits whole or not at all.
"""

import datetime as dt
import hashlib
import itertools
import math
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import numpy as np
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adal.core import permissions
from adal.core.audit import audit_record
from adal.stats import estimation as est
from adal.survey import index, pipeline
from adal.survey.models import (
    CensusMargins,
    Component,
    Instrument,
    Item,
    MarginCell,
    Microdata,
    MicrodataImport,
    Settlement,
    Sex,
    Wave,
)
from adal.survey.readers import TableError, open_table, sniff_format
from adal.survey.registers import RegisterInvalid, RowError, parse_instrument, parse_margins
from adal.survey.selectors import index_spec, margin_totals, regions_on, sector_item, wave_schema
from adal.survey.storage import BLOCK_ROWS, Staging, blocks_write, column_write, columns_read
from adal.survey.validation import BLANK_CODE, DESIGN_COLUMNS, Validator

EXTENSIONS = {"csv": {".csv", ".txt", ".tsv"}, "xlsx": {".xlsx"}, "sav": {".sav", ".zsav"}}
DEFAULT_MAX_UPLOAD_BYTES = 1024**3
MARGIN_TOTAL_RTOL = 1e-6  # as adal.stats.weighting requires of the margins' grand totals
LANGUAGES = ("ru", "kk", "en")


class SurveyRefused(permissions.Refused):
    """Raised with a translated message for the user; nothing has been changed."""


def may_analyse(user) -> bool:
    return permissions.may(user, "survey.manage")


def _require_analyst(by) -> None:
    if not may_analyse(by):
        raise SurveyRefused(_("Only an analyst or an administrator may do this."))


def _saved(obj):
    try:
        obj.full_clean()
    except ValidationError as error:
        raise SurveyRefused(" ".join(error.messages)) from error
    obj.save()
    return obj


def _names(spec: dict, key: str, prefix: str, *, required: bool = True) -> dict:
    names = spec.get(key) or {}
    if required and not all(str(names.get(lang, "")).strip() for lang in LANGUAGES):
        raise SurveyRefused(
            _("“%(what)s” needs its text in Russian, Kazakh and English.") % {"what": spec.get("code", key)}
        )
    return {f"{prefix}_{lang}": str(names.get(lang, "")).strip() for lang in LANGUAGES}


# ---------------------------------------------------------------- instruments


@transaction.atomic
def instrument_create(*, spec: dict, by) -> Instrument:
    """An instrument from its definition (see ``adal/demo/survey.py`` for a whole one): components
    with weights, items with answer options scored 0–100 (null: non-response), one optional sector
    item, and items asked only after a given answer to an earlier item."""
    _require_analyst(by)
    instrument = _saved(
        Instrument(
            code=spec.get("code", ""),
            min_age=spec.get("min_age", 18),
            max_age=spec.get("max_age", 110),
            **_names(spec, "name", "name"),
            **_names(spec, "description", "description", required=False),
        )
    )
    components = {}
    for order, c in enumerate(spec.get("components", [])):
        weight = Decimal(str(c.get("weight", 0)))
        if weight <= 0:
            raise SurveyRefused(_("Component “%(code)s” needs a positive weight.") % {"code": c.get("code")})
        components[c["code"]] = _saved(
            Component(
                instrument=instrument,
                code=c["code"],
                order=order,
                weight=weight,
                **_names(c, "name", "name"),
                **_names(c, "description", "description", required=False),
            )
        )
    if not components:
        raise SurveyRefused(_("An instrument needs at least one index component."))
    items = {}
    for order, i in enumerate(spec.get("items", [])):
        items[i["code"]] = _item_create(instrument, i, order, components, items)
    _check_instrument(instrument, components, items)
    audit_record(
        action="survey.instrument_created", actor=by, target=instrument, data={"code": instrument.code}
    )
    return instrument


def _item_create(instrument, spec: dict, order: int, components: dict, earlier: dict) -> Item:
    code = str(spec.get("code", ""))
    if code in DESIGN_COLUMNS or code != code.lower():
        raise SurveyRefused(
            _("“%(code)s” cannot name an item: use lower case, and not a design column.") % {"code": code}
        )
    role = spec.get("role", Item.Role.INDEX)
    component = components.get(spec.get("component")) if role == Item.Role.INDEX else None
    if role == Item.Role.INDEX and component is None:
        raise SurveyRefused(_("Item “%(code)s” must belong to one of the components.") % {"code": code})
    options = [_option(code, o, scored=role == Item.Role.INDEX) for o in spec.get("options", [])]
    codes = [o["code"] for o in options]
    if not codes or len(set(codes)) != len(codes):
        raise SurveyRefused(_("Item “%(code)s” needs answer options with distinct codes.") % {"code": code})
    if role == Item.Role.INDEX and all(o["score"] is None for o in options):
        raise SurveyRefused(_("Item “%(code)s” has no scored answer.") % {"code": code})
    condition = spec.get("condition") or {}
    condition_item = earlier.get(condition.get("item")) if condition else None
    if condition and (
        condition_item is None or not set(condition.get("codes", [])) <= set(condition_item.codes)
    ):
        raise SurveyRefused(
            _("Item “%(code)s” depends on an earlier item and some of its answer codes.") % {"code": code}
        )
    return _saved(
        Item(
            instrument=instrument,
            code=code,
            order=order,
            role=role,
            component=component,
            weight=Decimal(str(spec.get("weight", 1))),
            options=options,
            required=bool(spec.get("required", False)),
            condition_item=condition_item,
            condition_codes=list(condition.get("codes", [])),
            **_names(spec, "text", "text"),
        )
    )


def _option(item: str, spec: dict, *, scored: bool) -> dict:
    code, score = spec.get("code"), spec.get("score")
    if not isinstance(code, int) or isinstance(code, bool) or not 0 <= code <= 32767:
        raise SurveyRefused(_("Item “%(code)s”: answer codes are whole numbers from 0.") % {"code": item})
    if score is not None and (not scored or not 0 <= float(score) <= 100):
        raise SurveyRefused(_("Item “%(code)s”: a score lies between 0 and 100.") % {"code": item})
    label = {lang: str((spec.get("label") or {}).get(lang, "")).strip() for lang in LANGUAGES}
    if not all(label.values()):
        raise SurveyRefused(
            _("Item “%(code)s”: every answer needs its label in three languages.") % {"code": item}
        )
    return {"code": code, "label": label, "score": None if score is None else float(score)}


def _check_instrument(instrument, components: dict, items: dict) -> None:
    empty = [c for c in components.values() if not any(i.component_id == c.pk for i in items.values())]
    if empty:
        raise SurveyRefused(_("Component “%(code)s” has no items.") % {"code": empty[0].code})
    if sum(1 for i in items.values() if i.role == Item.Role.SECTOR) > 1:
        raise SurveyRefused(_("An instrument has at most one sector item."))


# ---------------------------------------------------------------- census margins


@transaction.atomic
def census_margins_create(
    *,
    name: str,
    source: str,
    source_url: str = "",
    reference_date,
    age_groups: list[int],
    region_sex_age: list[tuple[str, int, int, int]],
    settlement: dict[int, int],
    by,
) -> CensusMargins:
    """Margins from (region KATO, sex, age group index, adults) and {settlement: adults}. Both margins
    must count the same population, every region of the map of ``reference_date`` must be there with
    every sex and age group, and the source must be stated."""
    _require_analyst(by)
    if not source.strip():
        raise SurveyRefused(_("State the source of the census margins."))
    if not age_groups or any(b <= a for a, b in itertools.pairwise(age_groups)):
        raise SurveyRefused(_("Age groups are given by their lower bounds, in rising order."))
    margins = _saved(
        CensusMargins(
            name=name.strip(),
            source=source.strip(),
            source_url=source_url,
            reference_date=reference_date,
            age_groups=list(age_groups),
        )
    )
    regions = {t.kato: t for t in regions_on(reference_date)}
    cells, seen = [], set()
    for kato, sex, group, population in region_sex_age:
        if kato not in regions:
            raise SurveyRefused(
                _("%(kato)s is not a region on the map of the reference date.") % {"kato": kato}
            )
        if sex not in Sex.values or not 0 <= group < len(age_groups) or population <= 0:
            raise SurveyRefused(_("Each cell needs a sex, an age group and a positive population."))
        if (kato, sex, group) in seen:
            raise SurveyRefused(_("A region × sex × age group cell is given twice."))
        seen.add((kato, sex, group))
        cells.append(
            MarginCell(
                margins=margins,
                dimension=MarginCell.Dimension.REGION_SEX_AGE,
                region=regions[kato],
                sex=sex,
                age_group=group,
                population=population,
            )
        )
    if len(seen) != len(regions) * len(Sex.values) * len(age_groups):
        raise SurveyRefused(_("Every region needs a total for every sex and age group."))
    if set(settlement) != set(Settlement.values) or min(settlement.values()) <= 0:
        raise SurveyRefused(_("Give the adult population of urban and of rural settlements."))
    joint, split = sum(c.population for c in cells), sum(settlement.values())
    if abs(joint - split) > MARGIN_TOTAL_RTOL * joint:
        raise SurveyRefused(
            _(
                "The margins count different populations: %(joint)s by region, sex and age, "
                "%(split)s by settlement."
            )
            % {"joint": joint, "split": split}
        )
    cells += [
        MarginCell(margins=margins, dimension=MarginCell.Dimension.SETTLEMENT, settlement=k, population=v)
        for k, v in settlement.items()
    ]
    MarginCell.objects.bulk_create(cells)
    audit_record(action="survey.margins_created", actor=by, target=margins, data={"population": joint})
    return margins


# ---------------------------------------------------------------- waves


@transaction.atomic
def wave_create(
    *,
    instrument: Instrument,
    margins: CensusMargins,
    code: str,
    name_ru: str,
    name_kk: str,
    name_en: str,
    fieldwork_start,
    fieldwork_end,
    design_ru: str = "",
    design_kk: str = "",
    design_en: str = "",
    base_weight: str = Wave.BaseWeight.WEIGHT,
    trim_lower: Decimal | str = Decimal("0.2"),
    trim_upper: Decimal | str = Decimal("6"),
    by,
) -> Wave:
    _require_analyst(by)
    if fieldwork_end < fieldwork_start:
        raise SurveyRefused(_("The fieldwork cannot end before it starts."))
    lower, upper = Decimal(str(trim_lower)), Decimal(str(trim_upper))
    if not (0 <= lower <= 1 <= upper):
        raise SurveyRefused(
            _("Trimming bounds are ratios to the mean weight: the lowest at most 1, the highest at least 1.")
        )
    wave = _saved(
        Wave(
            instrument=instrument,
            margins=margins,
            code=code,
            name_ru=name_ru,
            name_kk=name_kk,
            name_en=name_en,
            fieldwork_start=fieldwork_start,
            fieldwork_end=fieldwork_end,
            design_ru=design_ru,
            design_kk=design_kk,
            design_en=design_en,
            base_weight=base_weight,
            trim_lower=lower,
            trim_upper=upper,
        )
    )
    audit_record(action="survey.wave_created", actor=by, target=wave, data={"code": code})
    return wave


@transaction.atomic
def wave_publish(*, wave: Wave, by) -> Wave:
    """Show the wave's results on the public pages; only a converged weighting can be published."""
    _require_analyst(by)
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if not wave.results or not wave.weighting.get("converged"):
        raise SurveyRefused(
            _("Only a wave whose weighting converged and whose results are computed can be published.")
        )
    if wave.state != Wave.State.PUBLISHED:
        Wave.objects.filter(pk=wave.pk).update(state=Wave.State.PUBLISHED, published_at=timezone.now())
        audit_record(action="survey.wave_published", actor=by, target=wave)
    wave.refresh_from_db()
    return wave


@transaction.atomic
def wave_unpublish(*, wave: Wave, by) -> Wave:
    _require_analyst(by)
    if Wave.objects.filter(pk=wave.pk, state=Wave.State.PUBLISHED).update(state=Wave.State.DRAFT):
        audit_record(action="survey.wave_unpublished", actor=by, target=wave)
    wave.refresh_from_db()
    return wave


# ---------------------------------------------------------------- importing microdata


def _max_upload_bytes() -> int:
    from django.conf import settings

    return getattr(settings, "ADAL_SURVEY_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def _upload_format(upload) -> str:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    fmt = sniff_format(head)
    if Path(upload.name or "").suffix.lower() not in EXTENSIONS[fmt]:
        raise SurveyRefused(_("Only CSV, XLSX and SPSS .sav files can be imported."))
    return fmt


@transaction.atomic
def microdata_import_start(*, wave: Wave, upload, by, enqueue: bool = True) -> MicrodataImport:
    """Store the uploaded file and queue its import; the worker reads it (``microdata_import_run``)."""
    permissions.require(by, "survey.import", message=_("Only an analyst or an administrator may do this."))
    if wave.state != Wave.State.DRAFT:
        raise SurveyRefused(_("The wave is published: unpublish it before importing new microdata."))
    if upload.size == 0:
        raise SurveyRefused(_("The file is empty."))
    if upload.size > _max_upload_bytes():
        raise SurveyRefused(
            _("The file is larger than %(mb)s MB.") % {"mb": _max_upload_bytes() // (1024 * 1024)}
        )
    fmt = _upload_format(upload)
    digest = hashlib.sha256()
    for piece in upload.chunks():
        digest.update(piece)
    upload.seek(0)
    stored = default_storage.save(f"survey/imports/{secrets.token_hex(16)}.{fmt}", upload)
    record = MicrodataImport.objects.create(
        wave=wave,
        file=stored,
        original_name=Path(upload.name).name[:255],
        size=upload.size,
        sha256=digest.hexdigest(),
        format=fmt,
        created_by=permissions.person_of(by),
    )
    audit_record(
        action="survey.import_queued",
        actor=by,
        target=record,
        data={"wave": wave.code, "file": record.original_name, "sha256": record.sha256},
    )
    if enqueue:
        from adal.survey.tasks import import_microdata

        # robust: queued after COMMIT, so a failure to queue cannot undo the import or fail the request
        transaction.on_commit(lambda: import_microdata.enqueue(import_id=record.pk), robust=True)
    return record


@contextmanager
def _local_file(field):
    """A path to the stored file: its own on a local disk, else a temporary copy."""
    try:
        yield Path(field.path)
        return
    except NotImplementedError:
        pass
    with tempfile.NamedTemporaryFile(suffix=Path(field.name).suffix) as copy, field.open("rb") as source:
        shutil.copyfileobj(source, copy, 1024 * 1024)
        copy.flush()
        yield Path(copy.name)


def _progress(record: MicrodataImport, **fields) -> None:
    """Progress is written at once, outside any transaction, so that the page sees it."""
    MicrodataImport.objects.filter(pk=record.pk).update(**fields)


def _check_file(record: MicrodataImport, path: Path, staging: Staging, validator: Validator) -> list:
    """Read the whole file, staging good rows; return the first problems (empty if none)."""
    schema, problems, bad, rows = validator.schema, [], 0, 0
    with open_table(path, record.format) as table:
        missing = [c for c in schema.columns if c not in table.header]
        if missing:
            raise TableError("missing_columns", "required columns are missing", columns=missing)
        for chunk in table.chunks(schema.columns):
            checked = validator.check(chunk, keep=MicrodataImport.ERRORS_KEPT - len(problems))
            bad += checked.bad_rows
            problems += [p.as_dict() for p in checked.problems]
            rows += len(chunk)
            if not bad:
                staging.append(checked.columns)  # after the first bad row the file is only counted
            _progress(record, progress=min(int(chunk.progress * 100), 99), rows_read=rows, bad_rows=bad)
    if rows == 0:
        raise TableError("no_rows", "the file has no data rows")
    return problems


def _finish(record: MicrodataImport, **fields) -> MicrodataImport:
    if record.file:
        record.file.delete(save=False)  # the respondents now live in the column store, or nowhere
    _progress(record, file="", finished_at=timezone.now(), **fields)
    record.refresh_from_db()
    return record


def microdata_import_run(*, microdata_import: MicrodataImport) -> MicrodataImport:
    """Read, check and (only if every row is good) store a queued import. Runs once: a second call,
    or a second worker, finds it no longer queued and leaves it alone."""
    record = microdata_import
    claimed = MicrodataImport.objects.filter(pk=record.pk, state=MicrodataImport.State.QUEUED).update(
        state=MicrodataImport.State.RUNNING, started_at=timezone.now()
    )
    record.refresh_from_db()
    if not claimed:
        return record
    schema = wave_schema(record.wave)
    validator = Validator(schema)
    try:
        with Staging({c: schema.dtype(c) for c in schema.columns}) as staging:
            with _local_file(record.file) as path:
                problems = _check_file(record, path, staging, validator)
            if problems:
                return _refuse(record, errors=problems)
            return _commit(record, staging, validator)
    except TableError as e:
        return _refuse(record, failure={"code": e.code, "params": e.params})
    except _GivenUp:
        record.refresh_from_db()  # refused already, and audited, by microdata_imports_fail_abandoned
        return record
    except Exception:
        _refuse(record, failure={"code": "internal", "params": {}})
        raise


class _GivenUp(Exception):
    """The import was refused as abandoned while this worker still ran it."""


# A million rows take seconds, ten million a few minutes: an import still running after this has lost its
# worker (stopped, killed, out of memory), and nothing else will ever finish it.
ABANDONED_AFTER = dt.timedelta(hours=1)


def microdata_imports_fail_abandoned(*, now: dt.datetime) -> int:
    """Refuse the imports whose worker died, so that staff see "nothing imported, try again" instead of
    a progress bar that never moves. Nothing of them was stored: an import commits in one transaction at
    its very end, which checks that the import is still running."""
    failed = 0
    stale = MicrodataImport.objects.filter(
        state=MicrodataImport.State.RUNNING, started_at__lt=now - ABANDONED_AFTER
    )
    for record in stale:
        with transaction.atomic():
            if MicrodataImport.objects.select_for_update().filter(pk=record.pk, state=record.state).exists():
                _refuse(record, failure={"code": "internal", "params": {}})
                failed += 1
    return failed


def _refuse(record: MicrodataImport, *, errors=(), failure=None) -> MicrodataImport:
    with transaction.atomic():
        record = _finish(
            record, state=MicrodataImport.State.FAILED, errors=list(errors), failure=failure or {}
        )
        audit_record(
            action="survey.import_refused",
            actor=record.created_by,
            target=record,
            data={"bad_rows": record.bad_rows, "failure": (failure or {}).get("code", "")},
        )
    return record


def _commit(record: MicrodataImport, staging: Staging, validator: Validator) -> MicrodataImport:
    with transaction.atomic():
        running = MicrodataImport.objects.select_for_update().filter(
            pk=record.pk, state=MicrodataImport.State.RUNNING
        )
        if not running.exists():
            raise _GivenUp

        wave = Wave.objects.select_for_update().get(pk=record.wave_id)
        if wave.state != Wave.State.DRAFT:
            raise TableError("wave_published", "the wave was published during the import")
        Microdata.objects.filter(wave=wave).delete()
        microdata = Microdata.objects.create(
            wave=wave,
            source=record,
            respondents=staging.rows,
            block_rows=BLOCK_ROWS,
            psu_labels=validator.psu_labels,
        )
        for column in staging.dtypes:
            blocks_write(microdata, column, staging.blocks(column, BLOCK_ROWS))
        Wave.objects.filter(pk=wave.pk).update(weighting={}, results={}, weighted_at=None)
        record = _finish(record, state=MicrodataImport.State.DONE, progress=100, errors=[], failure={})
        audit_record(
            action="survey.microdata_imported",
            actor=record.created_by,
            target=record,
            data={"wave": wave.code, "respondents": staging.rows, "sha256": record.sha256},
        )
    return record


# ---------------------------------------------------------------- weighting and results


def wave_weight(*, wave: Wave, by) -> Wave:
    """Weight the wave's respondents and compute its results; store both with the report.

    A weighting that cannot be done (a census cell without respondents, say) is stored as such, with
    its reason, and leaves the wave without results."""
    _require_analyst(by)
    microdata = Microdata.objects.filter(wave=wave).first()
    if microdata is None:
        raise SurveyRefused(_("The wave has no microdata yet."))
    spec = index_spec(wave.instrument)
    sector = sector_item(wave.instrument)
    answer_columns = {i.column for i in spec.items} | {i.condition[0] for i in spec.items if i.condition}
    if sector is not None:
        answer_columns.add(sector.code)
    data = columns_read(microdata, [*DESIGN_COLUMNS, *sorted(answer_columns)])
    try:
        weights, report = pipeline.weigh(
            base=data["weight"],
            is_probability=wave.base_weight == Wave.BaseWeight.PROBABILITY,
            region=data["region"],
            sex=data["sex"],
            age=data["age"],
            settlement=data["settlement"],
            totals=margin_totals(wave.margins),
            lower=float(wave.trim_lower),
            upper=float(wave.trim_upper),
        )
    except pipeline.WeightingRefused as e:
        return _weighting_saved(
            wave, microdata, None, {"failure": {"code": e.code, "params": e.params}}, {}, by
        )
    design = est.Design(weights, strata=data["region"], psu=data["psu"])
    domains = {"regions": index.Domains.of(data["region"])}
    if sector is not None:
        domains["sectors"] = index.Domains.of(data[sector.code], exclude=(BLANK_CODE,))
    results = index.estimates(spec, data, design, domains=domains)
    results["respondents"] = int(weights.size)
    return _weighting_saved(wave, microdata, weights, report, results, by)


@transaction.atomic
def _weighting_saved(wave, microdata, weights, report: dict, results: dict, by) -> Wave:
    if weights is not None:
        column_write(microdata, "final_weight", weights)
    Wave.objects.filter(pk=wave.pk).update(
        weighting=_plain(report), results=_plain(results), weighted_at=timezone.now()
    )
    audit_record(
        action="survey.wave_weighted",
        actor=by,
        target=wave,
        data={
            "converged": report.get("converged", False),
            "failure": report.get("failure", {}).get("code", ""),
        },
    )
    wave.refresh_from_db()
    return wave


def _plain(value):
    """JSON has no NaN or infinity: store them as null."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


# ---------------------------------------------------------------- the registers, from a file


def instrument_import(
    *, code: str, name: dict, content: bytes, min_age: int = 18, max_age: int = 110, by
) -> Instrument:
    """An instrument from its table (``adal.survey.registers``), checked whole: a file with any bad row
    raises ``RegisterInvalid`` naming every one, and nothing is written."""
    _require_analyst(by)
    spec = {"code": code, "name": name, "min_age": min_age, "max_age": max_age, **parse_instrument(content)}
    try:
        return instrument_create(spec=spec, by=by)
    except SurveyRefused as refused:
        raise RegisterInvalid([RowError(None, str(refused))]) from None


def census_margins_import(
    *, name: str, source: str, source_url: str = "", reference_date: dt.date, content: bytes, by
) -> CensusMargins:
    """Census margins from their table, for the map of ``reference_date``; all or nothing, as above."""
    _require_analyst(by)
    if not source.strip():
        raise SurveyRefused(_("State the source of the census margins."))
    regions = {t.kato: t.name for t in regions_on(reference_date)}
    margins = parse_margins(content, regions)
    try:
        return census_margins_create(
            name=name,
            source=source,
            source_url=source_url,
            reference_date=reference_date,
            age_groups=margins.age_groups,
            region_sex_age=margins.region_sex_age,
            settlement=margins.settlement,
            by=by,
        )
    except SurveyRefused as refused:
        raise RegisterInvalid([RowError(None, str(refused))]) from None
