"""Readers for TI's wide tables: one row per country, metadata columns, then one column per source.

Headers drift between years and files ("Country / Territory" or "Country", "CPI Score 2013" or
"CPI score 2022"), so columns are told apart by what they are: the country and ISO3 columns by name,
other known metadata (score, rank, SE, number of sources, interval, region) by a name prefix, and a
source is any other column holding numbers.

A table comes as a path, its text, or its bytes: UTF-8 (with or without a byte-order mark) or UTF-16
text separated by `|`, `;`, `,` or tabs, or an Excel workbook. Every bad row is found, not just the
first: a `TableError` carries one `Problem` per fault, each with a code and its particulars, so that a
caller can word them in the user's language.
"""

import csv
import dataclasses
import io
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

DELIMITERS = "|;,\t"
MISSING = {"", "-", "–", "—", "..", "n/a", "na", "nan"}
COUNTRY = re.compile(r"^(country|territory)\b", re.IGNORECASE)
ISO3 = re.compile(r"^iso\s*-?\s*(3|alpha-?3)?\b(\s*code)?", re.IGNORECASE)
NUMERIC_METADATA = re.compile(
    r"^(cpi score|cpi|score|rank|standard error|std\.? error|se|number of sources|sources"
    r"|lower ci|upper ci|lower|upper)\b",
    re.IGNORECASE,
)
TEXT_METADATA = re.compile(r"^region\b", re.IGNORECASE)
NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
XLSX_MAGIC = b"PK\x03\x04"

type Record = tuple[int, list[str]]  # a line (a row of a sheet) and its fields

MESSAGES = {
    "empty": "the file is empty",
    "encoding": "the file is neither UTF-8 or UTF-16 text nor an Excel workbook",
    "workbook": "the workbook cannot be read",
    "no_header": "no header line naming a country and an ISO3 column",
    "fields": "{value} fields, the header has {expected}",
    "not_a_number": "{column!r} is not a number: {value!r}",
    "not_whole": "{column!r} should be a whole number, not {value}",
    "iso3": "missing or malformed ISO3 code {value!r}",
    "duplicate": "{value} again (first on line {expected})",
    "not_timeseries": "header: not a time series: unexpected columns {value}",
    "no_score": "header: no score column for {value}",
    "no_year": "header: the year of the table is not stated",
}


@dataclass(frozen=True)
class Problem:
    code: str  # a key of MESSAGES
    line: int | None = None  # None: the file as a whole
    column: str = ""
    value: str = ""
    expected: int | None = None  # the header's field count; for a duplicate, the line of the first

    def __str__(self) -> str:
        text = MESSAGES[self.code].format(column=self.column, value=self.value, expected=self.expected)
        return f"line {self.line}: {text}" if self.line is not None else text


class TableError(ValueError):
    """Every fault found in a table, in file order."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class WideRow:
    line: int
    iso3: str
    country: str
    scores: dict[str, float | None]  # source → score on the CPI scale; None: the source does not cover it
    metadata: dict[str, str]  # every other column, by header as written

    def published(self, prefix: str) -> float | None:
        """The number in the first metadata column whose header starts with `prefix` (any case)."""
        for header, value in self.metadata.items():
            if header.casefold().startswith(prefix.casefold()):
                return parse_number(value, self.line, header)
        raise KeyError(prefix)


@dataclass(frozen=True)
class WideTable:
    sources: tuple[str, ...]
    metadata: tuple[str, ...]
    rows: tuple[WideRow, ...]

    def source_rows(self) -> list[tuple[str, str, dict[str, float | None]]]:
        """The rows as `composite_scores` takes them."""
        return [(r.iso3, r.country, r.scores) for r in self.rows]


def parse_number(text: str, line: int, column: str) -> float | None:
    text = text.strip()
    if text.casefold() in MISSING:
        return None
    if not NUMBER.match(text):
        raise TableError([Problem("not_a_number", line, column, text)])
    return float(text.replace(",", "."))  # a decimal comma, as `;`-separated European files write it


def is_number(text: str) -> bool:
    return bool(NUMBER.match(text.strip()))


class Problems:
    """Collects the faults of a table; `check` runs a parse and keeps its fault instead of raising."""

    def __init__(self):
        self.found: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self.found.append(problem)

    def check[T](self, parse: Callable[..., T], *args) -> T | None:
        try:
            return parse(*args)
        except TableError as error:
            self.found.extend(error.problems)
            return None

    def raise_any(self) -> None:
        if self.found:
            raise TableError(self.found)


# Reading the file ---------------------------------------------------------------------------------


def read_source(source: str | os.PathLike | bytes) -> str | bytes:
    """A path's bytes; text (any string with a line break) and bytes as they are."""
    if isinstance(source, bytes) or (isinstance(source, str) and "\n" in source):
        return source
    return Path(source).read_bytes()


