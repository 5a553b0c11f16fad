"""The analysts' pages: only analysts and administrators reach them (signed in through the staff door);
a file uploaded there is imported by the task, and the import's page shows its progress, refreshing
itself without JavaScript, then what became of the file."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from adal.core.models import Role
from adal.survey.models import Microdata, MicrodataImport, Wave
from tests.conftest import PASSWORD, make_staff, totp_now
from tests.survey.survey_files import GOOD, csv_bytes, generated_rows
from tests.survey.test_survey_import import with_cell


def sign_in(client, user, secret) -> None:
    response = client.post(
        reverse("core:login"), {"username": user.username, "password": PASSWORD, "code": totp_now(secret)}
    )
    assert response.status_code == 302


@pytest.fixture
def analyst_client(client, analyst):
    sign_in(client, *analyst)
    return client


def upload(client, wave, name: str, content: bytes, capture):
    with capture(execute=True):
        return client.post(
            reverse("survey:staff_upload", args=[wave.pk]), {"file": SimpleUploadedFile(name, content)}
        )


def test_signed_out_visitors_are_sent_to_sign_in(client, wave):
    for url in (reverse("survey:staff_waves"), reverse("survey:staff_wave", args=[wave.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:login"))


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.CASE_OFFICER, Role.COUNCIL_SECRETARY, Role.AUDITOR])
def test_other_roles_are_refused(client, units, wave, role):
    sign_in(client, *make_staff("someone", role, units["centre"]))
    assert client.get(reverse("survey:staff_waves")).status_code == 403
    assert client.get(reverse("survey:staff_wave", args=[wave.pk])).status_code == 403
    assert client.post(reverse("survey:staff_wave_action", args=[wave.pk, "weight"])).status_code == 403
    response = client.post(
        reverse("survey:staff_upload", args=[wave.pk]), {"file": SimpleUploadedFile("a.csv", b"x")}
    )
    assert response.status_code == 403
    assert not MicrodataImport.objects.exists()


def test_analysts_and_administrators_see_the_waves(client, analyst_client, units, wave):
    response = analyst_client.get(reverse("survey:staff_waves"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Wave 2025" in response.content.decode()
    client.logout()
    sign_in(client, *make_staff("admin", Role.ADMINISTRATOR, units["centre"]))
    assert client.get(reverse("survey:staff_wave", args=[wave.pk])).status_code == 200


def test_an_analyst_creates_a_wave(analyst_client, instrument, margins):
    form = {
        "instrument": instrument.pk,
        "margins": margins.pk,
        "code": "2026",
        "name_ru": "Волна 2026",
        "name_kk": "2026 толқыны",
        "name_en": "2026 wave",
        "fieldwork_start": "2026-10-01",
        "fieldwork_end": "2026-09-01",
        "design_ru": "Стратифицированная выборка.",
        "design_kk": "Стратификацияланған іріктеме.",
        "design_en": "A stratified sample.",
        "base_weight": "weight",
        "trim_lower": "0.2",
        "trim_upper": "6",
    }
    refused = analyst_client.post(reverse("survey:staff_wave_new"), form, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "The fieldwork cannot end before it starts." in refused.content.decode()

    form["fieldwork_end"] = "2026-11-15"
    response = analyst_client.post(reverse("survey:staff_wave_new"), form)
    wave = Wave.objects.get(code="2026")
    assert response["Location"] == reverse("survey:staff_wave", args=[wave.pk])
    assert (wave.fieldwork_end, wave.state) == (dt.date(2026, 11, 15), Wave.State.DRAFT)


def test_an_upload_is_imported_weighted_and_can_be_published(
    analyst_client, wave, django_capture_on_commit_callbacks
):
    response = upload(
        analyst_client, wave, "wave.csv", csv_bytes(generated_rows()), django_capture_on_commit_callbacks
    )
    record = MicrodataImport.objects.get()
    assert response["Location"] == reverse("survey:staff_import", args=[record.pk])
    assert record.state == MicrodataImport.State.DONE
    assert record.created_by.username == "analyst"

    html = analyst_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "are imported. The wave is weighted" in html
    assert 'http-equiv="refresh"' not in html
    wave.refresh_from_db()
    assert wave.weighting["converged"]
    html = analyst_client.get(
        reverse("survey:staff_wave", args=[wave.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'data-testid="kish-deff"' in html

    preview = analyst_client.get(reverse("survey:wave", args=[wave.code]), HTTP_ACCEPT_LANGUAGE="en")
    assert preview.status_code == 200 and "Draft: only analysts see this page" in preview.content.decode()
    analyst_client.post(reverse("survey:staff_wave_action", args=[wave.pk, "publish"]))
    wave.refresh_from_db()
    assert wave.state == Wave.State.PUBLISHED


def test_a_running_import_shows_its_progress_and_refreshes_itself(analyst_client, wave):
    record = MicrodataImport.objects.create(
        wave=wave,
        original_name="big.csv",
        format="csv",
        state=MicrodataImport.State.RUNNING,
        progress=40,
        rows_read=400_000,
    )
    html = analyst_client.get(reverse("survey:staff_import", args=[record.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert '<progress class="survey-progress" max="100" value="40">' in html
    assert "<script" not in html.split("</header>")[1]


def test_a_bad_file_shows_its_bad_rows_and_changes_nothing(
    analyst_client, wave, django_capture_on_commit_callbacks
):
    rows = [GOOD[0], with_cell(GOOD[1], "region", "999999999"), GOOD[2], with_cell(GOOD[3], "weight", "-2")]
    response = upload(analyst_client, wave, "wave.csv", csv_bytes(rows), django_capture_on_commit_callbacks)
    html = analyst_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nothing was imported." in html
    assert "2 bad rows of 4." in html
    assert "<td>3</td><td>column region: “999999999” — not the KATO code" in html
    assert "<td>5</td><td>column weight: “-2” — a weight must be a positive number</td>" in html
    assert not Microdata.objects.exists()


def test_a_file_of_another_kind_is_refused_on_the_form(analyst_client, wave, pdf_bytes):
    response = analyst_client.post(
        reverse("survey:staff_upload", args=[wave.pk]),
        {"file": SimpleUploadedFile("scan.pdf", pdf_bytes)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Only CSV, XLSX and SPSS .sav files can be imported." in response.content.decode()
    assert not MicrodataImport.objects.exists()


def test_publishing_without_results_is_refused_with_a_message(analyst_client, wave):
    response = analyst_client.post(
        reverse("survey:staff_wave_action", args=[wave.pk, "publish"]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Only a wave whose weighting converged" in response.content.decode()
    wave.refresh_from_db()
    assert wave.state == Wave.State.DRAFT
