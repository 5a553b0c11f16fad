import pytest

from adal.stats.composite import competition_ranks
from adal.stats.tables import read_timeseries, read_wide_table

SOURCES_2023 = (
    "African Development Bank CPIA",
    "Bertelsmann Foundation Sustainable Governance Index",
    "Bertelsmann Foundation Transformation Index",
    "Economist Intelligence Unit Country Ratings",
    "Freedom House Nations in Transit",
    "Global Insights Country Risk Ratings",
    "IMD World Competitiveness Yearbook",
    "PERC Asia Risk Guide",
    "PRS International Country Risk Guide",
    "Varieties of Democracy Project",
    "World Bank CPIA",
    "World Economic Forum EOS",
    "World Justice Project Rule of Law Index",
)


def test_the_2023_file_has_13_sources_and_180_countries(cpi_2023):
    assert cpi_2023.sources == SOURCES_2023
    assert cpi_2023.metadata == (
        "Region",
        "CPI score 2023",
        "Rank",
        "Standard error",
        "Number of sources",
        "Lower CI",
        "Upper CI",
    )
    assert len(cpi_2023.rows) == 180
    kaz = next(r for r in cpi_2023.rows if r.iso3 == "KAZ")
    assert (kaz.country, kaz.published("cpi score"), kaz.metadata["Region"]) == ("Kazakhstan", 39, "ECA")
    assert sum(v is not None for v in kaz.scores.values()) == kaz.published("Number of sources")
    assert kaz.scores["Freedom House Nations in Transit"] is not None
    assert kaz.scores["IMD World Competitiveness Yearbook"] is not None


def as_delimited(path, delimiter, decimal="."):
    """The 2023 table rewritten with another separator (quoting what contains it)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = [f.replace(".", decimal) for f in line.split("|")]
        lines.append(delimiter.join(f'"{f}"' if delimiter in f else f for f in fields))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("delimiter", "decimal"), [(",", "."), (";", "."), (";", ","), ("\t", ".")])
def test_the_separator_is_sniffed(cpi_2023, cpi_2023_path, delimiter, decimal):
    table = read_wide_table(as_delimited(cpi_2023_path, delimiter, decimal))
    assert table.sources == cpi_2023.sources
    assert table.source_rows() == cpi_2023.source_rows()


def test_commas_inside_quoted_country_names(timeseries_path):
    table = read_wide_table(timeseries_path)
    assert {r.iso3: r.country for r in table.rows}["PRK"] == "Korea, North"


def test_drifted_headers_and_title_lines():
    text = (
        "Corruption Perceptions Index 2023: country scores\n"
        "\n"
        "Country;ISO3;CPI Score 2023;Rank 2023;Standard Error;Sources;Notes;EIU;PRS ICRG;WJP\n"
        "Kazakhstan;kaz;39;93;1,5;3;new method;40,1;38;39\n"
        "Denmark;DNK;90;1;2;3;;91;89;90\n"
    )
    table = read_wide_table(text)
    assert table.sources == ("EIU", "PRS ICRG", "WJP")
    assert table.metadata == ("CPI Score 2023", "Rank 2023", "Standard Error", "Sources", "Notes")
    assert table.source_rows()[0] == ("KAZ", "Kazakhstan", {"EIU": 40.1, "PRS ICRG": 38.0, "WJP": 39.0})
    assert (table.rows[0].line, table.rows[1].line) == (4, 5)
    assert table.rows[0].published("Standard error") == 1.5


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("Chad|TCD|20|x|30", r"line 3: 'EIU' is not a number: 'x'"),
        ("Chad||20|20|30", r"line 3: missing or malformed ISO3"),
        ("Chad|TC|20|20|30", r"line 3: missing or malformed ISO3 code 'TC'"),
        ("Chad|TCD|20|20", r"line 3: 4 fields, the header has 5"),
        ("Chad|TCD|twenty|20|30", r"line 3: 'CPI score 2023' is not a number"),
        ("Chad|DNK|20|20|30", r"line 3: DNK again \(first on line 2\)"),
    ],
)
def test_a_bad_row_is_named_by_its_line(bad_line, message):
    header = "Country / Territory|ISO3|CPI score 2023|EIU|WJP"
    text = f"{header}\nDenmark|DNK|90|91|89\n{bad_line}\nFiji|FJI|50|50|50\n"
    with pytest.raises(ValueError, match=message):
        read_wide_table(text)


def test_a_table_without_country_and_iso3_columns_is_refused():
    with pytest.raises(ValueError, match="no header line naming a country and an ISO3 column"):
        read_wide_table("Country,EIU,WJP\nDenmark,91,89\n")
    with pytest.raises(ValueError, match="no header line"):
        read_wide_table("Name,ISO3,EIU,WJP\nDenmark,DNK,91,89\n")


def test_the_timeseries_reads_every_year_despite_drifting_headers(timeseries_path):
    series = read_timeseries(timeseries_path)
    assert {year for _, year in series} == set(range(2012, 2023))
    afg_2022, afg_2013 = series["AFG", 2022], series["AFG", 2013]
    assert (afg_2022.score, afg_2022.rank, afg_2022.sources, afg_2022.se) == (24, 150, 4, 6.299999)
    assert (afg_2013.score, afg_2013.rank, afg_2013.sources, afg_2013.se) == (8, None, 3, 3.3)  # "CPI Score"
    assert series["AFG", 2012].score == 8


def test_the_timeseries_has_ranks_from_2017_only(timeseries_path):
    series = read_timeseries(timeseries_path)
    assert all((p.rank is None) == (p.year < 2017) for p in series.values())


def test_the_timeseries_leaves_out_years_a_country_was_not_scored(timeseries_path):
    series = read_timeseries(timeseries_path)
    assert sorted(year for iso3, year in series if iso3 == "FJI") == [2021, 2022]
    assert ("BHS", 2015) not in series and ("BHS", 2014) in series
    assert sum(1 for _, year in series if year == 2022) == 180


@pytest.mark.parametrize("year", range(2017, 2023))
def test_published_ranks_are_competition_ranks(timeseries_path, year):
    points = [p for p in read_timeseries(timeseries_path).values() if p.year == year]
    assert [p.rank for p in points] == competition_ranks(p.score for p in points)


def test_the_2023_file_is_not_a_timeseries(cpi_2023_path):
    with pytest.raises(ValueError, match="not a time series"):
        read_timeseries(cpi_2023_path)