def decode(data: bytes) -> str:
    # A byte-order mark of UTF-16 is Excel's "Unicode text"; anything else must be UTF-8.
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise TableError([Problem("encoding")]) from None
    if "\x00" in text:
        raise TableError([Problem("encoding")])  # a binary file that happens to decode
    return text


def read_text(path_or_text: str | os.PathLike | bytes) -> str:
    """A path, text, or bytes, as text (a workbook is not text)."""
    data = read_source(path_or_text)
    return data.removeprefix("\ufeff") if isinstance(data, str) else decode(data)


def sniff_delimiter(header: str) -> str | None:
    counts = {d: header.count(d) for d in DELIMITERS}
    delimiter = max(counts, key=counts.get)
    return delimiter if counts[delimiter] else None


def split(line: str, delimiter: str) -> list[str]:
    return [f.strip() for f in next(csv.reader([line], delimiter=delimiter), [])]


def names_country_and_iso3(fields: list[str]) -> bool:
    return any(COUNTRY.search(f) for f in fields) and any(ISO3.search(f) for f in fields)


def is_header(line: str) -> bool:
    return names_country_and_iso3(split(line, sniff_delimiter(line) or ","))


type HeaderTest = Callable[[list[str]], bool]


def text_records(text: str, header_test: HeaderTest) -> tuple[list[str], list[Record]] | None:
    """The header and the non-blank records of delimited text; title lines above the header skipped."""
    lines = text.splitlines(keepends=True)
    start = next(
        (i for i, line in enumerate(lines) if header_test(split(line, sniff_delimiter(line) or ","))), None
    )
    if start is None:
        return None
    reader = csv.reader(io.StringIO("".join(lines[start:])), delimiter=sniff_delimiter(lines[start]) or ",")
    header = [h.strip() for h in next(reader)]
    records = [(start + reader.line_num, fields) for fields in reader]
    return header, records


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value).removesuffix(".0")  # the shortest repr: what the workbook shows, unrounded
    return str(value).strip()


