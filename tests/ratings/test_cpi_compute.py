"""`manage.py cpi_compute` reproduces every published figure of CPI 2023 from its source scores."""

import csv
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from adal.stats.tables import read_wide_table
from tests.ratings.conftest import CPI_2023

HEADER = ["iso3", "country", "score", "se", "ci_low", "ci_high", "rank", "sources"]


def compute(path, *options) -> list[dict]:
    out = io.StringIO()
    call_command("cpi_compute", str(path), *options, stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == HEADER
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


def assert_reproduces_2023(rows: list[dict]) -> None:
    published = {r.iso3: r for r in read_wide_table(CPI_2023).rows}
    assert len(rows) == len(published) == 180
    for row in rows:
        p = published[row["iso3"]]
        assert row["country"] == p.country
        assert (int(row["score"]), int(row["rank"]), int(row["sources"])) == (
            p.published("CPI score"),
            p.published("Rank"),
            p.published("Number of sources"),
        ), row["iso3"]
        assert float(row["se"]) == pytest.approx(p.published("Standard error"), abs=1e-5), row["iso3"]
        assert float(row["ci_low"]) == pytest.approx(p.published("Lower CI"), abs=1e-4), row["iso3"]
        assert float(row["ci_high"]) == pytest.approx(p.published("Upper CI"), abs=1e-4), row["iso3"]


def test_the_2023_file_is_reproduced(db):
    assert_reproduces_2023(compute(CPI_2023, "--year", "2023"))


def test_the_year_is_read_from_the_header_when_not_given(db):
    assert_reproduces_2023(compute(CPI_2023))


def test_se_and_intervals_are_printed_unrounded(db):
    kaz = next(r for r in compute(CPI_2023) if r["iso3"] == "KAZ")
    assert kaz["se"].startswith("3.19581105")  # TI publishes 3.195811
    assert len(kaz["ci_low"]) > 10


def test_rows_come_by_rank(db):
    rows = compute(CPI_2023)
    assert [r["iso3"] for r in rows[:3]] == ["DNK", "FIN", "NZL"]
    assert [int(r["rank"]) for r in rows] == sorted(int(r["rank"]) for r in rows)


def sources_only(tmp_path, delimiter: str, decimal: str = ".") -> str:
    """The 2023 table cut to name, ISO3 and the 13 sources, re-separated: what the command is for."""
    lines = CPI_2023.read_text(encoding="utf-8").splitlines()
    keep = [0, 1, *range(9, 22)]
    text = "\n".join(delimiter.join(line.split("|")[i].replace(".", decimal) for i in keep) for line in lines)
    path = tmp_path / "sources.csv"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def test_a_semicolon_table_with_decimal_commas(db, tmp_path):
    assert_reproduces_2023(compute(sources_only(tmp_path, ";", ","), "--year", "2023"))


def test_a_workbook(db, tmp_path):
    book = openpyxl.Workbook()
    for line in CPI_2023.read_text(encoding="utf-8").splitlines():
        book.active.append([float(f) if f[:1].isdigit() else f for f in line.split("|")])
    path = tmp_path / "cpi.xlsx"
    book.save(path)
    assert_reproduces_2023(compute(path, "--year", "2023"))


def test_z_and_fpc_override_the_years_method(db, tmp_path):
    path = sources_only(tmp_path, "|")
    dnk = next(r for r in compute(path, "--year", "2023", "--z", "2") if r["iso3"] == "DNK")
    assert float(dnk["ci_low"]) == pytest.approx(90 - 2 * 1.819265, abs=1e-5)
    plain = next(r for r in compute(path, "--year", "2023", "--fpc", "none") if r["iso3"] == "DNK")
    assert float(plain["se"]) == pytest.approx(1.819265 / (5 / 12) ** 0.5, abs=1e-5)
    assert_reproduces_2023(compute(path, "--z", "1.64", "--fpc", "13"))


def test_a_table_without_a_year_needs_one(db, tmp_path):
    with pytest.raises(CommandError, match="give --year"):
        compute(sources_only(tmp_path, "|"))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--year", "2011"], "from 2012 on"),
        (["--year", "2023", "--fpc", "x"], "--fpc takes"),
        (["--year", "2023", "--z", "-1"], "--z must be positive"),
    ],
)
def test_bad_options(db, tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        compute(sources_only(tmp_path, "|"), *options)


def test_a_bad_file_names_its_rows(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Country,ISO3,EIU,PRS,WJP\nChad,TCD,x,20,21\nFiji,FJ,50,50,50\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        compute(path, "--year", "2023")
    assert str(caught.value) == (
        "Line 2: “EIU” is not a number: “x”.\nLine 3: “FJ” is not a three-letter ISO3 country code."
    )
    with pytest.raises(CommandError, match="Cannot read"):
        compute(tmp_path / "missing.csv", "--year", "2023")
