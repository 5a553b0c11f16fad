"""Readers for TI's wide tables: one row per country, metadata columns, then one column per source.

Headers drift between years and files ("Country / Territory" or "Country", "CPI Score 2013" or
"CPI score 2022"), so columns are told apart by what they are: the country and ISO3 columns by name,
other known metadata (score, rank, SE, number of sources, interval, region) by a name prefix, and a
source is any other column holding numbers.
"""

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

DELIMITERS = "|;,\t"
MISSING = {"", "-", "–", "—", "..", "n/a", "na", "nan"}
COUNTRY = re.compile(r"^(country|territory)\b", re.IGNORECASE)
ISO3 = re.compile(r"^iso\s*-?\s*(3|alpha-?3)?\b(\s*code)?", re.IGNORECASE)
NUMERIC_METADATA = re.compile(
    r"^(cpi score|cpi|score|rank|standard error|se|number of sources|sources"
    r"|lower ci|upper ci|lower|upper)\b",
    re.IGNORECASE,
)
TEXT_METADATA = re.compile(r"^region\b", re.IGNORECASE)
NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


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
        raise ValueError(f"line {line}: {column!r} is not a number: {text!r}")
    return float(text.replace(",", "."))  # a decimal comma, as `;`-separated European files write it


def is_number(text: str) -> bool:
    return bool(NUMBER.match(text.strip()))


def read_text(path_or_text: str | os.PathLike) -> str:
    """A path, or the table's text itself (any string with a line break)."""
    if isinstance(path_or_text, str) and "\n" in path_or_text:
        return path_or_text.removeprefix("\ufeff")
    return Path(path_or_text).read_text(encoding="utf-8-sig")


def sniff_delimiter(header: str) -> str | None:
    counts = {d: header.count(d) for d in DELIMITERS}
    delimiter = max(counts, key=counts.get)
    return delimiter if counts[delimiter] else None


def split(line: str, delimiter: str) -> list[str]:
    return [f.strip() for f in next(csv.reader([line], delimiter=delimiter), [])]


def is_header(line: str) -> bool:
    fields = split(line, sniff_delimiter(line) or ",")
    return any(COUNTRY.search(f) for f in fields) and any(ISO3.search(f) for f in fields)


def read_records(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank records with their line numbers; title lines above the header skipped."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if is_header(line)), None)
    if start is None:
        raise ValueError("no header line naming a country and an ISO3 column")
    reader = csv.reader(io.StringIO("".join(lines[start:])), delimiter=sniff_delimiter(lines[start]))
    header = [h.strip() for h in next(reader)]
    records = []
    for fields in reader:
        line = start + reader.line_num
        if any(f.strip() for f in fields):
            if len(fields) != len(header):
                raise ValueError(f"line {line}: {len(fields)} fields, the header has {len(header)}")
            records.append((line, fields))
    return header, records


def find_column(header: list[str], pattern: re.Pattern) -> int:
    return next(i for i, h in enumerate(header) if pattern.search(h))  # `is_header` saw one


def source_columns(header: list[str], records: list[tuple[int, list[str]]], skip: set[int]) -> list[int]:
    """Columns that are not metadata and hold at least one number (a text-only column is a note)."""
    return [
        i
        for i, h in enumerate(header)
        if i not in skip
        and not (NUMERIC_METADATA.search(h) or TEXT_METADATA.search(h))
        and any(is_number(fields[i]) for _, fields in records)
    ]


def read_wide_table(path_or_text: str | os.PathLike) -> WideTable:
    header, records = read_records(read_text(path_or_text))
    country_at, iso3_at = find_column(header, COUNTRY), find_column(header, ISO3)
    sources = source_columns(header, records, {country_at, iso3_at})
    metadata = [i for i in range(len(header)) if i not in sources and i not in (country_at, iso3_at)]
    rows, seen = [], {}
    for line, fields in records:
        iso3 = fields[iso3_at].strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", iso3):
            raise ValueError(f"line {line}: missing or malformed ISO3 code {iso3!r}")
        if iso3 in seen:
            raise ValueError(f"line {line}: {iso3} again (first on line {seen[iso3]})")
        seen[iso3] = line
        for i in metadata:
            if NUMERIC_METADATA.search(header[i]):
                parse_number(fields[i], line, header[i])
        scores = {header[i]: parse_number(fields[i], line, header[i]) for i in sources}
        rows.append(
            WideRow(line, iso3, fields[country_at].strip(), scores, {header[i]: fields[i] for i in metadata})
        )
    return WideTable(tuple(header[i] for i in sources), tuple(header[i] for i in metadata), tuple(rows))


# The time series ----------------------------------------------------------------------------------

YEAR_COLUMN = re.compile(r"^(?P<field>.*?)\s*(?P<year>(19|20)\d\d)$")
FIELDS = {
    "cpi score": "score",
    "score": "score",
    "rank": "rank",
    "sources": "sources",
    "number of sources": "sources",
    "standard error": "se",
}


@dataclass(frozen=True)
class YearScore:
    iso3: str
    country: str
    year: int
    score: int
    rank: int | None  # TI's time series has no rank before 2017
    sources: int | None
    se: float | None


def year_columns(metadata: tuple[str, ...]) -> dict[int, dict[str, str]]:
    """{year: {field: header}} for headers like "CPI Score 2013" or "Standard error 2022"."""
    years: dict[int, dict[str, str]] = {}
    for header in metadata:
        match = YEAR_COLUMN.match(header)
        if match and (field := FIELDS.get(" ".join(match["field"].casefold().split()))):
            years.setdefault(int(match["year"]), {})[field] = header
    return years


def read_timeseries(path_or_text: str | os.PathLike) -> dict[tuple[str, int], YearScore]:
    """Score, rank, number of sources and SE per (ISO3, year); years a country was not scored are absent."""
    table = read_wide_table(path_or_text)
    if table.sources:
        raise ValueError(f"header: not a time series: unexpected columns {', '.join(table.sources)}")
    series = {}
    for year, columns in sorted(year_columns(table.metadata).items()):
        if "score" not in columns:
            raise ValueError(f"header: no score column for {year}")
        for row in table.rows:
            value = {f: parse_number(row.metadata[h], row.line, h) for f, h in columns.items()}
            if value["score"] is None:
                continue
            series[row.iso3, year] = YearScore(
                row.iso3,
                row.country,
                year,
                whole(value["score"], row.line, columns["score"]),
                whole(value.get("rank"), row.line, columns.get("rank")),
                whole(value.get("sources"), row.line, columns.get("sources")),
                value.get("se"),
            )
    return series


def whole(x: float | None, line: int, column: str | None) -> int | None:
    if x is None:
        return None
    if x != int(x):
        raise ValueError(f"line {line}: {column!r} should be a whole number, not {x}")
    return int(x)
