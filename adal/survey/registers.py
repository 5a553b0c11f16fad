"""An instrument and census margins from a table an analyst uploads (CSV or XLSX), and blank tables of
both formats to fill in.

A file is checked whole before anything is written: every bad row is named with its line and what is
wrong, in the reader's language, and a file with any bad row is refused whole (the services then write
all of it in one transaction, or nothing).

**Instrument** — one row per component, item or answer (``record``):
- ``component``: ``code``, ``weight`` (its weight in the index, positive), ``text_ru/kk/en`` (its name);
- ``item``: ``code`` (the column of the microdata), ``component``, ``weight`` (in its component,
  default 1), ``role`` (``index`` or ``sector``), ``required`` (yes/no), ``asked_if_item`` and
  ``asked_if_codes`` (asked only after these answers to an earlier item), ``text_ru/kk/en`` (wording);
- ``answer``: ``item``, ``code`` (a whole number), ``score`` (0 most corruption … 100 least) or
  ``missing`` = yes (a missing code: don't know, refused), ``text_ru/kk/en`` (its label).

**Census margins** — one row per population total: ``region`` (KATO), ``sex`` (1 male, 2 female) and
``age_from`` (the group's lower bound) for the region × sex × age margin, or ``settlement`` (1 urban,
2 rural) for the other; ``population`` in each.
"""

import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from adal.stats.tables import Problems, TableError, read_records
from adal.survey.models import Item, Settlement, Sex
from adal.survey.validation import DESIGN_COLUMNS

INSTRUMENT_COLUMNS = (
    "record",
    "code",
    "component",
    "item",
    "weight",
    "role",
    "required",
    "asked_if_item",
    "asked_if_codes",
    "score",
    "missing",
    "text_ru",
    "text_kk",
    "text_en",
)
MARGINS_COLUMNS = ("region", "sex", "age_from", "settlement", "population")
TEMPLATE_AGE_GROUPS = (18, 30, 45, 60)
MAX_BYTES = 5 * 1024 * 1024
CODE = re.compile(r"^[a-z0-9_-]{1,40}$")
YES, NO = {"yes", "y", "1", "true", "да", "иә"}, {"", "no", "n", "0", "false", "нет", "жоқ"}
LANGUAGES = ("ru", "kk", "en")


