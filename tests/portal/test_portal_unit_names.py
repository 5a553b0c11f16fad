"""The portal names a responsible unit as it was named in the period shown: the demo's branch in the
capital was "Branch: Nur-Sultan" in 2019, as the city was (issue 15, "Territories over time")."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from adal.cases.models import RoutingRule
from adal.core.models import UnitName
from adal.core.permissions import SYSTEM
from adal.core.services import unit_rename
from adal.demo.scenario import build_routing
from adal.demo.volume import build_case_volume
from adal.portal.figures import group_labels
from adal.roadmap.models import Programme, Stage
from adal.roadmap.services import programme_save, stage_save
from tests.conftest import demo_units, replayed
from tests.roadmap.conftest import add_measure

API = "/api/v1/stats/cases"
EN = {"accept-language": "en"}
D = dt.date
ASTANA = "710000000"
H2_2019 = {"from": "2019-07-01", "to": "2019-12-31"}
NUR_SULTAN = {"ru": "Филиал: Нур-Султан", "kk": "Филиал: Нұр-Сұлтан", "en": "Branch: Nur-Sultan"}
ASTANA_NOW = {"ru": "Филиал: Астана", "kk": "Филиал: Астана", "en": "Branch: Astana"}


@pytest.fixture
def cases_of_2019(db):
    """The demo's units, and cases registered from early 2018 to the end of 2019 in every region."""
    units = demo_units()

    def build():
        if not RoutingRule.objects.exists():
            build_routing(units)
        build_case_volume(units, now=dt.datetime(2020, 3, 1, 12, tzinfo=dt.UTC), per_day=1.0)

    replayed("portal.cases_of_2019", build)
    return units


def test_the_demos_capital_branch_follows_the_capitals_names(db):
    branch = demo_units()[ASTANA]
    assert (branch.name_ru, branch.name_kk, branch.name_en) == tuple(ASTANA_NOW.values())
    names = list(UnitName.objects.filter(unit=branch).values_list("name_en", "valid_from", "valid_to"))
    assert names == [
        ("Branch: Akmola", None, dt.date(1998, 5, 6)),
        ("Branch: Astana", dt.date(1998, 5, 6), dt.date(2019, 3, 23)),
        ("Branch: Nur-Sultan", dt.date(2019, 3, 23), dt.date(2022, 9, 17)),
    ]


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_the_api_by_unit_names_the_capitals_branch_as_in_2019(client, cases_of_2019, lang):
    key = str(cases_of_2019[ASTANA].pk)
    body = client.get(API, {**H2_2019, "by": "unit"}, headers={"accept-language": lang}).json()
    labels = {g["key"]: g["label"] for g in body["groups"]}
    assert labels[key] == NUR_SULTAN[lang]
    assert not any(ASTANA_NOW[lang] == label for label in labels.values())


def test_the_figures_name_the_branch_as_today_in_a_period_since_2022(cases_of_2019):
    key = str(cases_of_2019[ASTANA].pk)
    with translation.override("en"):
        assert group_labels("unit", [key], dt.date(2025, 1, 1))[key] == "Branch: Astana"
        assert group_labels("unit", [key], dt.date(2019, 7, 1))[key] == "Branch: Nur-Sultan"
        assert group_labels("unit", [key], dt.date(2010, 1, 1))[key] == "Branch: Astana"  # 1998–2019


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_open_data_by_unit_names_the_branch_as_in_2019(client, cases_of_2019, lang):
    key = str(cases_of_2019[ASTANA].pk)
    period = (dt.date(2019, 7, 1), dt.date(2019, 12, 31))
    rows = client.get(
        reverse("portal:opendata_file", args=[period, "cases_by_unit.json"]),
        headers={"accept-language": lang},
    ).json()
    assert {r["key"]: r["label"] for r in rows}[key] == NUR_SULTAN[lang]
    csv_text = client.get(
        reverse("portal:opendata_file", args=[period, "cases_by_unit.csv"]), headers={"accept-language": lang}
    ).content.decode()
    assert NUR_SULTAN[lang] in csv_text and ASTANA_NOW[lang] not in csv_text


def test_a_unit_renamed_by_an_administrator_keeps_its_name_in_past_figures(cases_of_2019):
    aktobe = cases_of_2019["150000000"]
    key = str(aktobe.pk)
    unit_rename(
        unit=aktobe, name_ru="Новый", name_kk="Жаңа", name_en="New", on=dt.date(2024, 1, 1), by=SYSTEM
    )
    with translation.override("en"):
        assert group_labels("unit", [key], dt.date(2019, 7, 1))[key] == "Branch: Aktobe Region"
        assert group_labels("unit", [key], dt.date(2024, 1, 1))[key] == "New"


def test_open_data_names_a_measures_unit_as_on_the_day_its_figures_are_for(client, units):
    plan = programme_save(
        programme=Programme(
            code="ac", title_ru="Программа", starts_on=D(2019, 1, 1), ends_on=D(2025, 12, 31)
        ),
        by=SYSTEM,
    )
    stage = stage_save(
        stage=Stage(
            programme=plan,
            code="s",
            number=1,
            title_ru="Этап",
            starts_on=D(2019, 1, 1),
            ends_on=D(2025, 12, 31),
        ),
        by=SYSTEM,
    )
    aktobe = units["aktobe"]
    add_measure(plan, stage, "law", unit=aktobe)
    unit_rename(
        unit=aktobe, name_ru="Новый", name_kk="Жаңа", name_en="New", on=dt.date(2024, 1, 1), by=SYSTEM
    )
    year = {
        2023: (dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        2024: (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    }
    named = {
        y: client.get(
            reverse("portal:opendata_file", args=[period, "roadmap_measures.json"]), headers=EN
        ).json()
        for y, period in year.items()
    }
    assert [r["responsible"] for r in named[2023]] == ["Aktobe"]
    assert [r["responsible"] for r in named[2024]] == ["New"]
