"""The pure readers the importers stand on (adal.stats.tables): every fault collected, results with
what TI's method fixes filled in, and workbooks read like text."""

import io

import openpyxl
import pytest

from adal.stats.tables import Problems, TableError, read_results, read_wide_table, with_derived

HEADER = "Country|ISO3|CPI score 2023|Rank|EIU|WJP"


def test_every_fault_is_collected_in_file_order():
    text = f"{HEADER}\nChad|TCD|20|1|x|30\nFiji|FJ|50|2|50|50\nPeru|PER|33|3|30\nChad|TCD|20|1|20|20\n"
    with pytest.raises(TableError) as caught:
        read_wide_table(text)
    assert [(p.code, p.line) for p in caught.value.problems] == [
        ("fields", 4),
        ("not_a_number", 2),
        ("iso3", 3),
        ("duplicate", 5),
    ]


def test_with_a_collector_the_good_rows_come_back():
    problems = Problems()
    table = read_wide_table(
        f"{HEADER}\nChad|TCD|20|1|x|30\nFiji|FJ|50|2|50|50\nPeru|PER|33|3|30|31\n", problems
    )
    assert [r.iso3 for r in table.rows] == ["TCD", "PER"]
    assert table.rows[0].scores == {"EIU": None, "WJP": 30.0}
    assert [p.code for p in problems.found] == ["not_a_number", "iso3"]


def test_unsuffixed_columns_belong_to_the_stated_year():
    results = read_results("Country|ISO3|CPI score 2023|Rank|Lower CI|Upper CI\nDenmark|DNK|90|1|87|93\n")
    dnk = results["DNK", 2023]
    assert (dnk.score, dnk.rank, dnk.ci_low, dnk.ci_high, dnk.line) == (90, 1, 87.0, 93.0, 2)
    with pytest.raises(TableError, match="year of the table is not stated"):
        read_results("Country|ISO3|Score|Rank\nDenmark|DNK|90|1\n")
    assert read_results("Country|ISO3|Score|Rank\nDenmark|DNK|90|1\n", year=2020)["DNK", 2020].rank == 1


def test_the_size_of_a_ranking_only_where_the_table_holds_all_of_it():
    whole = read_results("Country|ISO3|CPI score 2023|Rank\nA|AAA|90|1\nB|BBB|90|1\nC|CCC|80|3\n")
    assert {r.countries for r in with_derived(whole).values()} == {3}
    part = read_results("Country|ISO3|CPI score 2023|Rank\nA|AAA|90|1\nC|CCC|39|93\n")
    assert {r.countries for r in with_derived(part).values()} == {None}


def test_intervals_are_computed_with_the_years_z_only_where_missing():
    results = with_derived(read_results("Country|ISO3|CPI score 2014|Standard error 2014\nA|AAA|50|2\n"))
    a = results["AAA", 2014]
    assert (a.ci_low, a.ci_high, a.derived) == (pytest.approx(46.7), pytest.approx(53.3), frozenset({"ci"}))


def test_a_workbook_with_a_title_row_and_empty_trailing_columns():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["CPI 2023: global results"])
    sheet.append(["Country", "ISO3", "CPI score 2023", "Rank", None, None])
    sheet.append(["Kazakhstan", "KAZ", 39, 93, None, None])
    sheet.append([None, None, None, None])
    sheet.append(["Denmark", "DNK", 90.0, 1])
    out = io.BytesIO()
    book.save(out)
    results = read_results(out.getvalue())
    assert (results["KAZ", 2023].rank, results["KAZ", 2023].line) == (93, 3)
    assert results["DNK", 2023].score == 90
