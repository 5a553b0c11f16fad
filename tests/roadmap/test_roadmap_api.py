"""GET /api/v1/roadmap answers the programmes with their stages, the measure tree as computed, and the
indicators with their yearly values, saying which actuals are computed; the schema shows an example."""

import datetime as dt
from decimal import Decimal

import pytest

from adal.core.permissions import SYSTEM
from adal.ratings.models import Country, Index, IndexValue
from adal.roadmap.models import Indicator, IndicatorYear, LiveSource, Rollup
from adal.roadmap.services import indicator_save, indicator_year_save, progress_confirm, progress_report
from tests.roadmap.conftest import add_measure


@pytest.fixture
def roadmap(programme, stage, units):
    top = add_measure(programme, stage, "2.1", rollup=Rollup.MINIMUM, deadline=dt.date(2021, 12, 31))
    leaf = add_measure(programme, stage, "2.1.1", parent=top, unit=units["aktobe"], weight=Decimal(2))
    add_measure(programme, stage, "2.1.2", parent=top, responsible_body_ru="Министерство юстиции")
    report = progress_report(measure=leaf, percent=40, text="Начато", as_of=dt.date(2021, 1, 1), by=SYSTEM)
    progress_confirm(report=report, by=SYSTEM)
    index = Index.objects.create(
        code="cpi", name_ru="ИВК", name_kk="СЖҚИ", name_en="CPI", publisher="TI", scale_min=0, scale_max=100
    )
    IndexValue.objects.create(
        index=index, country=Country.objects.get(iso3="KAZ"), year=2020, score=38, rank=94
    )
    rank = indicator_save(
        indicator=Indicator(
            programme=programme,
            code="cpi-rank",
            title_ru="Место",
            source=LiveSource.RATING_RANK,
            source_key="cpi",
        ),
        by=SYSTEM,
    )
    indicator_year_save(row=IndicatorYear(indicator=rank, year=2025, target=Decimal(50)), by=SYSTEM)
    return programme


def test_the_road_map_answers_the_tree_as_computed(client, roadmap):
    (programme,) = client.get("/api/v1/roadmap").json()
    (stage,) = programme["stages"]
    (top,) = stage["measures"]
    assert {k: top[k] for k in ("code", "status", "progress", "rollup", "rag", "deadline")} == {
        "code": "2.1",
        "status": "overdue",
        "progress": 0.0,  # the minimum of 40 and 0
        "rollup": "minimum",
        "rag": "red",
        "deadline": "2021-12-31",
    }
    leaf, other = top["children"]
    assert (leaf["progress"], leaf["weight"], leaf["rollup"], leaf["responsible"]) == (
        40.0,
        2.0,
        None,
        "Актобе",
    )
    assert other["responsible"] == "Министерство юстиции"
    assert set(leaf) >= {
        "id",
        "title",
        "status",
        "deadline",
        "responsible",
        "weight",
        "progress",
        "rollup",
        "rag",
    }


def test_indicators_say_which_actuals_are_computed(client, roadmap):
    (indicator,) = client.get("/api/v1/roadmap").json()[0]["indicators"]
    years = {y["year"]: y for y in indicator["years"]}
    assert indicator["live_source"] == "rating_rank"
    assert (years[2020]["actual"], years[2020]["computed"]) == ("94", True) or years[2020]["actual"] == 94
    assert years[2020]["computed"] is True
    assert (years[2025]["target"], years[2025]["computed"]) in {
        ("50", False),
        (50, False),
        ("50.0000", False),
    }


def test_titles_follow_the_language_asked_for(client, roadmap):
    answer = client.get("/api/v1/roadmap", headers={"Accept-Language": "en"}).json()
    assert answer[0]["title"] == "Anti-corruption programme"


def test_the_schema_has_an_example_and_the_tree(client, db):
    schema = client.get("/api/openapi.json").json()
    ok = schema["paths"]["/api/v1/roadmap"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ok["example"][0]["stages"][0]["measures"][0]["children"]
    measure = schema["components"]["schemas"]["MeasureOut"]["properties"]
    assert measure["children"]["items"]["$ref"].endswith("/MeasureOut")
