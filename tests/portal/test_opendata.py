"""Open data: the Frictionless package of a period, its CSV and JSON, suppression, the pages and the feeds."""

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from frictionless import Package, validate

from adal.cases.statistics import case_tallies
from adal.core.models import Role
from adal.core.permissions import SYSTEM
from adal.councils.selectors import period_of_days
from adal.demo.ratings import build_ratings
from adal.demo.roadmap import build_roadmap
from adal.portal import feeds
from adal.portal import opendata as od
from adal.portal.figures import COUNTS, case_statistics
from adal.roadmap.services import progress_confirm, progress_report
from adal.stats.disclosure import THRESHOLD, suppress
from tests.conftest import demo_case_volume, demo_councils, demo_discipline, demo_units, make_staff, replayed
from tests.roadmap.conftest import add_measure

EN = {"accept-language": "en"}
H2_2019 = (dt.date(2019, 7, 1), dt.date(2019, 12, 31))
H1_2025 = (dt.date(2025, 1, 1), dt.date(2025, 6, 30))
MARCH_2025 = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def dated(period, name):
    return reverse("portal:opendata_file", args=[period, name])


@pytest.fixture
def volume(db):
    return demo_case_volume(demo_units(), per_day=1.5)


@pytest.fixture
def programme_data(db):
    """Everything the portal publishes: councils, discipline, cases, ratings and the road map (the
    councils first, as the period report's tests build them, so that one building serves both)."""
    units = demo_units()
    demo_councils(units)
    demo_discipline()
    demo_case_volume(units, per_day=1.5)
    replayed("opendata.ratings_and_roadmap", lambda: (build_ratings(), build_roadmap(units)))
    return units


def unzip(client, period) -> dict[str, bytes]:
    response = client.get(dated(period, od.zip_name(*period)), headers=EN)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))  # strict: fails on bad UTF-8


# ---------------------------------------------------------------- the package


def test_every_resource_of_the_package_is_valid_and_json_matches_csv(client, programme_data, tmp_path):
    for period in (H2_2019, H1_2025):  # the councils' and discipline's half-year, and the cases' one
        folder = tmp_path / str(period[0])
        folder.mkdir()
        filled = check_package(unzip(client, period), folder)
        assert filled >= 10, period  # the demo fills most tables (no survey wave in these periods)


def check_package(files: dict[str, bytes], folder) -> int:
    """The ZIP holds every file; frictionless finds every resource valid; each JSON holds the rows of
    its CSV, read with the package's schema. Returns how many tables have rows."""
    expected = {"datapackage.json", "README.md", "LICENSE.txt"}
    expected |= {r.csv_name for r in od.RESOURCES} | {r.json_name for r in od.RESOURCES}
    assert set(files) == expected
    for name, data in files.items():
        (folder / name).write_bytes(data)

    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])
    assert [t.name for t in report.tasks] == [r.name for r in od.RESOURCES]

    package = Package(str(folder / "datapackage.json"))
    filled = 0
    for r in od.RESOURCES:
        files[r.csv_name].decode("utf-8")  # strict UTF-8
        rows = json.loads(files[r.json_name])
        read = [{k: _plain(v) for k, v in row.items()} for row in package.get_resource(r.name).read_rows()]
        assert read == rows, r.name
        filled += bool(rows)
    return filled


def _plain(value):
    """A typed CSV cell as JSON holds it."""
    if isinstance(value, Decimal):
        return float(value)
    return value.isoformat() if isinstance(value, dt.date) else value


def test_the_datapackage_describes_every_resource_under_cc_by(client, db):
    package = client.get("/open-data/datapackage.json", headers=EN).json()
    assert package["profile"] == "tabular-data-package"
    assert package["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0",
        }
    ]
    assert [r["name"] for r in package["resources"]] == [r.name for r in od.RESOURCES]
    for described, resource in zip(package["resources"], od.RESOURCES, strict=True):
        assert described["path"] == resource.csv_name
        assert (described["format"], described["mediatype"], described["encoding"]) == (
            "csv",
            "text/csv",
            "utf-8",
        )
        assert [f["name"] for f in described["schema"]["fields"]] == [c.name for c in resource.columns]
        assert all(f["description"] for f in described["schema"]["fields"])
        assert set(described["titles"]) == {"ru", "kk", "en"}
        assert described["titles"]["kk"] != described["titles"]["en"]
    cases = package["resources"][0]
    assert cases["schema"]["primaryKey"] == ["key"]
    assert "suppressed" in cases["description"]


