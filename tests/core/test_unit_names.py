"""A unit's former names: a rename keeps the names the unit bore until the day before, so that a past
period's figures name the unit as it was named then (issue 15, "Territories over time")."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from adal.core.models import AuditEvent, Role, UnitName
from adal.core.permissions import SYSTEM, NotAllowed, Refused
from adal.core.selectors import name_on, unit_names_on
from adal.core.services import unit_rename
from tests.conftest import make_staff

D = dt.date


def rename(unit, en: str, on: dt.date, by=SYSTEM):
    return unit_rename(unit=unit, name_ru=f"{en} ru", name_kk=f"{en} kk", name_en=en, on=on, by=by)


@pytest.fixture
def aktobe(units):
    return units["aktobe"]


def test_a_rename_keeps_the_old_names_until_the_day_before(aktobe):
    rename(aktobe, "Aktobe branch", D(2020, 1, 1))
    aktobe.refresh_from_db()
    assert (aktobe.name_ru, aktobe.name_kk, aktobe.name_en) == (
        "Aktobe branch ru",
        "Aktobe branch kk",
        "Aktobe branch",
    )
    former = UnitName.objects.get(unit=aktobe)
    assert (former.name_ru, former.name_kk, former.name_en) == ("Актобе", "Ақтөбе", "Aktobe")
    assert (former.valid_from, former.valid_to) == (None, D(2020, 1, 1))  # its last day: 31 December 2019
    assert name_on(aktobe, D(2019, 12, 31), "en") == "Aktobe"
    assert name_on(aktobe, D(2020, 1, 1), "en") == "Aktobe branch"


def test_a_second_rename_starts_where_the_first_ended(aktobe):
    rename(aktobe, "Second", D(2019, 3, 23))
    rename(aktobe, "Third", D(2022, 9, 17))
    names = list(UnitName.objects.filter(unit=aktobe).values_list("name_en", "valid_from", "valid_to"))
    assert names == [("Aktobe", None, D(2019, 3, 23)), ("Second", D(2019, 3, 23), D(2022, 9, 17))]
    assert [name_on(aktobe, day, "en") for day in (D(2018, 1, 1), D(2019, 7, 1), D(2023, 1, 1))] == [
        "Aktobe",
        "Second",
        "Third",
    ]


@pytest.mark.parametrize("day", [D(2022, 9, 16), D(2022, 9, 17)])
def test_a_rename_dated_on_or_before_the_last_one_is_refused(aktobe, day):
    rename(aktobe, "Second", D(2022, 9, 17))
    with translation.override("ru"), pytest.raises(Refused, match="последний раз"):
        rename(aktobe, "Third", day)
    aktobe.refresh_from_db()
    assert aktobe.name_en == "Second" and UnitName.objects.filter(unit=aktobe).count() == 1


def test_a_rename_from_a_day_to_come_is_refused(aktobe):
    with translation.override("kk"), pytest.raises(Refused, match="келмеген"):
        rename(aktobe, "Later", timezone.localdate() + dt.timedelta(days=1))
    assert not UnitName.objects.exists()


def test_blank_or_unchanged_names_are_refused(aktobe):
    with pytest.raises(Refused):
        unit_rename(unit=aktobe, name_ru="Новое", name_kk=" ", name_en="New", on=D(2020, 1, 1), by=SYSTEM)
    with pytest.raises(Refused):
        unit_rename(
            unit=aktobe, name_ru="Актобе", name_kk="Ақтөбе", name_en="Aktobe", on=D(2020, 1, 1), by=SYSTEM
        )
    assert not UnitName.objects.exists() and not AuditEvent.objects.filter(action="unit.renamed").exists()


def test_a_rename_is_audited_with_both_names(aktobe):
    admin, _secret = make_staff("admin", Role.ADMINISTRATOR, aktobe)
    rename(aktobe, "New", D(2020, 1, 1), by=admin)
    event = AuditEvent.objects.get(action="unit.renamed")
    assert event.actor_label == "admin" and event.target_id == str(aktobe.pk)
    assert event.data == {
        "on": "2020-01-01",
        "from": {"name_ru": "Актобе", "name_kk": "Ақтөбе", "name_en": "Aktobe"},
        "to": {"name_ru": "New ru", "name_kk": "New kk", "name_en": "New"},
    }


@pytest.mark.parametrize("role", [Role.UNIT_HEAD, Role.ANALYST, Role.AUDITOR])
def test_only_an_administrator_renames(aktobe, role):
    user, _secret = make_staff("someone", role, aktobe)
    with pytest.raises(NotAllowed):
        rename(aktobe, "New", D(2020, 1, 1), by=user)
    aktobe.refresh_from_db()
    assert aktobe.name_en == "Aktobe" and not UnitName.objects.exists()


def test_unit_names_on_names_many_units_in_one_query(units, django_assert_num_queries):
    rename(units["aktobe"], "Renamed", D(2020, 1, 1))
    listed = [units["aktobe"], units["almaty"]]
    with django_assert_num_queries(1):
        named = unit_names_on(listed, D(2019, 7, 1))
    assert {pk: n.name_en for pk, n in named.items()} == {
        units["aktobe"].pk: "Aktobe",
        units["almaty"].pk: units["almaty"].name_en,
    }
    assert unit_names_on(listed, D(2020, 1, 1))[units["aktobe"].pk].name_en == "Renamed"
    with translation.override("kk"):
        assert named[units["aktobe"].pk].name == "Ақтөбе"
