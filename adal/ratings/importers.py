"""Reading publishers' files into figures ready to store, with every fault found and worded for people.

Three formats: TI's results-and-trends tables (one year's results, the time series, or both in one
sheet), TI's source-level tables (a score per source; the index's figures recomputed by the TI CPI
engine and checked against any published beside them), and a generic long table for any other index
(one row per country and year). Nothing here writes: `parse_import` returns the figures or raises
`ImportInvalid` with one error per fault, so an import either goes in whole or not at all.
"""

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from adal.ratings.models import Country, Index, Method, RatingImport
from adal.stats.composite import FIRST_YEAR, composite_scores, cpi_method
from adal.stats.tables import (
    XLSX_MAGIC,
    Problem,
    Problems,
    TableError,
    WideTable,
    decode,
    parse_number,
    read_records,
    read_wide_table,
    result_columns,
    results_of,
    sniff_delimiter,
    split,
    stated_year,
    whole,
    with_derived,
)

MAX_BYTES = 5 * 1024 * 1024
PLACES = Decimal("0.000001")  # six decimals: the most any publisher prints
LIMIT = Decimal(10) ** 6  # the fields hold six digits before the point
COUNTRIES_FILE = Path(__file__).parent / "data" / "countries.csv"
# Codes publishers use for a country that ISO 3166 codes otherwise: TI writes KSV for Kosovo; the World
# Bank's older files write ADO, ROM, ZAR, TMP and WBG.
ISO3_ALIASES = {"KSV": "XKX", "ADO": "AND", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "WBG": "PSE"}
GENERIC_COLUMNS = (
    "iso3",
    "country",
    "year",
    "score",
    "rank",
    "countries",
    "se",
    "ci_low",
    "ci_high",
    "sources",
    "note",
)
ISO3 = re.compile(r"[A-Z]{3}")
GENERIC_NUMBERS = ("score", "se", "ci_low", "ci_high")
GENERIC_WHOLE = ("year", "rank", "countries", "sources")


@dataclass(frozen=True)
class RowError:
    line: int | None  # None: the file as a whole
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class ImportInvalid(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.line is not None, e.line or 0))
        super().__init__("; ".join(str(e) for e in self.errors))


@dataclass
class Figures:
    """One country's figures for one year, as they will be stored."""

    line: int
    iso3: str  # as written in the file
    year: int
    score: Decimal
    rank: int | None = None
    countries: int | None = None
    se: Decimal | None = None
    ci_low: Decimal | None = None
    ci_high: Decimal | None = None
    sources: int | None = None
    derived: list[str] = field(default_factory=list)
    note: str = ""
    source_scores: dict[str, Decimal] | None = None  # None: the stored source scores stay as they are
    country: Country | None = None


STORED_FIELDS = ("score", "rank", "countries", "se", "ci_low", "ci_high", "sources", "derived", "note")


def differs(f: Figures, stored) -> bool:
    """Whether the figures would change the stored value."""
    return any(getattr(f, name) != getattr(stored, name) for name in STORED_FIELDS)


def shipped_countries() -> list[dict[str, str]]:
    with COUNTRIES_FILE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- wording the table's problems


def problem_error(p: Problem) -> RowError:
    messages = {
        "empty": _("The file is empty."),
        "encoding": _(
            "The file cannot be read as text: save it as CSV in UTF-8 encoding, or as an Excel workbook."
        ),
        "workbook": _("The Excel workbook cannot be read; it may be damaged."),
        "no_header": _("No header line names a country column and an ISO3 column."),
        "fields": _("%(count)s fields where the header has %(expected)s."),
        "not_a_number": _("“%(column)s” is not a number: “%(value)s”."),
        "not_whole": _("“%(column)s” must be a whole number, not %(value)s."),
        "iso3": _("“%(value)s” is not a three-letter ISO3 country code."),
        "duplicate": _("%(value)s appears again (first on line %(expected)s)."),
        "no_score": _("The table has columns for %(value)s but no score column for that year."),
        "no_year": _("The table does not state its year: give the year."),
        "not_timeseries": _("Unexpected columns: %(value)s."),
    }
    params = {"column": p.column, "value": p.value, "expected": p.expected, "count": p.value}
    return RowError(p.line, messages[p.code] % params)