# ---------------------------------------------------------------- suppression


def test_no_suppressed_count_is_in_any_file_and_totals_do_not_reveal_one(client, volume):
    period = MARCH_2025
    hidden_somewhere = 0
    for by in ("region", "category", "channel", "outcome", "unit"):
        name = f"cases_by_{by}"
        from_csv = {row["key"]: row for row in csv_rows(client.get(dated(period, f"{name}.csv")).content)}
        from_json = {row["key"]: row for row in client.get(dated(period, f"{name}.json")).json()}
        assert set(from_csv) == set(from_json)

        # the true counts and what adal.stats.disclosure hides of them
        tallies = case_tallies(period_of_days(*period), by)
        keys = sorted(tallies)
        hidden = suppress([[getattr(tallies[k], c) for c in COUNTS] for k in keys], THRESHOLD)
        for key, cells in zip(keys, hidden.cells, strict=True):
            shown_key = od.UNROUTED if key == "" else key
            for column, is_hidden in zip(COUNTS, cells, strict=True):
                true = getattr(tallies[key], column)
                assert from_json[shown_key][column] == (None if is_hidden else true), (by, key, column)
                assert from_csv[shown_key][column] == ("" if is_hidden else str(true)), (by, key, column)
            if any(cells):
                hidden_somewhere += 1
                assert from_csv[shown_key]["suppressed"] == "true"
                assert from_json[shown_key]["on_time_share"] is None or not cells[-1]

        # what the statistics page shows is what the files hold
        page = case_statistics(*period, by)
        for group in page.groups:
            row = from_json[od.UNROUTED if group.key == "" else group.key]
            assert row == {k: od.cell(v) for k, v in group.as_row().items()} | {"key": row["key"]}

        # the total minus the shown counts never gives back one hidden count
        total = from_json[od.TOTAL]
        groups = [r for k, r in from_json.items() if k != od.TOTAL]
        for column in COUNTS:
            missing = [r for r in groups if r[column] is None]
            assert not any(r[column] is not None and 0 < r[column] < THRESHOLD for r in groups)
            if missing and total[column] is not None:
                assert len(missing) >= 2
                assert total[column] - sum(r[column] for r in groups if r[column] is not None) >= THRESHOLD
    assert hidden_somewhere  # the test data has small cells


def test_the_statistics_page_and_the_files_hide_the_same_rows(client, volume):
    query = {"from": MARCH_2025[0], "to": MARCH_2025[1]}
    html = client.get(reverse("portal:statistics"), query).content.decode()
    files = sum(
        row["suppressed"] == "true"
        for by in ("region", "category", "channel", "outcome", "unit")
        for row in csv_rows(client.get(dated(MARCH_2025, f"cases_by_{by}.csv")).content)
        if row["key"] != od.TOTAL
    )
    assert files and html.count('data-suppressed="1"') == files


# ---------------------------------------------------------------- addresses and pages


def test_a_period_asked_in_the_query_is_sent_to_its_dated_address(client, db):
    response = client.get("/open-data/cases_by_region.csv", {"from": "2025-01-01", "to": "2025-06-30"})
    assert response.status_code == 302
    assert response["Location"] == "/open-data/2025-01-01_2025-06-30/cases_by_region.csv"
    assert client.get("/open-data/2025-06-30_2025-01-01/cases_by_region.csv").status_code == 404
    assert client.get("/open-data/2025-02-30_2025-03-01/cases_by_region.csv").status_code == 404
    assert client.get("/open-data/2025-01-01_2025-06-30/secrets.csv").status_code == 404
    assert client.get("/open-data/cases_by_region.xml").status_code == 404
    assert (
        client.get("/open-data/cases_by_region.csv", {"from": "2025-06-30", "to": "2025-01-01"}).status_code
        == 400
    )
    response = client.get("/open-data/2025-01-01_2025-06-30/cases_by_region.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8").startswith("key,label,received,")


