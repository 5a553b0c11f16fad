"""`GET /api/v1/stats/councils` names a region as it was named in the period: in July–December 2019
the capital was Nur-Sultan (Нур-Султан, Нұр-Сұлтан), and has been Astana again since September 2022."""

import datetime as dt

import pytest

from adal.core.models import Territory, Unit
from adal.core.services import unit_create
from adal.councils.services import council_create, meeting_record_held
from tests.councils.factories import plan, seat

API = "/api/v1/stats/councils"


@pytest.fixture
def capital_meetings(councils, org):
    by = councils["admin"]
    capital = Territory.objects.get(kato="710000000")
    unit = unit_create(
        name_ru="Филиал столицы",
        name_kk="Астана филиалы",
        name_en="Capital branch",
        level=Unit.Level.REGION,
        parent=org["centre"],
        territory=capital,
        by=by,
    )
    council = council_create(
        unit=unit,
        slug="capital",
        name_ru="Совет столицы",
        name_kk="Астана кеңесі",
        name_en="Capital council",
        territory=capital,
        by=by,
    )
    members = seat(council, 3, by=by)
    for day in (dt.date(2019, 10, 1), dt.date(2023, 3, 1)):
        meeting_record_held(meeting=plan(council, day, by=by), present=members, held_on=day, by=by)
    return council


@pytest.mark.parametrize(
    ("language", "name"), [("ru", "город Нур-Султан"), ("kk", "Нұр-Сұлтан қаласы"), ("en", "Nur-Sultan")]
)
def test_in_2019_the_capital_is_nur_sultan(client, capital_meetings, language, name):
    body = client.get(API, {"from": "2019-07-01", "to": "2019-12-31"}, headers={"accept-language": language})
    assert body.status_code == 200
    assert body.json()["by_region"] == [{"kato": "710000000", "name": name, "meetings": 1}]


def test_since_september_2022_the_capital_is_astana_again(client, capital_meetings):
    body = client.get(API, {"from": "2023-01-01", "to": "2023-06-30"}, headers={"accept-language": "en"})
    assert body.json()["by_region"] == [{"kato": "710000000", "name": "Astana", "meetings": 1}]


def test_the_portals_councils_page_names_the_capital_of_the_time(client, capital_meetings):
    html = client.get("/portal/councils/", {"from": "2019-07-01", "to": "2019-12-31"}).content.decode()
    assert "Nur-Sultan" in html