def workbook_records(data: bytes, header_test: HeaderTest) -> tuple[list[str], list[Record]] | None:
    """The header and records of the first sheet that has a header; trailing empty columns dropped."""
    import openpyxl  # only workbooks need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged or foreign zip: openpyxl raises many kinds
        raise TableError([Problem("workbook")]) from None
    try:
        for sheet in book.worksheets:
            rows = ([cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
            for number, fields in enumerate(rows, start=1):
                if header_test(fields):
                    width = max(i for i, f in enumerate(fields) if f) + 1
                    records = [(n, f) for n, f in enumerate(rows, start=number + 1)]
                    return fields[:width], [(n, trim(f, width)) for n, f in records]
        return None
    finally:
        book.close()


def trim(fields: list[str], width: int) -> list[str]:
    """A sheet's row cut to the header's width, if what lies beyond is empty (else left to be refused)."""
    if len(fields) > width and not any(fields[width:]):
        return fields[:width]
    return fields + [""] * (width - len(fields)) if len(fields) < width else fields


def read_records(
    source: str | os.PathLike | bytes,
    problems: Problems,
    header_test: HeaderTest = names_country_and_iso3,
) -> tuple[list[str], list[Record]]:
    """The header (the first line `header_test` accepts) and the non-blank records after it that have
    the header's width; a record of another width is left out and noted in `problems`. A file with no
    header at all raises at once: nothing else can be said of it."""
    data = read_source(source)
    if isinstance(data, bytes) and data.startswith(XLSX_MAGIC):
        found = workbook_records(data, header_test)
    else:
        text = data.removeprefix("\ufeff") if isinstance(data, str) else decode(data)
        if not text.strip():
            raise TableError([Problem("empty")])
        found = text_records(text, header_test)
    if found is None:
        raise TableError([Problem("no_header")])
    header, records = found
    kept = []
    for line, fields in records:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            problems.add(Problem("fields", line, value=str(len(fields)), expected=len(header)))
        else:
            kept.append((line, fields))
    return header, kept


def find_column(header: list[str], pattern: re.Pattern) -> int:
    return next(i for i, h in enumerate(header) if pattern.search(h))  # the header test saw one


def source_columns(header: list[str], records: list[Record], skip: set[int]) -> list[int]:
    """Columns that are not metadata and hold at least one number (a text-only column is a note)."""
    return [
        i
        for i, h in enumerate(header)
        if i not in skip
        and not (NUMERIC_METADATA.search(h) or TEXT_METADATA.search(h))
        and any(is_number(fields[i]) for _, fields in records)
    ]


def read_wide_table(source: str | os.PathLike | bytes, problems: Problems | None = None) -> WideTable:
    """The table, or a `TableError` naming every bad row: malformed or repeated ISO3 codes, text where
    a number belongs, records of the wrong width. Given `problems`, the faults of rows are noted there
    instead, and the table comes back without the rows it cannot place and with None in bad cells (a
    file that is not a table at all still raises)."""
    found = Problems() if problems is None else problems
    header, records = read_records(source, found)
    country_at, iso3_at = find_column(header, COUNTRY), find_column(header, ISO3)
    sources = source_columns(header, records, {country_at, iso3_at})
    metadata = [i for i in range(len(header)) if i not in sources and i not in (country_at, iso3_at)]
    rows, seen = [], {}
    for line, fields in records:
        iso3 = fields[iso3_at].strip().upper()
        placed = False
        if not re.fullmatch(r"[A-Z]{3}", iso3):
            found.add(Problem("iso3", line, value=iso3))
        elif iso3 in seen:
            found.add(Problem("duplicate", line, value=iso3, expected=seen[iso3]))
        else:
            seen[iso3], placed = line, True
        for i in metadata:
            if (
                NUMERIC_METADATA.search(header[i])
                and found.check(parse_number, fields[i], line, header[i]) is None
            ):
                fields[i] = ""  # a bad number reads as missing from here on; it is reported already
        scores = {header[i]: found.check(parse_number, fields[i], line, header[i]) for i in sources}
        if placed:
            rows.append(
                WideRow(
                    line, iso3, fields[country_at].strip(), scores, {header[i]: fields[i] for i in metadata}
                )
            )
    if problems is None:
        found.raise_any()
    return WideTable(tuple(header[i] for i in sources), tuple(header[i] for i in metadata), tuple(rows))


# Published results: one year's table, or the time series ------------------------------------------

YEAR_COLUMN = re.compile(r"^(?P<field>.*?)\s*(?P<year>(19|20)\d\d)$")
FIELDS = {
    "cpi score": "score",
    "score": "score",
    "rank": "rank",
    "sources": "sources",
    "number of sources": "sources",
    "standard error": "se",
    "std error": "se",
    "std. error": "se",
    "se": "se",
    "lower ci": "ci_low",
    "upper ci": "ci_high",
}
WHOLE = ("score", "rank", "sources")


@dataclass(frozen=True)
class YearResult:
    iso3: str
    country: str
    year: int
    score: int
    rank: int | None  # TI's time series has no rank before 2017
    sources: int | None
    se: float | None
    ci_low: float | None = None  # TI publishes the interval of the file's own year only
    ci_high: float | None = None
    countries: int | None = None  # how many countries the year's table scores (see `with_derived`)
    derived: frozenset[str] = frozenset()  # fields computed here rather than read from the file
    line: int = 0


YearScore = YearResult  # the time series' name for it


def field_and_year(header: str) -> tuple[str, int | None] | None:
    """("rank", 2022) for "Rank 2022", ("rank", None) for "Rank", None for a column of another kind."""
    name = " ".join(header.casefold().split())
    match = YEAR_COLUMN.match(name)
    if match and (field := FIELDS.get(match["field"])):
        return field, int(match["year"])
    field = FIELDS.get(name)
    return (field, None) if field else None


def stated_year(metadata: Sequence[str]) -> int | None:
    """The year of the first score column ("CPI score 2023"): a results table lists its own year first."""
    for header in metadata:
        found = field_and_year(header)
        if found and found[0] == "score" and found[1] is not None:
            return found[1]
    return None


def year_columns(metadata: Sequence[str]) -> dict[int, dict[str, str]]:
    """{year: {field: header}} for headers like "CPI Score 2013" or "Standard error 2022"."""
    years: dict[int, dict[str, str]] = {}
    for header in metadata:
        found = field_and_year(header)
        if found and found[1] is not None:
            years.setdefault(found[1], {}).setdefault(found[0], header)
    return years


def result_columns(metadata: Sequence[str], year: int | None = None) -> dict[int, dict[str, str]]:
    """As `year_columns`, with the columns that name no year ("Rank", "Lower CI") given to `year`, or
    else to the table's stated year; every year needs a score column."""
    columns = year_columns(metadata)
    loose = {}
    for header in metadata:
        found = field_and_year(header)
        if found and found[1] is None:
            loose.setdefault(found[0], header)
    if loose:
        current = year or stated_year(metadata)
        if current is None:
            raise TableError([Problem("no_year")])
        for field, header in loose.items():
            columns.setdefault(current, {}).setdefault(field, header)
    for y, fields in sorted(columns.items()):
        if "score" not in fields:
            raise TableError([Problem("no_score", value=str(y))])
    return columns


def results_of(
    table: WideTable, year: int | None = None, problems: Problems | None = None
) -> dict[tuple[str, int], YearResult]:
    """The published figures per (ISO3, year); years a country was not scored are absent. Given
    `problems`, a figure that is not a whole number is noted there and read as missing."""
    found = Problems() if problems is None else problems
    results = {}
    for y, columns in sorted(result_columns(table.metadata, year).items()):
        for row in table.rows:
            value = {f: found.check(parse_number, row.metadata[h], row.line, h) for f, h in columns.items()}
            for field in WHOLE:
                if field in columns:
                    value[field] = found.check(whole, value[field], row.line, columns[field])
            if value["score"] is None:
                continue
            results[row.iso3, y] = YearResult(
                row.iso3,
                row.country,
                y,
                value["score"],
                value.get("rank"),
                value.get("sources"),
                value.get("se"),
                value.get("ci_low"),
                value.get("ci_high"),
                line=row.line,
            )
    if problems is None:
        found.raise_any()
    return results


def read_results(
    source: str | os.PathLike | bytes, year: int | None = None
) -> dict[tuple[str, int], YearResult]:
    """A results table (TI's results-and-trends: one year's columns, the time series, or both), with
    source columns, if any, left aside."""
    return results_of(read_wide_table(source), year)


def read_timeseries(path_or_text: str | os.PathLike | bytes) -> dict[tuple[str, int], YearResult]:
    """Score, rank, number of sources and SE per (ISO3, year); years a country was not scored are absent."""
    table = read_wide_table(path_or_text)
    if table.sources:
        raise TableError([Problem("not_timeseries", value=", ".join(table.sources))])
    return results_of(table)


def whole(x: float | None, line: int, column: str | None) -> int | None:
    if x is None:
        return None
    if x != int(x):
        raise TableError([Problem("not_whole", line, column or "", f"{x}")])
    return int(x)


def with_derived(results: dict[tuple[str, int], YearResult]) -> dict[tuple[str, int], YearResult]:
    """What TI's files leave out but its method fixes: the 90% interval of years other than the file's
    own (the score ± z·SE with that year's z), and how many countries a year's ranking holds, where the
    table holds the whole of it. Ranks are not made up for years TI gave none (before 2017): its time
    series leaves out countries it no longer scores, so ranks of the remaining ones would not be TI's.
    Fields filled in are named in `derived`."""
    from adal.stats.composite import FIRST_YEAR, competition_ranks, cpi_method

    by_year: dict[int, list[YearResult]] = {}
    for r in results.values():
        by_year.setdefault(r.year, []).append(r)
    completed = {}
    for year, year_results in by_year.items():
        # The table holds the whole ranking when its ranks are the competition ranks of its scores.
        whole_ranking = [r.rank for r in year_results] == competition_ranks(r.score for r in year_results)
        for r in year_results:
            changes, derived = {"countries": len(year_results) if whole_ranking else None}, set()
            if r.ci_low is None and r.ci_high is None and r.se is not None and year >= FIRST_YEAR:
                margin = cpi_method(year).z * r.se
                changes |= {"ci_low": r.score - margin, "ci_high": r.score + margin}
                derived.add("ci")
            completed[r.iso3, year] = dataclasses.replace(r, **changes, derived=frozenset(derived))
    return completed