@pytest.mark.parametrize(
    ("lang", "words"),
    [("ru", "Открытые данные"), ("kk", "Ашық деректер"), ("en", "Open data")],
)
def test_the_open_data_page_lists_every_file_with_its_size(client, units, lang, words):
    response = client.get(reverse("portal:opendata"), {"from": "2025-01-01", "to": "2025-06-30"},
                          headers={"accept-language": lang})  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and words in html
    for r in od.RESOURCES:
        assert f'href="/open-data/2025-01-01_2025-06-30/{r.csv_name}"' in html
        assert f'href="/open-data/2025-01-01_2025-06-30/{r.json_name}"' in html
    assert html.count('data-resource="') == len(od.RESOURCES)
    assert od.zip_name(*H1_2025) in html and "CC-BY-4.0" in html
    assert (
        client.get(reverse("portal:opendata"), {"from": "2025-06-30", "to": "2025-01-01"}).status_code == 400
    )


def test_the_codebook_lists_every_column_in_the_readers_language(client, db):
    html = client.get(reverse("portal:codebook"), headers={"accept-language": "kk"}).content.decode()
    for r in od.RESOURCES:
        assert f'data-resource="{r.name}"' in html
        for c in r.columns:
            assert f"<code>{c.name}</code>" in html
    assert "Ашық деректер" in html and "Open data" not in html


def test_the_dashboard_and_every_page_link_to_open_data(client, db):
    html = client.get(
        reverse("portal:dashboard"), {"from": "2025-01-01", "to": "2025-06-30"}
    ).content.decode()
    assert 'href="/open-data/?from=2025-01-01&amp;to=2025-06-30"' in html
    assert 'href="/open-data/"' in client.get(reverse("portal:methodology")).content.decode()


# ---------------------------------------------------------------- feeds


def test_the_road_map_feed_lists_confirmed_progress_only(client, units):
    from adal.roadmap.models import Programme, Stage
    from adal.roadmap.services import programme_save, stage_save

    plan = programme_save(
        programme=Programme(code="ac-2025", title_ru="Программа", title_en="Programme",
                            starts_on=dt.date(2019, 1, 1), ends_on=dt.date(2025, 12, 31)),
        by=SYSTEM,
    )  # fmt: skip
    stage = stage_save(
        stage=Stage(programme=plan, code="s2", number=2, title_ru="Этап", starts_on=dt.date(2020, 1, 1),
                    ends_on=dt.date(2025, 12, 31)),
        by=SYSTEM,
    )  # fmt: skip
    law = add_measure(plan, stage, "law", title_en="Adopt the law")
    code = add_measure(plan, stage, "code", title_en="Write the code of ethics")
    done = progress_report(
        measure=law, by=SYSTEM, percent=60, text="Passed the Mazhilis.", as_of=dt.date(2024, 6, 1)
    )
    progress_confirm(report=done, by=make_staff("analyst", Role.ANALYST, units["centre"])[0])
    progress_report(measure=code, by=SYSTEM, percent=30, text="Draft circulated.", as_of=dt.date(2024, 6, 1))

    response = client.get(reverse("portal:feed_roadmap"), headers=EN)
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    assert "Adopt the law: 60%" in body and "Passed the Mazhilis." in body
    assert reverse("roadmap:measure", args=["ac-2025", law.pk]) in body
    assert "Draft circulated." not in body  # no second signature yet
    rows = client.get(dated((dt.date(2024, 1, 1), dt.date(2024, 12, 31)), "roadmap_progress.json")).json()
    assert [(r["measure"], r["percent"]) for r in rows] == [("law", 60)]


def test_the_period_report_feed_waits_for_the_report_module(client, db, monkeypatch):
    monkeypatch.setattr(feeds, "_period_reports", [])
    assert client.get(reverse("portal:feed_reports")).status_code == 404
    feeds.register_period_reports(
        lambda: [feeds.ReportEntry("Report for H2 2019", dt.date(2020, 1, 20), "/portal/reports/h2-2019/")]
    )
    body = client.get(reverse("portal:feed_reports"), headers=EN).content.decode()
    assert "Report for H2 2019" in body and "/portal/reports/h2-2019/" in body and "2020-01-20" in body
