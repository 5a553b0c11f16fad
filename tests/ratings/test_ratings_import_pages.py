"""Only analysts and administrators import: upload, preview every error or the changes, then commit or
discard, each step audited."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from adal.core.models import AuditEvent, Role
from adal.ratings.models import IndexValue, RatingImport
from adal.ratings.services import RatingsRefused, import_commit, import_stage
from tests.conftest import make_staff
from tests.ratings.conftest import CPI_2023, TIMESERIES, generic


def upload(client, index, content: bytes, fmt="ti-results", name="cpi.psv", year=""):
    return client.post(
        reverse("ratings:import"),
        {"index": index.pk, "format": fmt, "year": year, "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    "role", [Role.OPERATOR, Role.CASE_OFFICER, Role.UNIT_HEAD, Role.COUNCIL_SECRETARY, Role.AUDITOR]
)
def test_other_roles_may_not_import(client, units, cpi, role):
    user = make_staff(f"user-{role}", role, units["centre"])[0]
    client.force_login(user)
    assert client.get(reverse("ratings:import")).status_code == 403
    assert upload(client, cpi, CPI_2023.read_bytes()).status_code == 403
    with pytest.raises(RatingsRefused):
        import_stage(index=cpi, fmt="ti-results", file_name="x", content=CPI_2023.read_bytes(), by=user)
    assert not RatingImport.objects.exists()


def test_the_public_is_sent_to_sign_in(client, cpi):
    response = client.get(reverse("ratings:import"))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMINISTRATOR])
def test_analysts_and_administrators_import(client, units, cpi, role):
    user = make_staff(f"user-{role}", role, units["centre"])[0]
    client.force_login(user)
    assert client.get(reverse("ratings:import")).status_code == 200
    response = upload(client, cpi, CPI_2023.read_bytes())
    batch = RatingImport.objects.get()
    assert response["Location"] == reverse("ratings:import_preview", args=[batch.pk])
    assert not IndexValue.objects.exists()  # staged only

    preview = client.get(response["Location"]).content.decode()
    assert "180 in all: 180 new, 0 changed, 0 as they are." in preview
    assert "Commit the import" in preview

    client.post(reverse("ratings:import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == RatingImport.Status.COMMITTED
    assert IndexValue.objects.count() == 180
    actions = list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert actions == ["ratings.import_staged", "ratings.import_committed"]
    committed = AuditEvent.objects.get(action="ratings.import_committed")
    assert committed.data["created"] == 180 and committed.data["sha256"] == batch.sha256


def test_a_bad_file_shows_every_error_and_stores_nothing(client, analyst_user, cpi):
    client.force_login(analyst_user)
    text = "Country|ISO3|CPI score 2023|Rank\nDenmark|DNK|90|1\nChad|TCD|x|2\nNowhere|XYZ|30|3\n"
    response = upload(client, cpi, text.encode())
    assert response.status_code == 400
    html = response.content.decode()
    assert "The file was not imported: 2 problems." in html
    assert "“CPI score 2023” is not a number: “x”." in html
    assert "Unknown country code XYZ" in html
    assert not RatingImport.objects.exists() and not IndexValue.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="ratings.").exists()


def test_a_form_without_a_file(client, analyst_user, cpi):
    client.force_login(analyst_user)
    response = client.post(reverse("ratings:import"), {"index": cpi.pk, "format": "ti-results"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_a_discarded_import_cannot_be_committed(client, analyst_user, cpi):
    client.force_login(analyst_user)
    upload(client, cpi, CPI_2023.read_bytes())
    batch = RatingImport.objects.get()
    client.post(reverse("ratings:import_discard", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == RatingImport.Status.DISCARDED
    response = client.post(reverse("ratings:import_commit", args=[batch.pk]), follow=True)
    assert "This import was committed or discarded already." in response.content.decode()
    assert not IndexValue.objects.exists()


def test_an_import_commits_once(analyst_user, cpi):
    batch = import_stage(
        index=cpi, fmt="ti-results", file_name="x", content=CPI_2023.read_bytes(), by=analyst_user
    )
    import_commit(batch=batch, by=analyst_user)
    with pytest.raises(RatingsRefused):
        import_commit(batch=batch, by=analyst_user)
    assert AuditEvent.objects.filter(action="ratings.import_committed").count() == 1


def test_the_preview_shows_what_changes(client, analyst_user, cpi):
    client.force_login(analyst_user)
    upload(client, cpi, CPI_2023.read_bytes())
    client.post(reverse("ratings:import_commit", args=[RatingImport.objects.get().pk]))
    revised = CPI_2023.read_text(encoding="utf-8").replace(
        "Kazakhstan|KAZ|ECA|39|93|3.195811|", "Kazakhstan|KAZ|ECA|39|93|3.5|"
    )
    response = upload(client, cpi, revised.encode())
    html = client.get(response["Location"]).content.decode()
    assert "180 in all: 0 new, 1 changed, 179 as they are." in html
    assert "Kazakhstan" in html and "score 39, rank 93" in html


def test_the_admin_sends_uploads_to_the_staff_page(client, units):
    admin = make_staff("ratings-admin", Role.ADMINISTRATOR, units["centre"])[0]
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    assert client.get(reverse("admin:ratings_ratingimport_add"))["Location"] == reverse("ratings:import")
    for model in ("index", "country", "indexvalue", "target", "ratingimport"):
        assert client.get(reverse(f"admin:ratings_{model}_changelist")).status_code == 200


def test_the_command_imports_whole(cpi):
    out = io.StringIO()
    call_command("ratings_import", str(TIMESERIES), "--index", "cpi", stdout=out)
    assert "Imported 1949 values for 2012, 2013" in out.getvalue()
    assert IndexValue.objects.filter(index=cpi).count() == 1949
    call_command("ratings_import", str(CPI_2023), "--index", "cpi", "--format", "ti-sources", stdout=out)
    assert IndexValue.objects.get(index=cpi, country__iso3="KAZ", year=2023).source_scores.count() == 9


def test_the_command_reports_every_bad_row_and_imports_nothing(gci, tmp_path):
    path = tmp_path / "gci.csv"
    path.write_bytes(generic("iso3,year,score", "KAZ,2019,62.9", "XYZ,2019,50", "UZB,2019,abc"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 2 errors"):
        call_command("ratings_import", str(path), "--index", "wef-gci", stderr=err)
    assert err.getvalue().splitlines() == [
        "Line 3: Unknown country code XYZ: add the country in the administration first.",
        "Line 4: “score” is not a number: “abc”.",
    ]
    assert not IndexValue.objects.exists()
    with pytest.raises(CommandError, match="No index has the code nope"):
        call_command("ratings_import", str(path), "--index", "nope")