# ---------------------------------------------------------------- numbers


def shown(x: Decimal) -> str:
    """A decimal as people write it, in their language: 100, not 1E+2 or 100.000000."""
    return formats.localize(Decimal(f"{x.normalize():f}"))


def figure(x: float | Decimal | None) -> Decimal | None:
    """A number as stored: the shortest decimal that reads back as the float, to six places."""
    if x is None:
        return None
    return (x if isinstance(x, Decimal) else Decimal(repr(x))).quantize(PLACES)


# ---------------------------------------------------------------- the three formats


def require_ti_method(index: Index) -> None:
    if index.method != Method.TI_CPI:
        raise ImportInvalid(
            [RowError(None, _("TI's tables are for an index computed by the TI CPI method."))]
        )


def parse_ti_results(index: Index, content: bytes, year: int | None, problems: Problems) -> list[Figures]:
    require_ti_method(index)
    table = read_wide_table(content, problems)
    results = with_derived(results_of(table, year, problems))
    return [
        Figures(
            line=r.line,
            iso3=r.iso3,
            year=r.year,
            score=figure(r.score),
            rank=r.rank,
            countries=r.countries,
            se=figure(r.se),
            ci_low=figure(r.ci_low),
            ci_high=figure(r.ci_high),
            sources=r.sources,
            derived=sorted(r.derived),
        )
        for r in sorted(results.values(), key=lambda r: (r.year, r.line))
    ]


def parse_ti_sources(
    index: Index, content: bytes, year: int | None, problems: Problems, errors: list[RowError]
) -> list[Figures]:
    require_ti_method(index)
    table = read_wide_table(content, problems)
    year = year or stated_year(table.metadata)
    if year is None:
        raise ImportInvalid([RowError(None, _("The table does not state its year: give the year."))])
    if year < FIRST_YEAR:
        raise ImportInvalid(
            [RowError(None, _("The TI CPI method applies from %(year)s on.") % {"year": FIRST_YEAR})]
        )
    if not table.sources:
        raise ImportInvalid([RowError(None, _("The table has no source columns."))])
    faulty = {p.line for p in problems.found}  # a row with a bad cell would be scored on fewer sources
    rows = [r for r in scorable_rows(table, errors) if r.line not in faulty]
    params = cpi_method(year)
    computed = {c.iso3: c for c in composite_scores([(r.iso3, r.country, r.scores) for r in rows], params)}
    has_published = any(result_columns(table.metadata, year).values())
    published = results_of(table, year, problems) if has_published else {}
    # Ranks are compared only when every row is scored: one left out would shift the ranks below it.
    compared = ("score", "sources", "rank") if len(rows) == len(table.rows) else ("score", "sources")
    figures = []
    for row in rows:
        c = computed[row.iso3]
        p = published.get((row.iso3, year))
        mismatch = p and disagreement(p, c, compared)
        if mismatch:
            errors.append(RowError(row.line, mismatch))
            continue
        given = {"se": p and p.se, "ci": p and p.ci_low, "rank": p and p.rank}
        derived = [name for name, value in given.items() if value is None]
        figures.append(
            Figures(
                line=row.line,
                iso3=row.iso3,
                year=year,
                score=figure(c.score),
                rank=p.rank if p and p.rank is not None else c.rank,
                countries=len(table.rows),
                se=figure(p.se if p and p.se is not None else c.se),
                ci_low=figure(p.ci_low if p and p.ci_low is not None else c.ci_low),
                ci_high=figure(p.ci_high if p and p.ci_high is not None else c.ci_high),
                sources=c.sources,
                derived=sorted(derived),
                source_scores={s: figure(v) for s, v in row.scores.items() if v is not None},
            )
        )
    return figures


def scorable_rows(table: WideTable, errors: list[RowError]) -> list:
    """Rows whose source scores are on the 0–100 scale and number at least three."""
    rows = []
    for row in table.rows:
        bad = [s for s, v in row.scores.items() if v is not None and not 0 <= v <= 100]
        for source in bad:
            errors.append(
                RowError(
                    row.line,
                    _("“%(source)s” is %(value)s, outside the 0–100 scale.")
                    % {"source": source, "value": shown(figure(row.scores[source]))},
                )
            )
        k = sum(v is not None for v in row.scores.values())
        if k < 3:
            errors.append(RowError(row.line, _("%(n)s sources: a score needs at least 3.") % {"n": k}))
        elif not bad:
            rows.append(row)
    return rows


