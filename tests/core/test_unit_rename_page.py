"""The staff page on which an administrator renames a unit, keeping its former name for the past."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from adal.core.models import AuditEvent, Role, UnitName
from adal.core.permissions import SYSTEM
from adal.core.services import unit_rename
from tests.conftest import make_staff

D = dt.date


@pytest.fixture
def administrator(units):
    return make_staff("admin", Role.ADMINISTRATOR, units["centre"])[0]


def signed_in(client, user, lang="ru"):
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def post(client, unit, **changes):
    data = {
        "name_ru": "Филиал-2",
        "name_kk": "Филиал-2",
        "name_en": "Branch 2",
        "on": "2020-01-01",
        **changes,
    }
    return client.post(reverse("core:staff_unit_rename", args=[unit.pk]), data)


def test_the_units_page_lists_units_with_their_former_names(client, administrator, units):
    unit_rename(
        unit=units["aktobe"], name_ru="Новое", name_kk="Жаңа", name_en="New", on=D(2020, 1, 1), by=SYSTEM
    )
    page = signed_in(client, administrator, "en").get(reverse("core:staff_units"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "New" in text and "Aktobe (until 31.12.2019)" in text
    assert reverse("core:staff_unit_rename", args=[units["aktobe"].pk]) in text


def test_an_administrator_renames_a_unit_from_a_day(client, administrator, units):
    response = post(signed_in(client, administrator), units["aktobe"])
    assert response.status_code == 302 and response.url == reverse("core:staff_units")
    aktobe = units["aktobe"]
    aktobe.refresh_from_db()
    assert aktobe.name_en == "Branch 2"
    former = UnitName.objects.get(unit=aktobe)
    assert (former.name_en, former.valid_to) == ("Aktobe", D(2020, 1, 1))
    assert AuditEvent.objects.get(action="unit.renamed").actor_label == "admin"


@pytest.mark.parametrize(
    ("lang", "changes", "message"),
    [
        ("ru", {"on": "not a date"}, "Введите правильную дату"),
        ("kk", {"name_kk": ""}, "Міндетті өріс"),
        ("kk", {"on": "2999-01-01"}, "әлі келмеген күннен"),
        ("ru", {"name_ru": "Актобе", "name_kk": "Ақтөбе", "name_en": "Aktobe"}, "уже носит эти названия"),
        ("en", {"name_en": " "}, "This field is required"),
    ],
)
def test_bad_input_is_told_in_the_readers_language_and_nothing_is_saved(
    client, administrator, units, lang, changes, message
):
    response = post(signed_in(client, administrator, lang), units["aktobe"], **changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    units["aktobe"].refresh_from_db()
    assert units["aktobe"].name_en == "Aktobe"
    assert not UnitName.objects.exists() and not AuditEvent.objects.filter(action="unit.renamed").exists()


def test_a_date_before_the_last_rename_is_refused_on_the_page(client, administrator, units):
    unit_rename(
        unit=units["aktobe"], name_ru="Новое", name_kk="Жаңа", name_en="New", on=D(2021, 1, 1), by=SYSTEM
    )
    response = post(signed_in(client, administrator), units["aktobe"], on="2020-06-01")
    assert response.status_code == 400
    assert "в последний раз переименовано" in response.content.decode()
    assert UnitName.objects.count() == 1


@pytest.mark.parametrize("role", [Role.UNIT_HEAD, Role.ANALYST, Role.OPERATOR])
def test_only_administrators_reach_the_pages(client, units, role):
    user = make_staff("someone", role, units["aktobe"])[0]
    signed_in(client, user)
    assert client.get(reverse("core:staff_units")).status_code == 403
    assert post(client, units["aktobe"]).status_code == 403
    assert not UnitName.objects.exists()


def test_the_form_proposes_the_current_names_and_today(client, administrator, units):
    page = signed_in(client, administrator).get(reverse("core:staff_unit_rename", args=[units["aktobe"].pk]))
    text = page.content.decode()
    assert 'value="Ақтөбе"' in text and f'value="{timezone.localdate().isoformat()}"' in text


def test_the_pages_read_in_kazakh(client, administrator, units):
    unit_rename(
        unit=units["aktobe"], name_ru="Новое", name_kk="Жаңа", name_en="New", on=D(2020, 1, 1), by=SYSTEM
    )
    signed_in(client, administrator, "kk")
    listing = client.get(reverse("core:staff_units")).content.decode()
    assert (
        "Ұйымның бөлімшелері" in listing
        and "Бұрынғы атаулары" in listing
        and "Ақтөбе (31.12.2019 дейін)" in listing
    )
    form = client.get(reverse("core:staff_unit_rename", args=[units["aktobe"].pk])).content.decode()
    assert "Жаңа атау қолданылатын алғашқы күн" in form and "Бөлімшенің атауын өзгерту" in form
    for english in ("Former names", "Rename", "New name from", "Organisation units"):
        assert english not in listing + form
    home = client.get(reverse("core:staff_home")).content.decode()
    assert "Ұйымның бөлімшелері және олардың атаулары" in home
