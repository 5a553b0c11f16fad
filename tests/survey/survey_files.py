"""Microdata files for the survey's tests: the same rows written as CSV, XLSX or SPSS .sav."""

import csv
import io

import numpy as np
import openpyxl

from adal.demo.survey import ADULTS, microdata

HEADER = [
    "region",
    "sex",
    "age",
    "settlement",
    "psu",
    "weight",
    "sector",
    "q1_prevalence",
    "q2_trend",
    "q3_asked",
    "q4_paid",
    "q5_would_report",
    "q6_knows_where",
    "q7_trust_agency",
    "q8_trust_councils",
]
GOOD = [
    ["150000000", "1", "34", "1", "A1", "812.5", "2", "2", "3", "1", "1", "2", "1", "3", "4"],
    ["150000000", "2", "61", "1", "A1", "640", "0", "3", "2", "", "", "1", "1", "9", "5"],
    ["750000000", "2", "45", "1", "B7", "1210.25", "7", "1", "1", "2", "2", "4", "2", "1", "2"],
    ["430000000", "1", "18", "2", "C3", "455", "3", "4", "9", "1", "9", "3", "1", "5", "3"],
    ["630000000", "2", "110", "2", "D1", "399.75", "1", "9", "2", "2", "2", "9", "2", "2", "1"],
]


def csv_bytes(rows, header=HEADER, delimiter=",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode()


def _cell(text: str):
    if text == "":
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sav_bytes(rows, header=HEADER, tmp_path=None) -> bytes:
    """SPSS keeps numbers as numbers; text columns (psu, or a bad cell) as text."""
    import pandas as pd
    import pyreadstat

    columns = {}
    for i, name in enumerate(header):
        values = [r[i] for r in rows]
        numeric = all(_is_number(v) for v in values)
        columns[name] = [float(v) if v != "" else np.nan for v in values] if numeric else values
    path = tmp_path / "data.sav"
    pyreadstat.write_sav(pd.DataFrame(columns), str(path))
    return path.read_bytes()


def _is_number(text: str) -> bool:
    if text == "":
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


def generated_rows(*, seed: int = 7, psus: int = 4, per_psu: int = 30) -> list[list[str]]:
    """A wave's worth of synthetic respondents from the demo's generator, as text rows of HEADER."""
    rng = np.random.default_rng(seed)
    regions = sorted(ADULTS)
    table = microdata(rng, regions, np.full(len(regions), 50.0), psus=psus, per_psu=per_psu)
    index = [table[0].index(c) for c in HEADER]
    return [[str(row[i]) for i in index] for row in table[1:]]