def disagreement(published, computed, compared: tuple[str, ...]) -> str:
    """Why the published figures do not follow from the sources, or "" when they do."""
    messages = {
        "score": _("The published score is %(published)s, but the sources give %(computed)s."),
        "rank": _("The published rank is %(published)s, but the sources give %(computed)s."),
        "sources": _("The published number of sources is %(published)s, but the file has %(computed)s."),
    }
    for name in compared:
        message, p, c = messages[name], getattr(published, name), getattr(computed, name)
        if p is not None and p != c:
            return message % {"published": p, "computed": c}
    return ""


def is_generic_header(fields: list[str]) -> bool:
    names = {f.strip().casefold() for f in fields}
    return "iso3" in names and "score" in names


def parse_generic(
    index: Index, content: bytes, year: int | None, problems: Problems, errors: list[RowError]
) -> list[Figures]:
    try:
        header, records = read_records(content, problems, is_generic_header)
    except TableError as error:
        if [p.code for p in error.problems] != ["no_header"]:
            raise
        header, records = first_line_header(content), []
    names = [h.strip().casefold() for h in header]
    required = ["iso3", "score"] + ([] if year else ["year"])
    missing = [c for c in required if c not in names]
    unknown = [h for h, n in zip(header, names, strict=True) if n and n not in GENERIC_COLUMNS]
    if missing or unknown:
        raise ImportInvalid(column_errors(missing, unknown))
    at = {n: i for i, n in enumerate(names) if n}
    figures, seen = [], {}
    for line, fields in records:
        cell = {n: fields[i].strip() for n, i in at.items()}
        numbers = {
            n: problems.check(parse_number, cell[n], line, header[at[n]]) for n in GENERIC_NUMBERS if n in at
        }
        counts = {
            n: problems.check(whole_number, cell[n], line, header[at[n]]) for n in GENERIC_WHOLE if n in at
        }
        iso3 = cell["iso3"].upper()
        if not ISO3.fullmatch(iso3):
            problems.add(Problem("iso3", line, value=cell["iso3"]))
            continue
        row_year = counts.get("year") or (year if "year" not in at else None)
        if row_year is None:
            if "year" in at and not cell["year"]:
                errors.append(RowError(line, _("The year is missing.")))
            continue
        if numbers["score"] is None:
            if not cell["score"]:
                errors.append(RowError(line, _("The score is missing.")))
            continue
        if (iso3, row_year) in seen:
            problems.add(
                Problem("duplicate", line, value=f"{iso3} {row_year}", expected=seen[iso3, row_year])
            )
            continue
        seen[iso3, row_year] = line
        figures.append(
            Figures(
                line=line,
                iso3=iso3,
                year=row_year,
                score=figure(numbers["score"]),
                rank=counts.get("rank"),
                countries=counts.get("countries"),
                se=figure(numbers.get("se")),
                ci_low=figure(numbers.get("ci_low")),
                ci_high=figure(numbers.get("ci_high")),
                sources=counts.get("sources"),
                note=cell.get("note", "")[:500],
            )
        )
    return figures


def whole_number(text: str, line: int, column: str) -> int | None:
    return whole(parse_number(text, line, column), line, column)


def first_line_header(content: bytes) -> list[str]:
    """The first non-blank line's fields: what a generic table that lacks its key columns has for a header."""
    text = "" if content.startswith(XLSX_MAGIC) else decode(content)
    line = next((line for line in text.splitlines() if line.strip()), "")
    return split(line, sniff_delimiter(line) or ",") if line else []


def column_errors(missing: list[str], unknown: list[str]) -> list[RowError]:
    errors = []
    if missing:
        errors.append(RowError(None, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}))
    if unknown:
        errors.append(
            RowError(
                None,
                _("Unknown columns: %(columns)s. A generic table has the columns %(known)s.")
                % {"columns": ", ".join(unknown), "known": ", ".join(GENERIC_COLUMNS)},
            )
        )
    return errors


