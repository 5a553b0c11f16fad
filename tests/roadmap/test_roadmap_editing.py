"""A road-map manager edits programmes, stages, measures and indicators on the staff pages, through the
services: every change audited, bad input refused whole with a message in the reader's language, and
no page open to anyone without `roadmap.manage`."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from adal.core.models import AuditEvent
from adal.roadmap.models import Indicator, IndicatorYear, LiveSource, Measure, Programme, Rollup, Stage
from tests.roadmap.conftest import add_measure


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def analyst(client, people):
    client.force_login(people["analyst"])
    return people["analyst"]


def audited(action):
    return AuditEvent.objects.filter(action=action).count()


def measure_data(stage, code="3.1", **overrides):
    return {
        "stage": stage.pk,
        "parent": "",
        "code": code,
        "order": 1,
        "title_ru": "Мера",
        "title_kk": "Шара",
        "title_en": "Measure",
        "deadline": "2024-06-30",
        "weight": "2",
        "rollup": Rollup.WEIGHTED_MEAN,
        **overrides,
    }


def years(*rows, initial=0):
    data = {"years-TOTAL_FORMS": len(rows), "years-INITIAL_FORMS": initial}
    for i, row in enumerate(rows):
        data.update({f"years-{i}-{name}": value for name, value in row.items()})
    return data


def test_a_manager_creates_a_programme_and_a_stage(client, analyst):
    assert client.get(reverse("roadmap:programme_new")).status_code == 200
    response = client.post(
        reverse("roadmap:programme_new"),
        {"code": "p-2030", "title_ru": "Программа", "starts_on": "2026-01-01", "ends_on": "2030-12-31"},
    )
    programme = Programme.objects.get(code="p-2030")
    assert response.url == reverse("roadmap:editor", args=[programme.pk])
    assert audited("roadmap.programme_created") == 1
    response = client.post(
        reverse("roadmap:stage_new", args=[programme.pk]),
        {"code": "s1", "number": 1, "title_ru": "Этап", "starts_on": "2026-01-01", "ends_on": "2027-12-31"},
    )
    assert response.status_code == 302
    assert programme.stages.get().code == "s1" and audited("roadmap.stage_created") == 1
    page = client.get(reverse("roadmap:editor", args=[programme.pk])).content.decode()
    assert 'data-testid="stage-s1"' in page


def test_bad_dates_and_a_taken_code_are_refused_with_messages(client, analyst, programme, stage):
    response = client.post(
        reverse("roadmap:stage_new", args=[programme.pk]),
        {"code": "s3", "number": 3, "title_ru": "Этап", "starts_on": "2026-01-01", "ends_on": "2025-01-01"},
    )
    assert response.status_code == 400
    assert "The end cannot come before the start." in response.content.decode()
    response = client.post(
        reverse("roadmap:stage_new", args=[programme.pk]),
        {"code": "s2", "number": 3, "title_ru": "Этап", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
    )
    assert response.status_code == 400 and 'data-testid="refused"' in response.content.decode()
    assert programme.stages.count() == 1 and audited("roadmap.stage_created") == 1  # the fixture's


def test_a_manager_adds_and_edits_a_measure_with_its_parent_and_responsible(
    client, analyst, programme, stage, units
):
    top = add_measure(programme, stage, "2.1")
    url = reverse("roadmap:measure_new", args=[programme.pk])
    page = client.get(url, {"parent": top.pk}).content.decode()
    assert f'<option value="{top.pk}" selected>' in page
    response = client.post(
        url,
        measure_data(
            stage,
            "2.1.1",
            parent=top.pk,
            responsible_unit=units["aktobe"].pk,
            responsible_body_ru="Министерство юстиции",
            rollup=Rollup.MINIMUM,
        ),
    )
    assert response.status_code == 302
    part = Measure.objects.get(code="2.1.1")
    assert (part.parent, part.responsible_unit, part.weight) == (top, units["aktobe"], Decimal(2))
    assert part.responsible == "Министерство юстиции"
    response = client.post(
        reverse("roadmap:measure_edit", args=[part.pk]),
        measure_data(stage, "2.1.1", parent=top.pk, deadline="2025-03-31"),
    )
    part.refresh_from_db()
    assert response.status_code == 302 and part.deadline == dt.date(2025, 3, 31)
    assert audited("roadmap.measure_updated") == 1


def test_a_measure_is_never_its_own_part(client, analyst, programme, stage):
    top = add_measure(programme, stage, "2.1")
    part = add_measure(programme, stage, "2.1.1", parent=top)
    offered = client.get(reverse("roadmap:measure_edit", args=[top.pk])).context["form"]["parent"]
    assert [c.data["value"] for c in offered.subwidgets] == [""]  # neither itself nor its part
    response = client.post(
        reverse("roadmap:measure_edit", args=[top.pk]), measure_data(stage, "2.1", parent=part.pk)
    )
    assert response.status_code == 400
    top.refresh_from_db()
    assert top.parent is None


def test_a_part_in_another_stage_is_refused_and_nothing_is_saved(client, analyst, programme, stage):
    other = Stage.objects.create(
        programme=programme,
        code="s3",
        number=3,
        title_ru="Третий",
        starts_on=stage.starts_on,
        ends_on=stage.ends_on,
    )
    top = add_measure(programme, stage, "2.1")
    response = client.post(
        reverse("roadmap:measure_new", args=[programme.pk]), measure_data(other, "3.1", parent=top.pk)
    )
    assert response.status_code == 400
    assert "A measure and its parent must be in the same stage." in response.content.decode()
    assert not Measure.objects.filter(code="3.1").exists()


def test_a_manager_cancels_a_measure_with_its_date(client, analyst, programme, stage):
    measure = add_measure(programme, stage, "2.1")
    page = client.get(reverse("roadmap:measure_edit", args=[measure.pk])).content.decode()
    assert 'data-testid="cancel-form"' in page
    response = client.post(reverse("roadmap:measure_cancel", args=[measure.pk]), {"on": "2024-02-01"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.cancelled_on == dt.date(2024, 2, 1) and audited("roadmap.measure_cancel_updated") == 1
    client.post(reverse("roadmap:measure_cancel", args=[measure.pk]), {"on": "2024-03-01"})
    measure.refresh_from_db()
    assert measure.cancelled_on == dt.date(2024, 2, 1)  # refused: cancelled already
    client.post(reverse("roadmap:measure_cancel", args=[measure.pk]), {"on": "not a date"})
    assert Measure.objects.get(pk=measure.pk).cancelled_on == dt.date(2024, 2, 1)


def test_a_typed_indicator_is_saved_with_its_years_and_their_source(client, analyst, programme):
    url = reverse("roadmap:indicator_new", args=[programme.pk])
    assert client.get(url).status_code == 200
    data = {"code": "laws", "order": 1, "title_ru": "Законы", "decimals": 0, "source": "", "source_key": ""}
    data |= years(
        {"year": 2020, "baseline": "0", "target": "", "actual": "", "source": ""},
        {"year": 2022, "baseline": "", "target": "3", "actual": "2", "source": "Мажилис"},
    )
    assert client.post(url, data).status_code == 302
    indicator = Indicator.objects.get(code="laws")
    rows = {r.year: (r.baseline, r.target, r.actual, r.source) for r in indicator.years.all()}
    assert rows == {2020: (0, None, None, ""), 2022: (None, 3, 2, "Мажилис")}
    assert audited("roadmap.indicator_year_created") == 2


def test_an_actual_value_without_source_saves_nothing_at_all(client, analyst, programme):
    data = {"code": "laws", "order": 1, "title_ru": "Законы", "decimals": 0, "source": ""}
    data |= years(
        {"year": 2020, "baseline": "0"},
        {"year": 2022, "actual": "2", "source": ""},
    )
    response = client.post(reverse("roadmap:indicator_new", args=[programme.pk]), data)
    assert response.status_code == 400
    assert "A typed actual value needs its source." in response.content.decode()
    assert not Indicator.objects.exists() and not IndicatorYear.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="roadmap.indicator").exists()


def test_a_live_indicator_takes_no_typed_actual(client, analyst, programme):
    data = {"code": "meetings", "order": 1, "title_ru": "Заседания", "decimals": 0}
    data |= {"source": LiveSource.COUNCIL_MEETINGS}
    response = client.post(
        reverse("roadmap:indicator_new", args=[programme.pk]),
        data | years({"year": 2022, "actual": "5", "source": "?"}),
    )
    assert response.status_code == 400 and not Indicator.objects.exists()
    response = client.post(
        reverse("roadmap:indicator_new", args=[programme.pk]),
        data | years({"year": 2025, "baseline": "4", "target": "12"}),
    )
    indicator = Indicator.objects.get(code="meetings")
    assert response.status_code == 302 and indicator.is_live
    response = client.post(
        reverse("roadmap:indicator_edit", args=[indicator.pk]),
        data | {"source": LiveSource.RATING_SCORE, "source_key": ""} | years(),
    )
    assert response.status_code == 400  # which rating?
    assert "Name the rating by its code" in response.content.decode()


def test_a_bad_number_is_shown_in_the_readers_language(client, analyst, programme):
    data = {"code": "laws", "order": 1, "title_ru": "Законы", "decimals": 0, "source": ""}
    data |= years({"year": 2022, "target": "много"})
    with translation.override("kk"):
        response = client.post(
            reverse("roadmap:indicator_new", args=[programme.pk]), data, HTTP_ACCEPT_LANGUAGE="kk"
        )
    assert response.status_code == 400 and not Indicator.objects.exists()
    assert "Сан енгізіңіз." in response.content.decode()


PAGES = [
    ("get", "roadmap:programme_new", False),
    ("post", "roadmap:programme_edit", True),
    ("post", "roadmap:stage_new", True),
    ("get", "roadmap:measure_new", True),
    ("post", "roadmap:indicator_new", True),
    ("get", "roadmap:editor", True),
]


@pytest.mark.parametrize("who", ["officer", "head", "operator"])
def test_the_pages_are_refused_without_the_capability(client, programme, stage, people, who):
    client.force_login(people[who])
    measure = add_measure(programme, stage, "2.1")
    for method, name, with_pk in PAGES:
        url = reverse(name, args=[programme.pk] if with_pk else [])
        assert getattr(client, method)(url, {"code": "x", "title_ru": "x"}).status_code == 403, name
    for name in ("roadmap:measure_edit", "roadmap:measure_cancel"):
        assert client.post(reverse(name, args=[measure.pk]), {"on": "2024-01-01"}).status_code == 403
    assert Measure.objects.get(pk=measure.pk).cancelled_on is None
    page = client.get(reverse("roadmap:staff")).content.decode()
    assert 'data-testid="manage"' not in page


def test_the_staff_page_links_the_editor_not_the_admin(client, analyst, programme):
    page = client.get(reverse("roadmap:staff")).content.decode()
    assert reverse("roadmap:editor", args=[programme.pk]) in page
    assert "/admin/" not in page


def test_a_deadline_in_working_days_is_computed_not_typed(client, analyst, programme, stage):
    Programme.objects.filter(pk=programme.pk).update(working_days=True)
    url = reverse("roadmap:measure_new", args=[programme.pk])
    response = client.post(url, measure_data(stage, "2.9", deadline="", starts_on="2024-01-09"))
    assert response.status_code == 400
    assert "Give the deadline as a date or in working days." in response.content.decode()
    response = client.post(
        url, measure_data(stage, "2.9", deadline="", starts_on="2024-01-09", deadline_days=5)
    )
    assert response.status_code == 302
    assert Measure.objects.get(code="2.9").deadline == dt.date(2024, 1, 16)
