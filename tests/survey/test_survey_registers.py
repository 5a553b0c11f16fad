"""An analyst uploads an instrument and census margins as CSV or XLSX: a good file is imported whole; a
file with bad rows is refused whole, naming every bad row in the user's language; the templates of both
formats download and import as they are (once filled in)."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from adal.core.models import Role
from adal.core.permissions import SYSTEM
from adal.demo.survey import AGE_GROUPS, margins_cells
from adal.survey.models import CensusMargins, Instrument, Item, MarginCell
from adal.survey.registers import (
    RegisterInvalid,
    as_csv,
    as_xlsx,
    instrument_template_rows,
    margins_template_rows,
)
from adal.survey.selectors import regions_on
from adal.survey.services import SurveyRefused, census_margins_import, instrument_import
from tests.conftest import make_staff
from tests.survey.test_survey_staff import sign_in

NAME = {"ru": "Анкета", "kk": "Сауалнама", "en": "Questionnaire"}
DAY = dt.date(2025, 1, 1)


def table(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def template_with(*changes: tuple[int, str, object]) -> list[list]:
    """The instrument template with cells changed: (row, column, value)."""
    rows = [list(r) for r in instrument_template_rows()]
    header = rows[0]
    for row, column, value in changes:
        rows[row][header.index(column)] = value
    return rows


def margins_rows() -> list[list]:
    """Good margins for the map of DAY, as the demo builds them."""
    cells, settlement = margins_cells([t.kato for t in regions_on(DAY)])
    rows = [["region", "sex", "age_from", "settlement", "population"]]
    rows += [[kato, sex, AGE_GROUPS[group], "", n] for kato, sex, group, n in cells]
    rows += [["", "", "", kind, n] for kind, n in settlement.items()]
    return rows


def errors_of(call) -> list[str]:
    with pytest.raises(RegisterInvalid) as refused:
        call()
    return [str(e) for e in refused.value.errors]


# ---------------------------------------------------------------- the instrument


@pytest.mark.parametrize("write", [as_csv, as_xlsx])
def test_the_instrument_template_imports_as_it_is(db, write):
    instrument = instrument_import(
        code="ncpi", name=NAME, content=write(instrument_template_rows()), by=SYSTEM
    )
    q1 = instrument.items.get(code="q1")
    assert (q1.component.code, q1.required, q1.role) == ("prevalence", True, Item.Role.INDEX)
    assert [(o["code"], o["score"]) for o in q1.options] == [(1, 0.0), (2, 100.0), (9, None)]
    assert instrument.items.get(code="sector").role == Item.Role.SECTOR
    assert instrument.components.get().weight == 1


def test_every_bad_instrument_row_is_named_and_nothing_is_written(db):
    rows = template_with(
        (1, "weight", "-1"),  # component weight
        (2, "component", "trust"),  # unknown component
        (3, "score", "150"),  # out of range
        (5, "score", "50"),  # a missing code with a score
        (7, "text_kk", ""),  # no Kazakh label
    )
    rows.append(["answer", "3", "", "q9"] + [""] * 10)
    errors = errors_of(lambda: instrument_import(code="ncpi", name=NAME, content=table(rows), by=SYSTEM))
    assert errors == [
        "Line 2: Component “prevalence” needs a positive weight.",
        "Line 2: Component “prevalence” has no items.",
        "Line 3: Item “q1” must belong to one of the components of the file.",
        "Line 4: Score the answer from 0 to 100, or mark it as a missing code.",
        "Line 6: A missing code has no score.",
        "Line 8: sector = 1 needs its text in Russian, Kazakh and English.",
        "Line 9: The answer belongs to no item of the file: “q9”.",
    ]
    assert not Instrument.objects.exists()


def test_the_errors_are_in_the_users_language(db):
    rows = template_with((1, "record", "chapter"))
    with translation.override("ru"):
        ru = errors_of(lambda: instrument_import(code="x", name=NAME, content=table(rows), by=SYSTEM))
    with translation.override("kk"):
        kk = errors_of(lambda: instrument_import(code="x", name=NAME, content=table(rows), by=SYSTEM))
    assert ru[0].startswith("Строка 2:") and "component, item или answer" in ru[0]
    assert kk[0].startswith("2-жол:")


def test_a_file_that_is_no_table_and_a_taken_code_are_refused(db, instrument):
    assert errors_of(lambda: instrument_import(code="x", name=NAME, content=b"a,b\n1,2\n", by=SYSTEM)) == [
        "No header row with the template's columns was found: download the template."
    ]
    content = as_csv(instrument_template_rows())
    taken = errors_of(lambda: instrument_import(code=instrument.code, name=NAME, content=content, by=SYSTEM))
    assert "already exists" in taken[0]
    assert Instrument.objects.count() == 1


def test_only_an_analyst_imports(units):
    officer = make_staff("officer-s", Role.CASE_OFFICER, units["centre"])[0]
    with pytest.raises(SurveyRefused):
        instrument_import(code="x", name=NAME, content=as_csv(instrument_template_rows()), by=officer)


# ---------------------------------------------------------------- census margins


def test_margins_import_whole_with_their_source(db):
    margins = census_margins_import(
        name="Census 2025",
        source="Bureau of National Statistics",
        reference_date=DAY,
        content=as_xlsx(margins_rows()),
        by=SYSTEM,
    )
    assert margins.age_groups == AGE_GROUPS and margins.source == "Bureau of National Statistics"
    assert margins.cells.filter(dimension=MarginCell.Dimension.SETTLEMENT).count() == 2


def test_every_bad_margins_row_is_named_and_nothing_is_written(db):
    rows = margins_rows()
    rows[1][0] = "999999999"  # no such region
    rows[2][4] = "-5"  # population
    rows[3][1] = "3"  # sex
    rows.append(rows[4][:])  # a cell twice
    rows.append(["", "", "", "1", "10"])  # urban twice
    errors = errors_of(
        lambda: census_margins_import(
            name="Census", source="BNS", reference_date=DAY, content=table(rows), by=SYSTEM
        )
    )
    last = len(rows)
    assert errors == [
        "Line 2: “999999999” is not the KATO code of a region on the map of the reference date.",
        "Line 3: The population is a positive whole number.",
        "Line 4: The sex is 1 (male) or 2 (female).",
        f"Line {last - 1}: This region, sex and age group is given twice (first on line 5).",
        f"Line {last}: This settlement is given twice (first on line {last - 3}).",
    ]
    assert not CensusMargins.objects.exists()


def test_a_missing_cell_and_different_totals_are_named(db):
    rows = margins_rows()
    del rows[1]
    missing = errors_of(
        lambda: census_margins_import(
            name="C", source="BNS", reference_date=DAY, content=table(rows), by=SYSTEM
        )
    )
    assert missing[0].startswith("No row for ") and "from 18 years" in missing[0]
    rows = margins_rows()
    rows[-1][4] = 1
    totals = errors_of(
        lambda: census_margins_import(
            name="C", source="BNS", reference_date=DAY, content=table(rows), by=SYSTEM
        )
    )
    assert "The margins count different populations" in totals[0]


def test_the_margins_template_has_every_cell_of_todays_map(db):
    rows = margins_template_rows([t.kato for t in regions_on(DAY)])
    assert rows[0] == ["region", "sex", "age_from", "settlement", "population"]
    assert len(rows) == 1 + len(regions_on(DAY)) * 2 * 4 + 2


# ---------------------------------------------------------------- the pages


@pytest.fixture
def analyst_client(client, analyst):
    sign_in(client, *analyst)
    return client


def test_templates_download_in_both_formats(analyst_client):
    for kind in ("instrument", "margins"):
        got = analyst_client.get(reverse("survey:staff_template", args=[kind, "csv"]))
        assert got.status_code == 200 and got["Content-Type"].startswith("text/csv")
        assert got.content.startswith(b"\xef\xbb\xbf")
        xlsx = analyst_client.get(reverse("survey:staff_template", args=[kind, "xlsx"]))
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet.cell(1, 1).value in ("record", "region")
    assert analyst_client.get(reverse("survey:staff_template", args=["wave", "csv"])).status_code == 404


def test_importing_an_instrument_on_its_page(analyst_client):
    url = reverse("survey:staff_instrument_new")
    assert analyst_client.get(url).status_code == 200
    form = {"code": "ncpi", "name_ru": "А", "name_kk": "Ә", "name_en": "A", "min_age": 18, "max_age": 110}
    bad = SimpleUploadedFile("i.csv", table(template_with((3, "score", "x"))))
    refused = analyst_client.post(url, {**form, "file": bad})
    assert refused.status_code == 400
    assert "Line 4: Score the answer from 0 to 100" in refused.content.decode()
    good = SimpleUploadedFile("i.xlsx", as_xlsx(instrument_template_rows()))
    assert analyst_client.post(url, {**form, "file": good}).status_code == 302
    assert "ncpi" in analyst_client.get(reverse("survey:staff_registers")).content.decode()


def test_bad_form_input_on_the_margins_page_is_named(analyst_client):
    url = reverse("survey:staff_margins_new")
    response = analyst_client.post(url, {"name": "C", "source": "", "reference_date": "soon"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Choose the file to import." in text and "Enter a valid date." in text
    good = SimpleUploadedFile("m.csv", table(margins_rows()))
    done = analyst_client.post(
        url, {"name": "C", "source": "BNS", "reference_date": "2025-01-01", "file": good}
    )
    assert done.status_code == 302 and CensusMargins.objects.get().source == "BNS"


def test_the_register_pages_are_the_analysts(client, units):
    officer, secret = make_staff("officer-p", Role.CASE_OFFICER, units["centre"])
    sign_in(client, officer, secret)
    for url in (
        reverse("survey:staff_registers"),
        reverse("survey:staff_instrument_new"),
        reverse("survey:staff_template", args=["instrument", "csv"]),
    ):
        assert client.get(url).status_code == 403