# ---------------------------------------------------------------- checks of the figures themselves


def check_figures(index: Index, figures: list[Figures], errors: list[RowError]) -> None:
    """Countries known, years the index covers, numbers on its scale; sets each figure's country."""
    countries = {c.iso3: c for c in Country.objects.all()}
    this_year = timezone.localdate().year
    for f in figures:
        f.country = countries.get(ISO3_ALIASES.get(f.iso3, f.iso3)) or countries.get(f.iso3)
        for message in figure_faults(index, f, this_year):
            errors.append(RowError(f.line, message))


def figure_faults(index: Index, f: Figures, this_year: int) -> list[str]:
    faults = []
    if f.country is None:
        faults.append(
            _("Unknown country code %(iso3)s: add the country in the administration first.")
            % {"iso3": f.iso3}
        )
    if f.year > this_year or (index.first_year and f.year < index.first_year):
        faults.append(_("%(index)s has no edition for %(year)s.") % {"index": index.name, "year": f.year})
    elif index.last_year and f.year > index.last_year:
        faults.append(
            _("%(index)s was discontinued after %(last)s; %(year)s cannot be imported.")
            % {"index": index.name, "last": index.last_year, "year": f.year}
        )
    numbers = {"score": f.score, "se": f.se, "ci_low": f.ci_low, "ci_high": f.ci_high}
    if any(x is not None and abs(x) >= LIMIT for x in numbers.values()):
        return [*faults, _("A number is too large.")]
    if not index.scale_min <= f.score <= index.scale_max:
        faults.append(
            _("The score %(score)s is outside the scale %(min)s–%(max)s.")
            % {
                "score": shown(f.score),
                "min": shown(index.scale_min),
                "max": shown(index.scale_max),
            }
        )
    faults += rank_faults(f)
    if f.se is not None and f.se < 0:
        faults.append(_("The standard error cannot be negative."))
    if (f.ci_low is None) != (f.ci_high is None):
        faults.append(_("Give both bounds of the interval, or neither."))
    elif f.ci_low is not None and f.ci_low > f.ci_high:
        faults.append(_("The lower bound of the interval is above the upper one."))
    return faults


def rank_faults(f: Figures) -> list[str]:
    faults = []
    if f.rank is not None and f.rank < 1:
        faults.append(_("The rank cannot be %(value)s.") % {"value": f.rank})
    if f.countries is not None and f.countries < 1:
        faults.append(_("The number of countries cannot be %(value)s.") % {"value": f.countries})
    if f.sources is not None and f.sources < 0:
        faults.append(_("The number of sources cannot be %(value)s.") % {"value": f.sources})
    if f.rank and f.countries and f.rank > f.countries:
        faults.append(
            _("Rank %(rank)s of only %(countries)s countries.") % {"rank": f.rank, "countries": f.countries}
        )
    return faults


# ---------------------------------------------------------------- the whole of it


def parse_import(*, index: Index, fmt: str, content: bytes, year: int | None = None) -> list[Figures]:
    """The figures of a file, each with its country; or `ImportInvalid` with every fault found."""
    if not content:
        raise ImportInvalid([RowError(None, _("The file is empty."))])
    if len(content) > MAX_BYTES:
        raise ImportInvalid(
            [RowError(None, _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})]
        )
    problems, errors = Problems(), []
    try:
        if fmt == RatingImport.Format.TI_RESULTS:
            figures = parse_ti_results(index, content, year, problems)
        elif fmt == RatingImport.Format.TI_SOURCES:
            figures = parse_ti_sources(index, content, year, problems, errors)
        elif fmt == RatingImport.Format.GENERIC:
            figures = parse_generic(index, content, year, problems, errors)
        else:
            raise ImportInvalid([RowError(None, _("Choose the format of the file."))])
    except TableError as error:
        raise ImportInvalid([problem_error(p) for p in error.problems]) from None
    check_figures(index, figures, errors)
    errors += [problem_error(p) for p in problems.found]
    if errors:
        raise ImportInvalid(errors)
    if not figures:
        raise ImportInvalid([RowError(None, _("The file holds no scores."))])
    return figures
