"""Imports go in whole or not at all: good files of every format, and every kind of bad input reported
row by row with nothing stored."""

import io

import openpyxl
import pytest

from adal.core.models import AuditEvent
from adal.core.permissions import SYSTEM
from adal.ratings.importers import ImportInvalid
from adal.ratings.models import IndexValue, RatingImport, SourceScore
from adal.ratings.services import import_file, import_stage
from tests.ratings.conftest import CPI_2023, TIMESERIES, D, generic

RESULTS = RatingImport.Format.TI_RESULTS
SOURCES = RatingImport.Format.TI_SOURCES
GENERIC = RatingImport.Format.GENERIC


def load(index, fmt, content, year=None):
    return import_file(index=index, fmt=fmt, file_name="upload", content=content, year=year, by=SYSTEM)


def refused(index, fmt, content, year=None) -> list[tuple[int | None, str]]:
    """The errors of a refused import, after checking that nothing at all was stored."""
    with pytest.raises(ImportInvalid) as caught:
        load(index, fmt, content, year)
    assert not IndexValue.objects.exists()
    assert not SourceScore.objects.exists()
    assert not RatingImport.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="ratings.import").exists()
    return [(e.line, e.message) for e in caught.value.errors]


def value(index, iso3, year) -> IndexValue:
    return IndexValue.objects.get(index=index, country__iso3=iso3, year=year)


