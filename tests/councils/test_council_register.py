"""The councils' register on staff pages: an administrator, or the secretary of the council above,
creates a council and seats and unseats its members; overlapping terms and a second chair are refused
with a message on the form, and nothing is written."""

import datetime as dt

import pytest
from django.urls import reverse

from adal.core.models import AuditEvent, Unit
from adal.core.permissions import SYSTEM, may
from adal.core.services import unit_create
from adal.councils.models import Council, Membership, Person, Position
from adal.councils.selectors import councils_seated_by, units_awaiting_council
from adal.councils.services import CouncilActionRefused, council_create, membership_add, person_create
from tests.councils.test_council_pages import sign_in

NAMES = {"name_ru": "Совет Хромтау", "name_kk": "Хромтау кеңесі", "name_en": "Khromtau council"}


@pytest.fixture
def khromtau(org):
    """A district of Aktobe with no council yet."""
    return unit_create(
        name_ru="Хромтау",
        name_kk="Хромтау",
        name_en="Khromtau",
        level="district",
        parent=org["aktobe"],
        by=SYSTEM,
    )


def form_errors(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- services and rules


def test_the_secretary_of_the_council_above_creates_and_seats_below(councils, khromtau):
    secretary = councils["secretary"]  # Aktobe's
    assert khromtau in units_awaiting_council(secretary)
    assert list(units_awaiting_council(councils["almaty_secretary"])) == []
    council = council_create(unit=khromtau, by=secretary, **NAMES)
    assert council.parent == councils["aktobe"]
    assert may(secretary, "council.seat", council)
    assert not may(secretary, "council.manage", council)  # its meetings are its own secretary's
    assert not may(councils["almaty_secretary"], "council.seat", council)
    assert not may(councils["alga_secretary"], "council.seat", councils["aktobe"])
    assert set(councils_seated_by(secretary)) == {councils["aktobe"], councils["alga"], council}


def test_a_secretary_creates_no_council_two_levels_down_nor_beside(councils, org):
    deep = unit_create(
        name_ru="Село",
        name_kk="Ауыл",
        name_en="Village",
        level="district",
        parent=org["aktobe_district"],
        by=SYSTEM,
    )
    with pytest.raises(CouncilActionRefused, match="secretary of the council above"):
        council_create(unit=deep, by=councils["secretary"], **NAMES)
    assert deep in units_awaiting_council(councils["alga_secretary"])
    assert deep in units_awaiting_council(councils["admin"])
    assert deep not in units_awaiting_council(councils["secretary"])


def test_the_secretary_above_seats_members_below(councils):
    person = person_create(full_name="Айгерим Сапарова", by=councils["secretary"])
    seat = membership_add(
        council=councils["alga"],
        person=person,
        position=Position.CHAIR,
        term_start=dt.date(2024, 1, 1),
        by=councils["secretary"],
    )
    assert seat.council == councils["alga"]
    with pytest.raises(CouncilActionRefused, match="the secretary of this council or of the council above"):
        membership_add(
            council=councils["aktobe"],
            person=person,
            position=Position.MEMBER,
            term_start=dt.date(2024, 1, 1),
            by=councils["alga_secretary"],
        )


# ---------------------------------------------------------------- the pages


def test_creating_a_council_on_its_page(client, councils, khromtau):
    sign_in(client, councils["secretary"])
    url = reverse("councils:council_new")
    page = client.get(url)
    assert page.status_code == 200 and "Khromtau" in page.content.decode()
    response = client.post(url, {"unit": khromtau.pk, **NAMES, "slug": "khromtau", "quorum_fraction": "0.5"})
    assert response.status_code == 302
    assert response["Location"] == reverse("councils:staff_members", args=["khromtau"])
    council = Council.objects.get(slug="khromtau")
    assert (council.unit, council.parent, council.territory) == (
        khromtau,
        councils["aktobe"],
        khromtau.territory,
    )
    assert AuditEvent.objects.filter(action="council.created", target_id=str(council.pk)).exists()


def test_bad_input_on_the_create_page_is_named_and_nothing_is_created(client, councils, khromtau):
    sign_in(client, councils["secretary"])
    url = reverse("councils:council_new")
    count = Council.objects.count()
    response = client.post(url, {"unit": "", "name_ru": "", "quorum_fraction": "1.5"})
    assert response.status_code == 400
    text = form_errors(response)
    assert "Choose the unit the council belongs to." in text
    assert "This field is required." in text  # the names
    assert "less than or equal to 0.99" in text
    taken = client.post(url, {"unit": khromtau.pk, **NAMES, "slug": "aktobe", "quorum_fraction": "0.5"})
    assert taken.status_code == 400 and "Another council already uses this address." in form_errors(taken)
    reserved = client.post(url, {"unit": khromtau.pk, **NAMES, "slug": "new", "quorum_fraction": "0.5"})
    assert reserved.status_code == 400 and "belongs to another page" in form_errors(reserved)
    assert Council.objects.count() == count


def test_a_unit_out_of_reach_is_not_offered_and_cannot_be_posted(client, councils, khromtau):
    sign_in(client, councils["almaty_secretary"])
    url = reverse("councils:council_new")
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="no-units"' in page.content.decode()
    response = client.post(url, {"unit": khromtau.pk, **NAMES, "quorum_fraction": "0.5"})
    assert response.status_code == 400 and "Select a valid choice" in form_errors(response)
    assert not Council.objects.filter(unit=khromtau).exists()


def test_a_case_officer_may_not_open_the_register_pages(client, org, councils):
    sign_in(client, org["officer"])
    assert client.get(reverse("councils:council_new")).status_code == 403
    assert client.get(reverse("councils:staff_members", args=["aktobe"])).status_code == 403


def test_seating_and_unseating_on_the_members_page(client, councils):
    sign_in(client, councils["secretary"])
    url = reverse("councils:staff_members", args=["alga"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"add-full_name": "Ерлан Оспанов", "add-position": "chair", "add-term_start": "2024-01-01"},
    )
    assert response.status_code == 302
    chair = Membership.objects.get(council=councils["alga"], person__full_name="Ерлан Оспанов")
    assert chair.position == Position.CHAIR
    page = client.get(url).content.decode()
    assert "Ерлан Оспанов" in page and f'data-membership="{chair.pk}" data-current' in page
    cease = reverse("councils:member_cease", args=["alga", chair.pk])
    ended = client.post(cease, {f"cease-{chair.pk}-on": "2024-06-01", f"cease-{chair.pk}-reason": "Переезд"})
    assert ended.status_code == 302
    chair.refresh_from_db()
    assert (chair.ceased_on, chair.ceased_reason) == (dt.date(2024, 6, 1), "Переезд")
    again = client.post(cease, {f"cease-{chair.pk}-on": "2024-06-02"})
    assert again.status_code == 400 and "already ceased" in form_errors(again)


def test_a_second_chair_and_an_overlapping_term_are_refused_with_a_message(client, councils):
    sign_in(client, councils["admin"])
    url = reverse("councils:staff_members", args=["alga"])
    client.post(
        url, {"add-full_name": "Ерлан Оспанов", "add-position": "chair", "add-term_start": "2024-01-01"}
    )
    people = Person.objects.count()
    second = client.post(
        url, {"add-full_name": "Другой Председатель", "add-position": "chair", "add-term_start": "2024-03-01"}
    )
    assert second.status_code == 400
    assert "The council already has a chair for part of this term: Ерлан Оспанов." in form_errors(second)
    assert Person.objects.count() == people  # the new person was not left behind
    erlan = Person.objects.get(full_name="Ерлан Оспанов")
    overlap = client.post(
        url, {"add-person": erlan.pk, "add-position": "member", "add-term_start": "2024-05-01"}
    )
    assert overlap.status_code == 400
    assert "already sits on this council" in form_errors(overlap)
    assert Membership.objects.filter(council=councils["alga"]).count() == 1


def test_bad_input_on_the_members_page_is_named(client, councils):
    sign_in(client, councils["secretary"])
    url = reverse("councils:staff_members", args=["alga"])
    nobody = client.post(url, {"add-position": "member", "add-term_start": "2024-01-01"})
    assert nobody.status_code == 400 and "Choose a person already known or name a new one." in form_errors(
        nobody
    )
    backwards = client.post(
        url,
        {
            "add-full_name": "Кто-то",
            "add-position": "boss",
            "add-term_start": "2024-05-01",
            "add-term_end": "2024-01-01",
        },
    )
    text = form_errors(backwards)
    assert backwards.status_code == 400
    assert "The term cannot end before it starts." in text and "Select a valid choice" in text
    assert not Membership.objects.filter(council=councils["alga"]).exists()


def test_another_secretary_cannot_seat_or_unseat(client, councils):
    chair = membership_add(
        council=councils["alga"],
        person=person_create(full_name="Ерлан Оспанов", by=SYSTEM),
        position=Position.CHAIR,
        term_start=dt.date(2024, 1, 1),
        by=SYSTEM,
    )
    sign_in(client, councils["almaty_secretary"])
    url = reverse("councils:staff_members", args=["alga"])
    assert client.get(url).status_code == 403
    posted = client.post(
        url, {"add-full_name": "X", "add-position": "member", "add-term_start": "2024-01-01"}
    )
    assert posted.status_code == 403
    cease = reverse("councils:member_cease", args=["alga", chair.pk])
    assert client.post(cease, {f"cease-{chair.pk}-on": "2024-06-01"}).status_code == 403
    chair.refresh_from_db()
    assert chair.ceased_on is None


def test_the_home_offers_the_register_to_those_who_may(client, councils, org):
    sign_in(client, councils["secretary"])
    home = client.get(reverse("councils:staff_home")).content.decode()
    assert 'data-testid="council-new-link"' in home
    assert reverse("councils:staff_members", args=["alga"]) in home
    assert Unit.objects.exists()