@dataclass(frozen=True)
class RowError:
    line: int | None  # None: the file as a whole
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class RegisterInvalid(Exception):
    """Every fault of the file, in line order; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.line is not None, e.line or 0))
        super().__init__("; ".join(str(e) for e in self.errors))


def _table_problem(p) -> RowError:
    texts = {
        "empty": _("The file is empty."),
        "encoding": _("The file is neither UTF-8 text nor an XLSX workbook. Save it as “CSV UTF-8” or XLSX."),
        "workbook": _("The workbook cannot be read."),
        "no_header": _("No header row with the template's columns was found: download the template."),
    }
    if p.code == "fields":
        return RowError(
            p.line,
            _("%(cells)s cells, but the header has %(expected)s.")
            % {
                "cells": p.value,
                "expected": p.expected,
            },
        )
    return RowError(p.line, texts.get(p.code, str(p)))


class Rows:
    """The records of the file as dicts by column (missing optional columns read as empty)."""

    def __init__(self, content: bytes, required: tuple[str, ...]):
        if len(content) > MAX_BYTES:
            raise RegisterInvalid([RowError(None, _("The file is larger than 5 MB."))])
        problems = Problems()

        def header_test(fields):
            return set(required) <= {f.strip().lower() for f in fields}

        try:
            header, records = read_records(content, problems, header_test)
        except TableError as error:
            raise RegisterInvalid([_table_problem(p) for p in error.problems]) from None
        names = [h.strip().lower() for h in header]
        self.errors = [_table_problem(p) for p in problems.found]
        self.rows = [
            (line, {name: str(value).strip() for name, value in zip(names, fields, strict=True)})
            for line, fields in records
        ]
        if not self.rows and not self.errors:
            self.errors.append(RowError(None, _("The file has a header but no rows.")))

    def fail(self, line: int | None, message: str) -> None:
        self.errors.append(RowError(line, message))

    def raise_any(self) -> None:
        if self.errors:
            raise RegisterInvalid(self.errors)


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _whole(text: str) -> int | None:
    value = _number(text)
    return int(value) if value is not None and value.is_integer() else None


def _texts(rows: Rows, line: int, row: dict, what: str) -> dict | None:
    texts = {lang: row.get(f"text_{lang}", "") for lang in LANGUAGES}
    if not all(texts.values()):
        rows.fail(line, _("%(what)s needs its text in Russian, Kazakh and English.") % {"what": what})
        return None
    return texts


# ---------------------------------------------------------------- the instrument


def parse_instrument(content: bytes) -> dict:
    """The components and items of an instrument, as ``instrument_create`` takes them in its spec."""
    rows = Rows(content, ("record", "code"))
    components, items, answers = {}, {}, []
    for line, row in rows.rows:
        kind = row.get("record", "").lower()
        if kind == "component":
            _component(rows, line, row, components)
        elif kind == "item":
            _item(rows, line, row, items)
        elif kind == "answer":
            answers.append((line, row))
        else:
            rows.fail(
                line, _("“record” must be component, item or answer, not “%(value)s”.") % {"value": kind}
            )
    for line, row in answers:
        _answer(rows, line, row, items)
    _check_whole(rows, components, items)
    rows.raise_any()
    return {
        "components": [c["spec"] for c in components.values()],
        "items": [i["spec"] for i in items.values()],
    }


def _component(rows: Rows, line: int, row: dict, components: dict) -> None:
    code = row.get("code", "").lower()
    if not CODE.match(code):
        rows.fail(line, _("“%(code)s” is not a code: use Latin letters, digits, - and _.") % {"code": code})
        return
    if code in components:
        rows.fail(
            line,
            _("Component “%(code)s” is given twice (first on line %(first)s).")
            % {
                "code": code,
                "first": components[code]["line"],
            },
        )
        return
    weight = _number(row.get("weight", ""))
    if weight is None or weight <= 0:
        rows.fail(line, _("Component “%(code)s” needs a positive weight.") % {"code": code})
    names = _texts(rows, line, row, code)
    components[code] = {
        "line": line,
        "spec": {"code": code, "weight": weight, "name": names or {}},
    }


def _item(rows: Rows, line: int, row: dict, items: dict) -> None:
    code = row.get("code", "")
    if not CODE.match(code) or code in DESIGN_COLUMNS:
        rows.fail(
            line,
            _("“%(code)s” cannot name an item: use lower case, and not a design column.") % {"code": code},
        )
        return
    if code in items:
        rows.fail(
            line,
            _("Item “%(code)s” is given twice (first on line %(first)s).")
            % {
                "code": code,
                "first": items[code]["line"],
            },
        )
        return
    role = row.get("role", "").lower() or Item.Role.INDEX
    if role not in Item.Role.values:
        rows.fail(line, _("The role of an item is index or sector, not “%(value)s”.") % {"value": role})
    weight = _number(row.get("weight", "") or "1")
    if weight is None or weight <= 0:
        rows.fail(line, _("Item “%(code)s” needs a positive weight in its component.") % {"code": code})
    required = row.get("required", "").lower()
    if required not in YES | NO:
        rows.fail(line, _("“required” is yes or no, not “%(value)s”.") % {"value": required})
    spec = {
        "code": code,
        "role": role,
        "component": row.get("component", "").lower() if role == Item.Role.INDEX else None,
        "weight": weight,
        "required": required in YES,
        "text": _texts(rows, line, row, code) or {},
        "options": [],
    }
    condition_item = row.get("asked_if_item", "")
    if condition_item:
        codes = [_whole(c) for c in re.split(r"[\s,;]+", row.get("asked_if_codes", "")) if c]
        if not codes or None in codes:
            rows.fail(line, _("“asked_if_codes” lists the answer codes that lead to this item."))
        spec["condition"] = {"item": condition_item, "codes": [c for c in codes if c is not None]}
    items[code] = {"line": line, "spec": spec, "missing": set()}


def _answer(rows: Rows, line: int, row: dict, items: dict) -> None:
    item = items.get(row.get("item", ""))
    if item is None:
        rows.fail(
            line, _("The answer belongs to no item of the file: “%(value)s”.") % {"value": row.get("item")}
        )
        return
    code = _whole(row.get("code", ""))
    if code is None or not 0 <= code <= 32767:
        rows.fail(line, _("An answer code is a whole number from 0 to 32767."))
        return
    options = item["spec"]["options"]
    if any(o["code"] == code for o in options):
        rows.fail(
            line,
            _("Answer code %(code)s is given twice for item “%(item)s”.")
            % {
                "code": code,
                "item": item["spec"]["code"],
            },
        )
        return
    missing, score_text = row.get("missing", "").lower(), row.get("score", "")
    if missing not in YES | NO:
        rows.fail(line, _("“missing” is yes or no, not “%(value)s”.") % {"value": missing})
    score = None
    if item["spec"]["role"] == Item.Role.INDEX:
        if missing in YES and score_text:
            rows.fail(line, _("A missing code has no score."))
        elif missing not in YES:
            score = _number(score_text)
            if score is None or not 0 <= score <= 100:
                rows.fail(line, _("Score the answer from 0 to 100, or mark it as a missing code."))
    elif score_text:
        rows.fail(line, _("The answers of the sector item are not scored."))
    label = _texts(rows, line, row, f"{item['spec']['code']} = {code}")
    options.append({"code": code, "label": label or {}, "score": score})


def _check_whole(rows: Rows, components: dict, items: dict) -> None:
    """What only the whole file can tell: links between rows, and an index that can be computed."""
    if not components and not rows.errors:
        rows.fail(None, _("An instrument needs at least one index component."))
    used = set()
    earlier: dict[str, set] = {}
    for code, item in items.items():
        spec, line = item["spec"], item["line"]
        if spec["role"] == Item.Role.INDEX:
            if spec["component"] not in components:
                rows.fail(
                    line,
                    _("Item “%(code)s” must belong to one of the components of the file.") % {"code": code},
                )
            used.add(spec["component"])
            if spec["options"] and all(o["score"] is None for o in spec["options"]):
                rows.fail(line, _("Item “%(code)s” has no scored answer.") % {"code": code})
        if not spec["options"]:
            rows.fail(line, _("Item “%(code)s” has no answers.") % {"code": code})
        condition = spec.get("condition")
        if condition and not (
            condition["item"] in earlier and set(condition["codes"]) <= earlier[condition["item"]]
        ):
            rows.fail(
                line,
                _("Item “%(code)s” depends on an earlier item and some of its answer codes.")
                % {"code": code},
            )
        earlier[code] = {o["code"] for o in spec["options"]}
    for code, component in components.items():
        if code not in used:
            rows.fail(component["line"], _("Component “%(code)s” has no items.") % {"code": code})
    sectors = [i["line"] for i in items.values() if i["spec"]["role"] == Item.Role.SECTOR]
    for line in sectors[1:]:
        rows.fail(line, _("An instrument has at most one sector item."))


# ---------------------------------------------------------------- census margins


@dataclass
class Margins:
    age_groups: list[int]
    region_sex_age: list[tuple[str, int, int, int]]
    settlement: dict[int, int]


def parse_margins(content: bytes, regions: dict[str, str]) -> Margins:
    """The margins of the file; ``regions`` maps the KATO codes of the regions on the map of the
    reference date to their names (every one of them needs every sex and age group)."""
    rows = Rows(content, MARGINS_COLUMNS)
    cells, seen, settlement, seen_settlement = [], {}, {}, {}
    for line, row in rows.rows:
        population = _whole(row.get("population", ""))
        if population is None or population <= 0:
            rows.fail(line, _("The population is a positive whole number."))
        if row.get("settlement"):
            kind = _whole(row["settlement"])
            if row.get("region") or row.get("sex") or row.get("age_from"):
                rows.fail(line, _("A settlement row leaves region, sex and age empty."))
            elif kind not in Settlement.values:
                rows.fail(line, _("The settlement is 1 (urban) or 2 (rural)."))
            elif kind in seen_settlement:
                rows.fail(
                    line,
                    _("This settlement is given twice (first on line %(first)s).")
                    % {"first": seen_settlement[kind]},
                )
            elif population:
                seen_settlement[kind] = line
                settlement[kind] = population
            continue
        kato, sex, age = (
            row.get("region", "").zfill(9),
            _whole(row.get("sex", "")),
            _whole(row.get("age_from", "")),
        )
        bad = False
        if kato not in regions:
            rows.fail(
                line,
                _("“%(kato)s” is not the KATO code of a region on the map of the reference date.")
                % {"kato": row.get("region", "")},
            )
            bad = True
        if sex not in Sex.values:
            rows.fail(line, _("The sex is 1 (male) or 2 (female)."))
            bad = True
        if age is None or not 0 <= age < 120:
            rows.fail(line, _("“age_from” is the lower bound of the age group, in whole years."))
            bad = True
        if bad or not population:
            continue
        if (kato, sex, age) in seen:
            rows.fail(
                line,
                _("This region, sex and age group is given twice (first on line %(first)s).")
                % {"first": seen[kato, sex, age]},
            )
            continue
        seen[kato, sex, age] = line
        cells.append((kato, sex, age, population))
    ages = sorted({age for _kato, _sex, age, _n in cells})
    if not rows.errors:
        for kato, name in regions.items():
            for sex in Sex.values:
                for age in ages:
                    if (kato, sex, age) not in seen:
                        rows.fail(
                            None,
                            _("No row for %(region)s, %(sex)s, from %(age)s years.")
                            % {
                                "region": name,
                                "sex": Sex(sex).label,
                                "age": age,
                            },
                        )
        for kind in Settlement.values:
            if kind not in settlement:
                rows.fail(
                    None,
                    _("No row for %(settlement)s settlements.")
                    % {"settlement": str(Settlement(kind).label).lower()},
                )
    rows.raise_any()
    index = {age: i for i, age in enumerate(ages)}
    return Margins(ages, [(k, s, index[a], n) for k, s, a, n in cells], settlement)


# ---------------------------------------------------------------- templates to fill in


def instrument_template_rows() -> list[list]:
    """A small instrument that imports as it is: one component, an index item and the sector item."""
    blank = dict.fromkeys(INSTRUMENT_COLUMNS, "")

    def row(**values):
        return [{**blank, **values}[c] for c in INSTRUMENT_COLUMNS]

    return [
        list(INSTRUMENT_COLUMNS),
        row(
            record="component",
            code="prevalence",
            weight=1,
            text_ru="Распространённость коррупции",
            text_kk="Сыбайлас жемқорлықтың таралуы",
            text_en="Perceived prevalence",
        ),
        row(
            record="item",
            code="q1",
            component="prevalence",
            weight=1,
            role="index",
            required="yes",
            text_ru="Насколько распространена коррупция?",
            text_kk="Сыбайлас жемқорлық қаншалықты таралған?",
            text_en="How widespread is corruption?",
        ),
        row(record="answer", item="q1", code=1, score=0, text_ru="Очень", text_kk="Өте", text_en="Very"),
        row(
            record="answer", item="q1", code=2, score=100, text_ru="Нет", text_kk="Жоқ", text_en="Not at all"
        ),
        row(
            record="answer",
            item="q1",
            code=9,
            missing="yes",
            text_ru="Затрудняюсь ответить",
            text_kk="Жауап беру қиын",
            text_en="Don't know",
        ),
        row(
            record="item",
            code="sector",
            role="sector",
            text_ru="Какой услугой вы пользовались?",
            text_kk="Қандай қызметті пайдаландыңыз?",
            text_en="Which service did you use?",
        ),
        row(
            record="answer",
            item="sector",
            code=1,
            text_ru="Здравоохранение",
            text_kk="Денсаулық сақтау",
            text_en="Health care",
        ),
    ]


def margins_template_rows(regions: list[str]) -> list[list]:
    """Every cell of the margins for the regions given, with the population left to fill in."""
    rows = [list(MARGINS_COLUMNS)]
    for kato in regions:
        for sex in Sex.values:
            rows += [[kato, sex, age, "", ""] for age in TEMPLATE_AGE_GROUPS]
    rows += [["", "", "", kind, ""] for kind in Settlement.values]
    return rows


def as_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")  # the byte-order mark makes Excel read it as UTF-8


def as_xlsx(rows: list[list]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
