"""A road map as a table, in and out: one row per stage or measure, keyed by external ids (``id``).

The same table is exported and imported (CSV or XLSX, read by ``adal.stats.tables`` like the ratings'
files). Importing it again changes nothing; a changed file is compared with the road map as stored, and
the differences are shown before anything is written; a file with any bad row is refused whole, with
every bad row named. Rows absent from the file are left as they are (nothing is deleted by an import).

Columns: ``kind`` (stage or measure), ``id``, ``stage`` and ``parent`` (ids), ``order`` (a stage's
number, a measure's place among its siblings), ``title_ru/kk/en``, ``description_ru/kk/en``,
``responsible_unit`` (the unit's number in Adal), ``responsible_body_ru/kk/en``, ``starts_on``,
``deadline`` (a stage's end), ``deadline_days`` (in working days, where the programme counts them),
``weight``, ``rollup`` (weighted_mean, share_done or minimum) and ``cancelled_on``. Dates are
YYYY-MM-DD.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from adal.core.models import Unit
from adal.ratings.importers import ImportInvalid, RowError
from adal.roadmap.models import CODE, Measure, Programme, Rollup, Stage
from adal.stats.tables import Problems, TableError, read_records

__all__ = ["COLUMNS", "Change", "ImportInvalid", "Parsed", "RowError", "changes_of", "parse_roadmap"]

MAX_BYTES = 5 * 1024 * 1024
COLUMNS = (
    "kind",
    "id",
    "stage",
    "parent",
    "order",
    "title_ru",
    "title_kk",
    "title_en",
    "description_ru",
    "description_kk",
    "description_en",
    "responsible_unit",
    "responsible_body_ru",
    "responsible_body_kk",
    "responsible_body_en",
    "starts_on",
    "deadline",
    "deadline_days",
    "weight",
    "rollup",
    "cancelled_on",
)
STAGE_FIELDS = ("number", "title_ru", "title_kk", "title_en", "starts_on", "ends_on")
MEASURE_FIELDS = (
    "stage",
    "parent",
    "order",
    "title_ru",
    "title_kk",
    "title_en",
    "description_ru",
    "description_kk",
    "description_en",
    "responsible_unit",
    "responsible_body_ru",
    "responsible_body_kk",
    "responsible_body_en",
    "starts_on",
    "deadline",
    "deadline_days",
    "weight",
    "rollup",
    "cancelled_on",
)
TEXTS = ("title_ru", "title_kk", "title_en", "description_ru", "description_kk", "description_en")
TEXTS += ("responsible_body_ru", "responsible_body_kk", "responsible_body_en")


@dataclass
class Row:
    line: int
    kind: str
    code: str
    values: dict  # by STAGE_FIELDS / MEASURE_FIELDS; stage and parent as codes, the unit as its number


@dataclass
class Parsed:
    stages: list[Row] = field(default_factory=list)
    measures: list[Row] = field(default_factory=list)


@dataclass
class Change:
    kind: str
    code: str
    line: int
    new: bool
    fields: list[tuple[str, str, str]]  # (column, stored, in the file)


# ---------------------------------------------------------------- reading


def _is_header(fields: list[str]) -> bool:
    names = {f.strip().casefold() for f in fields}
    return {"kind", "id"} <= names


def _date(text: str) -> dt.date | None:
    text = text.strip()
    return dt.date.fromisoformat(text[:10]) if text else None


def _whole(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    number = Decimal(text.replace(",", "."))
    if number != number.to_integral_value() or number < 0:
        raise ValueError(text)
    return int(number)


def _decimal(text: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    number = Decimal(text.replace(",", ".")).quantize(Decimal("0.001"))
    if number < 0:
        raise InvalidOperation(text)
    return number


def _cells(content: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[RowError]]:
    if len(content) > MAX_BYTES:
        raise ImportInvalid([RowError(None, _("The file is larger than 5 MB."))])
    problems = Problems()
    try:
        header, records = read_records(content, problems, _is_header)
    except TableError as error:
        codes = {p.code for p in error.problems}
        if "no_header" in codes:
            message = _("No header line names the columns “kind” and “id”.")
        elif "workbook" in codes:
            message = _("The Excel workbook cannot be read; it may be damaged.")
        elif "empty" in codes:
            message = _("The file is empty.")
        else:
            message = _(
                "The file cannot be read as text: save it as CSV in UTF-8 encoding, or as an Excel workbook."
            )
        raise ImportInvalid([RowError(None, message)]) from None
    names = [h.strip().casefold() for h in header]
    unknown = [h for h, n in zip(header, names, strict=True) if n and n not in COLUMNS]
    errors = [RowError(None, _("Unknown column “%(column)s”.") % {"column": h}) for h in unknown]
    errors += [
        RowError(
            p.line,
            _("%(count)s fields where the header has %(expected)s.")
            % {"count": p.value, "expected": p.expected},
        )
        for p in problems.found
    ]
    rows = [
        (line, {n: fields[i].strip() for i, n in enumerate(names) if n in COLUMNS})
        for line, fields in records
    ]
    return names, rows, errors


def _parse_row(line: int, cell: dict[str, str], errors: list[RowError]) -> Row | None:
    def bad(message: str) -> None:
        errors.append(RowError(line, message))

    kind, code = cell.get("kind", "").casefold(), cell.get("id", "")
    if kind not in ("stage", "measure"):
        return bad(
            _("The kind must be “stage” or “measure”, not “%(value)s”.") % {"value": cell.get("kind", "")}
        )
    try:
        CODE(code)
    except Exception:
        return bad(
            _("“%(value)s” is not an id: use Latin letters, digits, dots, dashes and underscores.")
            % {"value": code}
        )
    values: dict = {name: cell.get(name, "")[:500] for name in TEXTS}
    if not values["title_ru"]:
        bad(_("The title in Russian is missing."))
    for name, column, read in [
        ("starts_on", "starts_on", _date),
        ("deadline", "deadline", _date),
        ("cancelled_on", "cancelled_on", _date),
        ("order", "order", _whole),
        ("deadline_days", "deadline_days", _whole),
        ("responsible_unit", "responsible_unit", _whole),
        ("weight", "weight", _decimal),
    ]:
        try:
            values[name] = read(cell.get(column, ""))
        except (ValueError, InvalidOperation):
            bad(_("“%(column)s” cannot be “%(value)s”.") % {"column": column, "value": cell.get(column, "")})
            values[name] = None
    if values["deadline"] is None and not cell.get("deadline"):
        bad(
            _("The deadline is missing.")
            if kind == "measure"
            else _("The stage's end (deadline) is missing.")
        )
    if kind == "stage":
        if values["starts_on"] is None and not cell.get("starts_on"):
            bad(_("The stage's start is missing."))
        stage = {name: values[name] for name in ("title_ru", "title_kk", "title_en", "starts_on")}
        return Row(line, kind, code, {**stage, "number": values["order"] or 1, "ends_on": values["deadline"]})
    rollup = cell.get("rollup", "") or Rollup.WEIGHTED_MEAN
    if rollup not in Rollup.values:
        bad(
            _("The roll-up must be weighted_mean, share_done or minimum, not “%(value)s”.")
            % {"value": rollup}
        )
    if not cell.get("stage"):
        bad(_("The measure's stage is missing."))
    values.update(stage=cell.get("stage", ""), parent=cell.get("parent", ""), rollup=rollup)
    values["order"] = values["order"] or 0
    return Row(line, kind, code, {name: values[name] for name in MEASURE_FIELDS})


def parse_roadmap(programme: Programme, content: bytes) -> Parsed:
    """Every row of the file, checked against itself and the stored road map; ``ImportInvalid`` with
    one error per fault found."""
    _names, cells, errors = _cells(content)
    parsed, seen = Parsed(), {}
    for line, cell in cells:
        if not any(cell.values()):
            continue
        row = _parse_row(line, cell, errors)
        if row is None:
            continue
        key = (row.kind, row.code)
        if key in seen:
            errors.append(
                RowError(
                    line,
                    _("The id “%(id)s” appears again (first on line %(line)s).")
                    % {"id": row.code, "line": seen[key]},
                )
            )
            continue
        seen[key] = line
        (parsed.stages if row.kind == "stage" else parsed.measures).append(row)
    _check_references(programme, parsed, errors)
    if errors:
        raise ImportInvalid(errors)
    return parsed


def _check_references(programme: Programme, parsed: Parsed, errors: list[RowError]) -> None:
    stages = {s.code for s in parsed.stages} | set(programme.stages.values_list("code", flat=True))
    stored = dict(programme.measures.values_list("code", "parent__code"))
    parents = {**stored, **{m.code: m.values["parent"] or None for m in parsed.measures}}
    stage_of = dict(programme.measures.values_list("code", "stage__code"))
    stage_of.update({m.code: m.values["stage"] for m in parsed.measures})
    units = set(Unit.objects.values_list("pk", flat=True))
    for m in parsed.measures:
        v = m.values
        if v["stage"] and v["stage"] not in stages:
            errors.append(RowError(m.line, _("No stage has the id “%(id)s”.") % {"id": v["stage"]}))
        if v["parent"] and v["parent"] not in parents:
            errors.append(RowError(m.line, _("No measure has the id “%(id)s”.") % {"id": v["parent"]}))
        elif v["parent"] and stage_of.get(v["parent"]) != v["stage"]:
            errors.append(RowError(m.line, _("A measure and its parent must be in the same stage.")))
        if v["responsible_unit"] is not None and v["responsible_unit"] not in units:
            errors.append(
                RowError(m.line, _("No unit has the number %(id)s.") % {"id": v["responsible_unit"]})
            )
        if _in_cycle(m.code, parents):
            errors.append(RowError(m.line, _("A measure cannot be a part of itself.")))


def _in_cycle(code: str, parents: dict[str, str | None]) -> bool:
    node, steps = parents.get(code), 0
    while node is not None and steps <= len(parents):
        if node == code:
            return True
        node, steps = parents.get(node), steps + 1
    return False


# ---------------------------------------------------------------- what would change


def stored_values(obj) -> dict:
    if isinstance(obj, Stage):
        return {name: getattr(obj, name) for name in STAGE_FIELDS}
    values = {
        name: getattr(obj, name)
        for name in MEASURE_FIELDS
        if name not in ("stage", "parent", "responsible_unit")
    }
    return {
        **values,
        "stage": obj.stage.code,
        "parent": obj.parent.code if obj.parent_id else "",
        "responsible_unit": obj.responsible_unit_id,
    }


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def changes_of(programme: Programme, parsed: Parsed) -> list[Change]:
    """Every new row, and every stored one the file would change, in file order."""
    stages = {s.code: s for s in programme.stages.all()}
    measures = {m.code: m for m in programme.measures.select_related("stage", "parent")}
    found = []
    for row, stored in [
        *((r, stages.get(r.code)) for r in parsed.stages),
        *((r, measures.get(r.code)) for r in parsed.measures),
    ]:
        if stored is None:
            fields = [(name, "", _shown(value)) for name, value in row.values.items() if _shown(value)]
            found.append(Change(row.kind, row.code, row.line, True, fields))
            continue
        old = stored_values(stored)
        fields = [
            (name, _shown(old[name]), _shown(value))
            for name, value in row.values.items()
            if _differs(name, old[name], value, row, programme)
        ]
        if fields:
            found.append(Change(row.kind, row.code, row.line, False, fields))
    return found


def _differs(name: str, old, new, row: Row, programme: Programme) -> bool:
    if name == "deadline" and programme.working_days and row.values.get("deadline_days"):
        return False  # computed from deadline_days by the service
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return (old is None) != (new is None) or (old is not None and Decimal(old) != Decimal(new))
    return (old or None) != (new or None) if isinstance(old, str) or isinstance(new, str) else old != new


# ---------------------------------------------------------------- export


def export_rows(programme: Programme) -> list[list[str]]:
    rows = [list(COLUMNS)]
    for stage in programme.stages.all():
        rows.append(
            [
                _shown(v)
                for v in [
                    "stage",
                    stage.code,
                    "",
                    "",
                    stage.number,
                    stage.title_ru,
                    stage.title_kk,
                    stage.title_en,
                    "",
                    "",
                    "",
                    None,
                    "",
                    "",
                    "",
                    stage.starts_on,
                    stage.ends_on,
                    None,
                    None,
                    "",
                    None,
                ]
            ]
        )
    measures = list(programme.measures.select_related("stage", "parent").order_by("order", "id"))
    children: dict[int | None, list[Measure]] = {}
    for m in measures:
        children.setdefault(m.parent_id, []).append(m)

    def walk(parent_id):  # parents before their parts, so the file reads as a tree
        for m in children.get(parent_id, []):
            v = stored_values(m)
            rows.append(["measure", m.code, *(_shown(v[name]) for name in MEASURE_FIELDS)])
            walk(m.pk)

    walk(None)
    return rows


def export_csv(programme: Programme) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(export_rows(programme))
    return ("\ufeff" + out.getvalue()).encode()  # a BOM: spreadsheets then read it as UTF-8


def export_xlsx(programme: Programme) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = programme.code[:31]
    for row in export_rows(programme):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
