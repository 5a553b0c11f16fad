"""Microdata imports: a good file from CSV, XLSX or SPSS commits whole; a file with any bad row commits
nothing at all and lists its bad rows (the first hundred, with row numbers and reasons) and counts
every one of them."""

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from adal.core.models import AuditEvent
from adal.core.permissions import SYSTEM
from adal.survey.models import Microdata, MicrodataBlock, MicrodataImport
from adal.survey.selectors import import_described
from adal.survey.services import SurveyRefused, microdata_import_run, microdata_import_start
from adal.survey.storage import columns_read
from tests.survey.survey_files import GOOD, HEADER, csv_bytes, sav_bytes, xlsx_bytes

FORMATS = ["csv", "xlsx", "sav"]


@pytest.fixture
def encode(tmp_path):
    def make(fmt: str, rows, header=HEADER) -> bytes:
        if fmt == "csv":
            return csv_bytes(rows, header)
        if fmt == "xlsx":
            return xlsx_bytes(rows, header)
        return sav_bytes(rows, header, tmp_path=tmp_path)

    return make


def run(wave, name: str, content: bytes) -> MicrodataImport:
    record = microdata_import_start(
        wave=wave, upload=SimpleUploadedFile(name, content), by=SYSTEM, enqueue=False
    )
    return microdata_import_run(microdata_import=record)


def problems_of(record) -> list[tuple[int, str]]:
    return [(p["row"], p["text"]) for p in import_described(record)["problems"]]


def with_cell(row: list[str], column: str, value: str) -> list[str]:
    changed = list(row)
    changed[HEADER.index(column)] = value
    return changed


# ---------------------------------------------------------------- good files


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_good_file_is_imported_whole(wave, encode, fmt):
    record = run(wave, f"wave.{fmt}", encode(fmt, GOOD))

    assert record.state == MicrodataImport.State.DONE, import_described(record)
    assert (record.rows_read, record.bad_rows, record.progress) == (5, 0, 100)
    microdata = Microdata.objects.get(wave=wave)
    assert microdata.respondents == 5
    data = columns_read(microdata, HEADER)
    assert data["region"].tolist() == [150000000, 150000000, 750000000, 430000000, 630000000]
    assert data["age"].tolist() == [34, 61, 45, 18, 110]
    assert data["weight"].tolist() == [812.5, 640.0, 1210.25, 455.0, 399.75]
    assert data["q3_asked"].tolist() == [1, -1, 2, 1, 2]  # blank: not answered
    # A PSU is a label within a region; codes follow (region, label) as first met in each chunk.
    assert microdata.psu_labels == ["A1", "C3", "D1", "B7"]
    assert data["psu"].tolist() == [0, 0, 3, 1, 2]


def test_the_three_formats_store_the_same_columns(wave, encode):
    stored = []
    for fmt in FORMATS:
        run(wave, f"wave.{fmt}", encode(fmt, GOOD))  # each import replaces the last
        stored.append(columns_read(Microdata.objects.get(wave=wave), HEADER))
    for other in stored[1:]:
        for column in HEADER:
            assert np.array_equal(stored[0][column], other[column]), column


def test_a_semicolon_csv_with_decimal_commas_and_a_bom_is_read(wave):
    content = "\ufeff".encode() + csv_bytes([with_cell(GOOD[0], "weight", "812,5")], delimiter=";")
    record = run(wave, "excel.csv", content)
    assert record.state == MicrodataImport.State.DONE
    assert columns_read(Microdata.objects.get(wave=wave), ["weight"])["weight"].tolist() == [812.5]


def test_an_import_is_audited_and_its_upload_removed(wave, settings):
    record = run(wave, "wave.csv", csv_bytes(GOOD))
    events = AuditEvent.objects.filter(target_type="survey.MicrodataImport", target_id=str(record.pk))
    actions = list(events.values_list("action", flat=True))
    assert actions == ["survey.import_queued", "survey.microdata_imported"]
    assert not record.file
    assert not list((settings.MEDIA_ROOT / "survey" / "imports").iterdir())


