import datetime as dt

import pytest

from adal.core.models import Role
from adal.core.permissions import SYSTEM
from adal.roadmap.models import Measure, Programme, Stage
from adal.roadmap.services import measure_save, programme_save, stage_save
from tests.cases.conftest import new_case, org  # noqa: F401  (fixtures: real cases for live indicators)
from tests.conftest import make_staff


def add_measure(programme, stage, code, *, parent=None, unit=None, deadline=dt.date(2025, 12, 31), **fields):
    measure = Measure(
        programme=programme,
        stage=stage,
        parent=parent,
        code=code,
        title_ru=f"Мера {code}",
        responsible_unit=unit,
        deadline=deadline,
        **fields,
    )
    return measure_save(measure=measure, by=SYSTEM)


@pytest.fixture
def programme(db):
    return programme_save(
        programme=Programme(
            code="ac-2025",
            title_ru="Антикоррупционная программа",
            title_kk="Сыбайлас жемқорлыққа қарсы бағдарлама",
            title_en="Anti-corruption programme",
            starts_on=dt.date(2019, 1, 1),
            ends_on=dt.date(2025, 12, 31),
        ),
        by=SYSTEM,
    )


@pytest.fixture
def stage(programme):
    return stage_save(
        stage=Stage(
            programme=programme,
            code="s2",
            number=2,
            title_ru="Второй этап",
            starts_on=dt.date(2020, 4, 1),
            ends_on=dt.date(2025, 12, 31),
        ),
        by=SYSTEM,
    )


@pytest.fixture
def people(units):
    """Two officers and the head of Aktobe, an officer of Almaty, and an analyst at the centre."""
    return {
        "officer": make_staff("officer", Role.CASE_OFFICER, units["aktobe"])[0],
        "second": make_staff("second", Role.COUNCIL_SECRETARY, units["aktobe"])[0],
        "head": make_staff("head", Role.UNIT_HEAD, units["aktobe"])[0],
        "almaty": make_staff("almaty", Role.CASE_OFFICER, units["almaty"])[0],
        "analyst": make_staff("roadmap-analyst", Role.ANALYST, units["centre"])[0],
        "operator": make_staff("roadmap-operator", Role.OPERATOR, units["aktobe"])[0],
    }
