"""Checking microdata against the instrument, a chunk at a time, and encoding it into compact columns.

Cells are parsed per distinct value, not per cell: a chunk of 50,000 answers to a five-point question
has a handful of distinct texts, so a million rows cost a few hundred thousand parses at most. Text
is grouped with a dict (one hash per cell), which is several times faster than sorting it. Every
problem found is kept as a code with its row, column and value; the import
lists the first ones and counts the rows with any. No Django here.
"""

from dataclasses import dataclass, field

import numpy as np

from adal.survey.readers import Chunk

DESIGN_COLUMNS = ("region", "sex", "age", "settlement", "psu", "weight")
SEX_CODES = frozenset({1, 2})
SETTLEMENT_CODES = frozenset({1, 2})
BLANK_CODE = -1  # an item left blank: item non-response

# Column dtypes of the stored microdata.
DTYPES = {
    "region": np.int32,  # the KATO code as a number
    "sex": np.int8,
    "age": np.int16,
    "settlement": np.int8,
    "psu": np.int32,  # index into the PSU labels, unique within the whole wave
    "weight": np.float64,
}
ITEM_DTYPE = np.int16
RAGGED = "ragged"  # the problem of a row with too few or too many cells

_OK, _BLANK, _BAD = 0, 1, 2


@dataclass(frozen=True)
class ItemRule:
    column: str
    codes: frozenset[int]
    required: bool = False

    @property
    def low(self) -> int:
        return min(self.codes)

    @property
    def high(self) -> int:
        return max(self.codes)


@dataclass(frozen=True)
class Schema:
    regions: frozenset[int]  # KATO codes (as numbers) of the regions on the wave's map
    items: tuple[ItemRule, ...]
    min_age: int = 18
    max_age: int = 110
    weight_is_probability: bool = False

    @property
    def columns(self) -> list[str]:
        return [*DESIGN_COLUMNS, *(i.column for i in self.items)]

    def dtype(self, column: str):
        return DTYPES.get(column, ITEM_DTYPE)


@dataclass
class Problem:
    row: int
    column: str
    value: str
    code: str  # missing, not_a_number, unknown_code, out_of_range, unknown_region, bad_weight, …

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "code": self.code}


@dataclass
class Checked:
    columns: dict[str, np.ndarray]  # encoded, one array per schema column
    bad_rows: int  # rows of the chunk with at least one problem
    problems: list[Problem]  # the first ones, by row