def test_an_import_runs_only_once(wave):
    record = run(wave, "wave.csv", csv_bytes(GOOD))
    again = microdata_import_run(microdata_import=record)
    assert again.state == MicrodataImport.State.DONE
    assert Microdata.objects.filter(wave=wave).count() == 1


# ---------------------------------------------------------------- bad rows: nothing committed


BAD_KINDS = [
    ("q1_prevalence", "12", "column q1_prevalence: “12” — outside the allowed range"),
    ("q1_prevalence", "6", "column q1_prevalence: “6” — not one of this question's answer codes"),
    ("q7_trust_agency", "7", "column q7_trust_agency: “7” — not one of this question's answer codes"),
    ("sector", "", "column sector: “” — a required answer is blank"),
    ("region", "999999999", "not the KATO code of a region on the map of the fieldwork dates"),
    ("region", "620000000", ""),  # Ulytau existed in 2025: good
    ("weight", "0", "column weight: “0” — a weight must be a positive number"),
    ("weight", "-3", "a weight must be a positive number"),
    ("weight", "heavy", "column weight: “heavy” — a weight must be a positive number"),
    ("age", "17", "column age: “17” — outside the allowed range"),
    ("age", "thirty", "column age: “thirty” — not a whole number"),
    ("sex", "3", "column sex: “3” — outside the allowed range"),
    ("psu", "", "column psu: “” — a required answer is blank"),
    ("q6_knows_where", "1.5", "column q6_knows_where: “1.5” — not a whole number"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("column", "value", "reason"), BAD_KINDS)
def test_one_bad_cell_refuses_the_whole_file(wave, encode, fmt, column, value, reason):
    rows = [*GOOD[:2], with_cell(GOOD[2], column, value), *GOOD[3:]]
    record = run(wave, f"wave.{fmt}", encode(fmt, rows))

    if not reason:
        assert record.state == MicrodataImport.State.DONE
        return
    assert record.state == MicrodataImport.State.FAILED
    assert record.bad_rows == 1
    bad_row = 3 if fmt == "sav" else 4  # the third respondent: case 3, or row 4 under the header
    [(row, text)] = problems_of(record)
    assert row == bad_row
    assert reason in text
    assert not Microdata.objects.filter(wave=wave).exists()
    assert not MicrodataBlock.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_required_columns_are_named(wave, encode, fmt):
    keep = [c for c in HEADER if c not in ("weight", "q5_would_report")]
    rows = [[r[HEADER.index(c)] for c in keep] for r in GOOD]
    record = run(wave, f"wave.{fmt}", encode(fmt, rows, keep))

    assert record.state == MicrodataImport.State.FAILED
    assert import_described(record)["failure"] == "Required columns are missing: weight, q5_would_report."
    assert not Microdata.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_bad_row_is_counted_and_the_first_hundred_listed(wave, encode, fmt):
    rows = [with_cell(GOOD[i % 5], "q2_trend", "5") if i % 2 else GOOD[i % 5] for i in range(300)]
    rows[10] = with_cell(with_cell(rows[10], "age", "9"), "weight", "")  # two problems in one row

    record = run(wave, f"wave.{fmt}", encode(fmt, rows))

    assert record.state == MicrodataImport.State.FAILED
    assert record.bad_rows == 151
    described = import_described(record)
    assert len(described["problems"]) == MicrodataImport.ERRORS_KEPT
    first = 1 if fmt == "sav" else 2
    assert [p["row"] for p in described["problems"][:4]] == [first + 1, first + 3, first + 5, first + 7]
    eleventh = [p["text"] for p in described["problems"] if p["row"] == first + 10]
    assert eleventh == [
        "column age: “9” — outside the allowed range",
        "column weight: “” — a required answer is blank",
    ]
    assert described["unlisted"] == 151 - len({p["row"] for p in described["problems"]})
    assert not Microdata.objects.exists()


def test_a_row_with_too_few_cells_is_bad(wave):
    content = csv_bytes(GOOD) + b"150000000,1,40\n"
    record = run(wave, "wave.csv", content)
    assert record.state == MicrodataImport.State.FAILED
    assert problems_of(record) == [(7, "the row has 3 cells, but the header has a different number")]


def test_a_failed_import_leaves_the_earlier_microdata_untouched(wave):
    run(wave, "first.csv", csv_bytes(GOOD))
    before = columns_read(Microdata.objects.get(wave=wave), ["weight"])["weight"]

    failed = run(wave, "second.csv", csv_bytes([with_cell(GOOD[0], "weight", "0"), *GOOD]))

    assert failed.state == MicrodataImport.State.FAILED
    microdata = Microdata.objects.get(wave=wave)
    assert microdata.source.original_name == "first.csv"
    assert np.array_equal(columns_read(microdata, ["weight"])["weight"], before)


def test_text_that_is_not_utf8_is_refused_with_advice(wave):
    record = run(wave, "wave.csv", csv_bytes(GOOD).replace(b"A1", "Б1".encode("cp1251")))
    assert record.state == MicrodataImport.State.FAILED
    assert "not UTF-8" in import_described(record)["failure"]


def test_a_header_without_rows_is_refused(wave):
    record = run(wave, "wave.csv", csv_bytes([]))
    assert import_described(record)["failure"] == "The file has a header but no respondents."


def test_a_file_that_is_no_table_is_refused_at_upload(wave, pdf_bytes):
    with pytest.raises(SurveyRefused, match=r"Only CSV, XLSX and SPSS \.sav files"):
        microdata_import_start(wave=wave, upload=SimpleUploadedFile("report.pdf", pdf_bytes), by=SYSTEM)
    assert not MicrodataImport.objects.exists()


def test_a_broken_workbook_is_refused(wave):
    record = run(wave, "wave.xlsx", b"PK\x03\x04" + b"\x00" * 64)
    assert record.state == MicrodataImport.State.FAILED
    assert "could not be opened" in import_described(record)["failure"]


def test_a_published_wave_takes_no_new_microdata(wave):
    wave.state = wave.State.PUBLISHED
    wave.save()
    with pytest.raises(SurveyRefused, match="unpublish it"):
        microdata_import_start(wave=wave, upload=SimpleUploadedFile("w.csv", csv_bytes(GOOD)), by=SYSTEM)


# ---------------------------------------------------------------- a worker that died


def test_an_import_whose_worker_died_is_refused_and_can_be_tried_again(wave):
    import datetime as dt

    from django.utils import timezone

    from adal.survey.services import microdata_imports_fail_abandoned

    def running_since(minutes: int) -> MicrodataImport:
        record = microdata_import_start(
            wave=wave, upload=SimpleUploadedFile("wave.csv", csv_bytes(GOOD)), by=SYSTEM, enqueue=False
        )
        started = timezone.now() - dt.timedelta(minutes=minutes)
        MicrodataImport.objects.filter(pk=record.pk).update(state="running", started_at=started, progress=43)
        return record

    dead, alive = running_since(90), running_since(5)
    assert microdata_imports_fail_abandoned(now=timezone.now()) == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.state, dead.failure["code"], bool(dead.file)) == ("failed", "internal", False)
    assert "nothing was imported" in import_described(dead)["failure"]
    assert alive.state == "running"
    assert AuditEvent.objects.filter(action="survey.import_refused", target_id=str(dead.pk)).count() == 1
    assert microdata_imports_fail_abandoned(now=timezone.now()) == 0  # once
    assert run(wave, "wave.csv", csv_bytes(GOOD)).state == "done"  # and the file can be uploaded again


def test_an_import_given_up_while_it_ran_stores_nothing(wave, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from adal.survey import services

    check_file = services._check_file

    def slow_check(record, *args):
        problems = check_file(record, *args)
        services.microdata_imports_fail_abandoned(now=timezone.now() + dt.timedelta(hours=2))
        return problems

    monkeypatch.setattr(services, "_check_file", slow_check)
    record = run(wave, "wave.csv", csv_bytes(GOOD))
    assert record.state == "failed" and not Microdata.objects.filter(wave=wave).exists()
    assert AuditEvent.objects.filter(action="survey.import_refused", target_id=str(record.pk)).count() == 1