def as_workbook(text: str, delimiter: str = "|", title: str | None = None) -> bytes:
    """The table as an Excel workbook, numbers as numbers, with an optional title row above it."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    for line in text.splitlines():
        sheet.append([float(f) if f.replace(".", "", 1).isdigit() else f for f in line.split(delimiter)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- good files


def test_the_2023_results_go_in_as_published(cpi):
    batch = load(cpi, RESULTS, CPI_2023.read_bytes())
    assert batch.summary == {
        "values": 180,
        "created": 180,
        "updated": 0,
        "unchanged": 0,
        "years": [2023],
        "countries": 180,
        "source_scores": 0,
    }
    kaz = value(cpi, "KAZ", 2023)
    assert (kaz.score, kaz.rank, kaz.countries, kaz.sources) == (39, 93, 180, 9)
    assert (kaz.se, kaz.ci_low, kaz.ci_high) == (D("3.195811"), D("33.75887"), D("44.24113"))
    assert kaz.derived == []
    assert value(cpi, "XKX", 2023).country.name == "Kosovo"  # TI writes KSV


def test_the_time_series_keeps_its_gaps_and_computes_only_intervals(cpi):
    load(cpi, RESULTS, TIMESERIES.read_bytes())
    kaz_2012, kaz_2022 = value(cpi, "KAZ", 2012), value(cpi, "KAZ", 2022)
    assert (kaz_2012.score, kaz_2012.rank, kaz_2012.countries, kaz_2012.se) == (28, None, None, D("4.1"))
    assert (kaz_2022.score, kaz_2022.rank, kaz_2022.countries, kaz_2022.sources) == (36, 101, 180, 9)
    # No interval in the file: the score ± 1.645 SE, as TI computes it.
    assert (kaz_2022.ci_low, kaz_2022.ci_high) == (D("30.591730"), D("41.408270"))
    assert kaz_2022.derived == ["ci"]
    assert not IndexValue.objects.filter(country__iso3="FJI", year__lt=2021).exists()
    assert IndexValue.objects.filter(year=2022).count() == 180


def test_drifted_headers_title_lines_semicolons_and_decimal_commas(cpi):
    text = (
        "Corruption Perceptions Index: results\n"
        "\n"
        "Country;ISO3;CPI Score 2013;Standard Error 2013;CPI score 2017;Rank 2017\n"
        "Kazakhstan;kaz;26;3,3;31;122\n"
        "Denmark;DNK;91;2,2;88;2\n"
    )
    load(cpi, RESULTS, text.encode())
    assert value(cpi, "KAZ", 2013).se == D("3.3")
    assert value(cpi, "KAZ", 2017).rank == 122
    assert value(cpi, "DNK", 2013).score == 91


def test_a_results_workbook_reads_like_the_text(cpi):
    load(cpi, RESULTS, as_workbook(CPI_2023.read_text(encoding="utf-8"), title="CPI 2023"))
    kaz = value(cpi, "KAZ", 2023)
    assert (kaz.score, kaz.rank, kaz.se, kaz.ci_low) == (39, 93, D("3.195811"), D("33.75887"))
    assert IndexValue.objects.count() == 180


def test_utf16_text_as_excel_saves_it(cpi):
    text = "Country\tISO3\tCPI score 2023\tRank\nKazakhstan\tKAZ\t39\t93\n"
    load(cpi, RESULTS, text.encode("utf-16"))
    assert value(cpi, "KAZ", 2023).rank == 93


def test_source_scores_are_stored_and_the_figures_recomputed(cpi):
    batch = load(cpi, SOURCES, CPI_2023.read_bytes())
    assert batch.summary["source_scores"] == SourceScore.objects.count()
    kaz = value(cpi, "KAZ", 2023)
    scores = dict(kaz.source_scores.values_list("source", "score"))
    assert len(scores) == 9
    assert scores["World Justice Project Rule of Law Index"] == D("37.37735")
    assert (kaz.score, kaz.rank, kaz.countries, kaz.se) == (39, 93, 180, D("3.195811"))
    assert kaz.derived == []


def test_a_source_table_without_published_figures_gets_them_computed(cpi):
    lines = CPI_2023.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("|")
    keep = [i for i, h in enumerate(header) if i in (0, 1) or i >= 9]  # names, then the 13 sources only
    text = "\n".join("|".join(line.split("|")[i] for i in keep) for line in lines) + "\n"
    load(cpi, SOURCES, text.encode(), year=2023)
    kaz = value(cpi, "KAZ", 2023)
    assert (kaz.score, kaz.rank, kaz.sources) == (39, 93, 9)
    assert kaz.se == D("3.195811")  # 3.1958110571... to six places
    assert kaz.derived == ["ci", "rank", "se"]


def test_importing_again_changes_only_what_differs(cpi):
    load(cpi, RESULTS, CPI_2023.read_bytes())
    again = load(cpi, RESULTS, CPI_2023.read_bytes())
    assert (again.summary["created"], again.summary["updated"], again.summary["unchanged"]) == (0, 0, 180)
    revised = CPI_2023.read_text(encoding="utf-8").replace(
        "Kazakhstan|KAZ|ECA|39|93|3.195811|", "Kazakhstan|KAZ|ECA|39|93|3.2|"
    )
    third = load(cpi, RESULTS, revised.encode())
    assert (third.summary["updated"], third.summary["unchanged"]) == (1, 179)
    assert value(cpi, "KAZ", 2023).se == D("3.2")
    assert value(cpi, "KAZ", 2023).batch == third
    assert IndexValue.objects.count() == 180


def test_a_generic_table(gci):
    load(
        gci,
        GENERIC,
        generic(
            "ISO3,Country,Year,Score,Rank,Countries,Note", "KAZ,Kazakhstan,2019,62.9,55,141,WEF GCR 2019"
        ),
    )
    kaz = value(gci, "KAZ", 2019)
    assert (kaz.score, kaz.rank, kaz.countries, kaz.note) == (D("62.9"), 55, 141, "WEF GCR 2019")
    assert (kaz.se, kaz.ci_low, kaz.sources) == (None, None, None)


def test_a_generic_table_without_a_year_column_takes_the_given_year(wgi):
    load(wgi, GENERIC, generic("iso3;score;se;ci_low;ci_high", "KAZ;-0,52;0,14;-0,75;-0,29"), year=2022)
    kaz = value(wgi, "KAZ", 2022)
    assert (kaz.score, kaz.se, kaz.ci_low, kaz.ci_high) == (D("-0.52"), D("0.14"), D("-0.75"), D("-0.29"))


def test_staging_stores_the_file_for_review_and_no_values(cpi, analyst_user):
    batch = import_stage(
        index=cpi, fmt=RESULTS, file_name="cpi.psv", content=CPI_2023.read_bytes(), by=analyst_user
    )
    assert batch.status == RatingImport.Status.STAGED
    assert bytes(batch.content) == CPI_2023.read_bytes()
    assert not IndexValue.objects.exists()
    event = AuditEvent.objects.get(action="ratings.import_staged")
    assert (event.actor, event.data["file"]) == (analyst_user, "cpi.psv")


# ---------------------------------------------------------------- bad input


def test_an_empty_file(cpi, gci):
    assert refused(cpi, RESULTS, b"") == [(None, "The file is empty.")]
    assert refused(gci, GENERIC, b" \n\n ") == [(None, "The file is empty.")]


def test_a_file_in_another_encoding(cpi):
    text = "Страна;ISO3;CPI score 2023\nКазахстан;KAZ;39\n"
    [(line, message)] = refused(cpi, RESULTS, text.encode("cp1251"))
    assert line is None and "UTF-8" in message


def test_a_damaged_workbook(cpi):
    assert refused(cpi, RESULTS, b"PK\x03\x04 not really a workbook") == [
        (None, "The Excel workbook cannot be read; it may be damaged.")
    ]


def test_missing_columns(cpi, gci):
    assert refused(cpi, RESULTS, b"Name,Code,Score\nKazakhstan,KAZ,39\n") == [
        (None, "No header line names a country column and an ISO3 column.")
    ]
    assert refused(gci, GENERIC, generic("iso3,rank", "KAZ,55")) == [(None, "Missing columns: score, year.")]
    errors = refused(gci, GENERIC, generic("iso3,score,rnak", "KAZ,62.9,55"), year=2019)
    assert errors == [
        (
            None,
            "Unknown columns: rnak. A generic table has the columns "
            "iso3, country, year, score, rank, countries, se, ci_low, ci_high, sources, note.",
        )
    ]


def test_a_results_table_without_its_year(cpi):
    assert refused(cpi, RESULTS, b"Country,ISO3,Score,Rank\nKazakhstan,KAZ,39,93\n") == [
        (None, "The table does not state its year: give the year.")
    ]


def test_every_bad_row_is_reported(cpi):
    text = (
        "Country|ISO3|CPI score 2023|Rank|Standard error\n"
        "Denmark|DNK|90|1|1.8\n"
        "Chad|TCD|twenty|160|2\n"  # 3
        "Fiji|FJI|50|x|2\n"  # 4
        "Nowhere|XYZ|30|170|2\n"  # 5
        "Finland|FIN|87|2|1.1\n"
        "Denmark again|DNK|90|1|1.8\n"  # 7
        "Chile|CH|66|29|1\n"  # 8
        "Peru|PER|33|121\n"  # 9
        "Greece|GRC|49.5|59|2\n"  # 10
        "Togo|TGO|131|70|2\n"  # 11
    )
    assert refused(cpi, RESULTS, text.encode()) == [
        (3, "“CPI score 2023” is not a number: “twenty”."),
        (4, "“Rank” is not a number: “x”."),
        (5, "Unknown country code XYZ: add the country in the administration first."),
        (7, "DNK appears again (first on line 2)."),
        (8, "“CH” is not a three-letter ISO3 country code."),
        (9, "4 fields where the header has 5."),
        (10, "“CPI score 2023” must be a whole number, not 49.5."),
        (11, "The score 131 is outside the scale 0–100."),
    ]


def test_duplicate_countries_and_bad_numbers_in_a_generic_table(gci):
    errors = refused(
        gci,
        GENERIC,
        generic(
            "iso3,year,score,rank,countries",
            "KAZ,2019,62.9,55,141",
            "KAZ,2019,63,55,141",
            "RUS,2019,sixty,43,141",
            "UZB,2019,,,",
            "KGZ,2019,54,200,141",
            "TJK,20x9,52,104,141",
            "ARM,2020,62.5,69,141",
            "GEO,2017,60.6,74,141",
        ),
    )
    assert errors == [
        (3, "KAZ 2019 appears again (first on line 2)."),
        (4, "“score” is not a number: “sixty”."),
        (5, "The score is missing."),
        (6, "Rank 200 of only 141 countries."),
        (7, "“year” is not a number: “20x9”."),
        (8, "Global Competitiveness Index was discontinued after 2019; 2020 cannot be imported."),
        (9, "Global Competitiveness Index has no edition for 2017."),
    ]


def test_intervals_and_signs(wgi):
    errors = refused(
        wgi,
        GENERIC,
        generic(
            "iso3,year,score,se,ci_low,ci_high",
            "KAZ,2022,-0.5,-0.1,,",
            "UZB,2022,-0.8,0.1,-0.6,-1",
            "KGZ,2022,-1,0.1,-1.2,",
        ),
    )
    assert errors == [
        (2, "The standard error cannot be negative."),
        (3, "The lower bound of the interval is above the upper one."),
        (4, "Give both bounds of the interval, or neither."),
    ]


def test_source_tables_need_three_sources_on_the_0_to_100_scale(cpi):
    text = (
        "Country|ISO3|EIU|PRS|WJP|VDEM\n"
        "Denmark|DNK|91|89|90|\n"
        "Chad|TCD|20|21||\n"  # 3: two sources
        "Fiji|FJI|50|150|40|45\n"  # 4: a source above 100
        "Peru|PER|33|x|30|31\n"  # 5
    )
    assert refused(cpi, SOURCES, text.encode(), year=2023) == [
        (3, "2 sources: a score needs at least 3."),
        (4, "“PRS” is 150, outside the 0–100 scale."),
        (5, "“PRS” is not a number: “x”."),
    ]


def test_published_figures_must_follow_from_the_sources(cpi):
    text = CPI_2023.read_text(encoding="utf-8").replace(
        "Kazakhstan|KAZ|ECA|39|93|", "Kazakhstan|KAZ|ECA|41|93|"
    )
    errors = refused(cpi, SOURCES, text.encode())
    assert errors == [(93 + 2, "The published score is 41, but the sources give 39.")]


def test_source_tables_start_in_2012_and_only_for_the_cpi(cpi, gci):
    assert refused(cpi, SOURCES, CPI_2023.read_bytes(), year=2011) == [
        (None, "The TI CPI method applies from 2012 on.")
    ]
    assert refused(gci, SOURCES, CPI_2023.read_bytes()) == [
        (None, "TI's tables are for an index computed by the TI CPI method.")
    ]
    assert refused(gci, RESULTS, CPI_2023.read_bytes()) == [
        (None, "TI's tables are for an index computed by the TI CPI method.")
    ]


def test_a_bad_row_in_a_source_table_does_not_make_the_ranks_below_it_look_wrong(cpi):
    text = CPI_2023.read_text(encoding="utf-8").replace(
        "Denmark|DNK|WE/EU|90|1|1.819265|8|87.0164|92.9836||96.99364",
        "Denmark|DNK|WE/EU|90|1|1.819265|8|87.0164|92.9836||x",
    )
    assert refused(cpi, SOURCES, text.encode()) == [
        (2, "“Bertelsmann Foundation Sustainable Governance Index” is not a number: “x”.")
    ]