@dataclass
class Validator:
    """Checks chunk after chunk; keeps the PSU labels seen so far (a PSU is a label within a region)."""

    schema: Schema
    psu_codes: dict[tuple[int, str], int] = field(default_factory=dict)

    @property
    def psu_labels(self) -> list[str]:
        return [label for (_region, label) in sorted(self.psu_codes, key=self.psu_codes.get)]

    def check(self, chunk: Chunk, *, keep: int) -> Checked:
        flags: list[tuple[str, np.ndarray, np.ndarray]] = []  # (column, bad mask, problem code per row)
        out: dict[str, np.ndarray] = {}

        def flag(column: str, mask: np.ndarray, code) -> None:
            if mask.any():
                codes = np.full(mask.shape, code, dtype=object) if isinstance(code, str) else code
                flags.append((column, mask, codes))

        region, status = parse_integers(chunk.columns["region"])
        flag("region", status == _BLANK, "missing")
        flag("region", (status == _OK) & ~np.isin(region, list(self.schema.regions)), "unknown_region")
        flag("region", status == _BAD, "unknown_region")
        out["region"] = region.astype(np.int32)

        for column, allowed in (("sex", SEX_CODES), ("settlement", SETTLEMENT_CODES)):
            values, status = parse_integers(chunk.columns[column])
            flag(column, *_code_problems(values, status, allowed, required=True))
            out[column] = values.astype(DTYPES[column])

        age, status = parse_integers(chunk.columns["age"])
        flag("age", status == _BLANK, "missing")
        flag("age", status == _BAD, "not_a_number")
        outside = (status == _OK) & ((age < self.schema.min_age) | (age > self.schema.max_age))
        flag("age", outside, "out_of_range")
        out["age"] = np.clip(age, -1, 32767).astype(np.int16)

        labels = parse_labels(chunk.columns["psu"])
        flag("psu", labels == "", "missing")
        out["psu"] = self._psu(out["region"], labels)

        weight, status = parse_numbers(chunk.columns["weight"])
        flag("weight", status == _BLANK, "missing")
        if self.schema.weight_is_probability:
            wrong = (status == _BAD) | ((status == _OK) & ~((weight > 0) & (weight <= 1)))
            flag("weight", wrong, "bad_probability")
        else:
            wrong = (status == _BAD) | ((status == _OK) & ~(np.isfinite(weight) & (weight > 0)))
            flag("weight", wrong, "bad_weight")
        out["weight"] = weight

        for rule in self.schema.items:
            values, status = parse_integers(chunk.columns[rule.column])
            flag(rule.column, *_code_problems(values, status, rule.codes, required=rule.required))
            values[status == _BLANK] = BLANK_CODE
            out[rule.column] = np.clip(values, -32768, 32767).astype(ITEM_DTYPE)

        return self._checked(chunk, out, flags, keep)

    def _psu(self, region: np.ndarray, labels: np.ndarray) -> np.ndarray:
        uniques, inverse = factorize(labels)
        keys = region.astype(np.int64) * len(uniques) + inverse
        distinct, where = np.unique(keys, return_inverse=True)
        codes = np.empty(distinct.size, dtype=np.int32)
        for j, key in enumerate(distinct.tolist()):
            pair = (key // len(uniques), str(uniques[key % len(uniques)]))
            codes[j] = self.psu_codes.setdefault(pair, len(self.psu_codes))
        return codes[where.reshape(-1)]

    def _checked(self, chunk: Chunk, out: dict, flags: list, keep: int) -> Checked:
        bad = np.zeros(len(chunk), dtype=bool)
        rows, order, columns, codes = [], [], [], []
        order_of = {c: i for i, c in enumerate(self.schema.columns)}
        ragged_rows = np.isin(chunk.rows, [r for r, _cells in chunk.ragged])
        for column, mask, code in flags:
            mask = mask & ~ragged_rows  # a row of the wrong length is reported as that, not cell by cell
            bad |= mask
            where = np.flatnonzero(mask)
            rows.append(where)
            order.append(np.full(where.size, order_of[column]))
            columns.append(np.full(where.size, column, dtype=object))
            codes.append(code[where])
        ragged = [(row, cells) for row, cells in chunk.ragged]
        if ragged:
            position = {int(r): i for i, r in enumerate(chunk.rows.tolist())}
            where = np.array([position[r] for r, _ in ragged])
            bad[where] = True
            rows.append(where)
            order.append(np.full(where.size, -1))
            columns.append(np.full(where.size, "", dtype=object))
            codes.append(np.full(where.size, RAGGED, dtype=object))
        problems = []
        if rows:
            where, order = np.concatenate(rows), np.concatenate(order)
            columns, codes = np.concatenate(columns), np.concatenate(codes)
            first = np.lexsort((order, where))[:keep]
            cells = dict(ragged)
            for i in first.tolist():
                row, column = int(chunk.rows[where[i]]), str(columns[i])
                value = str(cells[row]) if column == "" else _shown(chunk.columns[column][where[i]])
                problems.append(Problem(row, column, value, str(codes[i])))
        return Checked(out, int(bad.sum()), problems)


def _shown(value) -> str:
    if isinstance(value, float):  # numpy's floats too
        value = float(value)
        return "" if value != value else (str(int(value)) if value.is_integer() else repr(value))
    return str(value)[:40]


def _code_problems(values, status, allowed, *, required: bool):
    """(bad mask, problem code per row) for a coded answer: unknown code, out of range, blank."""
    allowed = list(allowed)
    low, high = min(allowed), max(allowed)
    code = np.full(values.shape, "", dtype=object)
    code[status == _BAD] = "not_a_number"
    known = np.isin(values, allowed)
    code[(status == _OK) & ~known] = "unknown_code"
    code[(status == _OK) & ((values < low) | (values > high))] = "out_of_range"
    if required:
        code[status == _BLANK] = "missing"
    return code != "", code


# ---------------------------------------------------------------- parsing cells, per distinct value


def factorize(values: np.ndarray) -> tuple[list, np.ndarray]:
    """(the distinct values, the index of each cell's value among them)."""
    if values.dtype.kind == "f":
        uniques, inverse = np.unique(values, return_inverse=True)
        return uniques.tolist(), inverse.reshape(-1)
    uniques = list(dict.fromkeys(values.tolist()))
    position = {v: i for i, v in enumerate(uniques)}
    return uniques, np.fromiter(map(position.__getitem__, values.tolist()), dtype=np.intp, count=values.size)


def parse_integers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int64 value, status) per cell: status is _OK, _BLANK or _BAD (not a whole number)."""
    if values.dtype.kind == "f":
        blank = np.isnan(values)
        whole = ~blank & np.isfinite(values) & (np.mod(values, 1) == 0) & (np.abs(values) < 2**62)
        status = np.where(blank, _BLANK, np.where(whole, _OK, _BAD)).astype(np.uint8)
        return np.where(whole, values, 0).astype(np.int64), status
    uniques, inverse = factorize(values)
    parsed = [_integer(str(u)) for u in uniques]
    number = np.array([p[0] for p in parsed], dtype=np.int64)
    status = np.array([p[1] for p in parsed], dtype=np.uint8)
    return number[inverse], status[inverse]


def _integer(text: str) -> tuple[int, int]:
    text = text.strip()
    if not text:
        return 0, _BLANK
    try:
        return int(text), _OK
    except ValueError:
        pass
    number, status = _number(text)
    if status == _OK and number.is_integer() and abs(number) < 2**62:
        return int(number), _OK
    return 0, _BAD


def parse_numbers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(float64 value, status) per cell; a decimal comma is read as a decimal point."""
    if values.dtype.kind == "f":
        blank = np.isnan(values)
        return values.astype(np.float64), np.where(blank, _BLANK, _OK).astype(np.uint8)
    uniques, inverse = factorize(values)
    parsed = [_number(str(u)) for u in uniques]
    number = np.array([p[0] for p in parsed], dtype=np.float64)
    status = np.array([p[1] for p in parsed], dtype=np.uint8)
    return number[inverse], status[inverse]


def _number(text: str) -> tuple[float, int]:
    text = text.strip()
    if not text:
        return 0.0, _BLANK
    try:
        return float(text.replace(",", ".")), _OK
    except ValueError:
        return 0.0, _BAD


def parse_labels(values: np.ndarray) -> np.ndarray:
    """Identifiers such as PSU labels, as text: 17.0 from SPSS is "17"; "" when blank."""
    uniques, inverse = factorize(values)
    numeric = values.dtype.kind == "f"
    shown = np.array([_shown(float(u)) if numeric else str(u).strip() for u in uniques], dtype=object)
    return shown[inverse]
