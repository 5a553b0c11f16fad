"""The public pages show the tree, progress, roll-up and rating in words, and the history; staff pages
let a unit report and confirm on its own measures only."""

import datetime as dt

import pytest
from django.utils import translation

from adal.core.permissions import SYSTEM
from adal.roadmap.models import Rollup
from adal.roadmap.services import progress_confirm, progress_report
from tests.roadmap.conftest import add_measure

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def tree(programme, stage, units):
    top = add_measure(programme, stage, "2.1", rollup=Rollup.SHARE_DONE, title_en="Public control")
    leaf = add_measure(programme, stage, "2.1.1", parent=top, unit=units["aktobe"], title_en="Concept")
    other = add_measure(programme, stage, "2.1.2", parent=top, unit=units["almaty"], title_en="Bill")
    return {"top": top, "leaf": leaf, "other": other}


def url(m):
    return f"/roadmap/{m.programme.code}/measures/{m.pk}/"


def test_the_programme_page_shows_the_tree_with_its_method_and_rating_in_words(client, tree):
    report = progress_report(
        measure=tree["leaf"], percent=100, text="Готово", as_of=dt.date(2024, 1, 1), by=SYSTEM
    )
    progress_confirm(report=report, by=SYSTEM)
    page = client.get("/roadmap/", follow=True).content.decode()  # one programme: its page
    assert "Public control" in page and "Concept" in page
    assert "share of the children done" in page
    assert 'value="50.0"' in page  # the parent: one of two parts done
    assert "on track" in page or "off track" in page or "at risk" in page
    assert "How progress and the rating are computed" in page


def test_a_measure_page_shows_its_history_and_whether_each_report_counts(client, tree, people):
    progress_report(measure=tree["leaf"], percent=30, text="Начато", by=people["officer"])
    page = client.get(url(tree["leaf"])).content.decode()
    assert "awaiting a second signature" in page
    assert "Report progress" not in page  # the public may not report


def test_an_officer_reports_on_their_own_measure_and_a_second_confirms(client, tree, people):
    client.force_login(people["officer"])
    assert "Report progress" in client.get(url(tree["leaf"])).content.decode()
    assert "Report progress" not in client.get(url(tree["other"])).content.decode()
    answer = client.post(
        f"/staff/roadmap/measures/{tree['leaf'].pk}/report/",
        {"percent": "40", "as_of": dt.date.today().isoformat(), "text": "Проект внесён"},
    )
    assert answer.status_code == 302
    report = tree["leaf"].reports.get()
    assert 'data-testid="confirm"' not in client.get(url(tree["leaf"])).content.decode()  # not one's own
    client.force_login(people["second"])
    assert 'data-testid="confirm"' in client.get(url(tree["leaf"])).content.decode()
    client.post(f"/staff/roadmap/reports/{report.pk}/confirm/")
    report.refresh_from_db()
    assert report.confirmation.confirmed_by == people["second"]


def test_another_units_officer_cannot_report_by_posting(client, tree, people):
    client.force_login(people["almaty"])
    client.post(
        f"/staff/roadmap/measures/{tree['leaf'].pk}/report/",
        {"percent": "40", "as_of": dt.date.today().isoformat(), "text": "Чужое"},
    )
    assert not tree["leaf"].reports.exists()


def test_evidence_is_public_once_confirmed(client, tree, people):
    report = progress_report(
        measure=tree["leaf"], percent=10, text="Акт", files=[("a.pdf", PDF)], by=people["officer"]
    )
    evidence = report.evidence.get()
    assert client.get(f"/roadmap/evidence/{evidence.pk}/").status_code == 404
    progress_confirm(report=report, by=people["second"])
    answer = client.get(f"/roadmap/evidence/{evidence.pk}/")
    assert (answer.status_code, answer.content) == (200, PDF)


def test_the_staff_page_lists_what_to_report_and_to_confirm(client, tree, people):
    progress_report(measure=tree["leaf"], percent=10, text="Начато", by=people["officer"])
    client.force_login(people["second"])
    page = client.get("/staff/roadmap/").content.decode()
    assert "Concept" in page and "Bill" not in page


def test_a_manager_exports_and_imports_with_a_preview(client, tree, people):
    client.force_login(people["analyst"])
    exported = client.get("/staff/roadmap/ac-2025/export.csv")
    assert exported.status_code == 200
    content = exported.content.replace(b"Concept", b"Concept note")
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = client.post(
        "/staff/roadmap/import/",
        {"programme": tree["top"].programme.pk, "file": SimpleUploadedFile("r.csv", content, "text/csv")},
    )
    assert answer.status_code == 302
    preview = client.get(answer["Location"]).content.decode()
    assert "Concept note" in preview and 'data-testid="changes"' in preview
    client.post(answer["Location"] + "apply/")
    tree["leaf"].refresh_from_db()
    assert tree["leaf"].title_en == "Concept note"


def test_a_bad_file_is_refused_on_the_page_with_its_rows(client, tree, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people["analyst"])
    bad = b"kind,id,stage,title_ru,deadline\nmeasure,9,s2,,2024-01-01\n"
    answer = client.post(
        "/staff/roadmap/import/",
        {"programme": tree["top"].programme.pk, "file": SimpleUploadedFile("r.csv", bad, "text/csv")},
    )
    assert answer.status_code == 400
    assert "Line 2: The title in Russian is missing." in answer.content.decode()
