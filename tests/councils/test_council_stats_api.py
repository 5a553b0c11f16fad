"""`GET /api/v1/stats/councils` and the public statistics page: the figures are the selectors' own, the
default period is the last full half-year, and a bad period is a clear 422 (the page: a form error)."""

import datetime as dt
import json
import re

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from adal.core.texts import Texts
from adal.councils.models import Topic
from adal.councils.selectors import council_statistics, last_full_half_year
from adal.councils.services import (
    agenda_item_add,
    meeting_record_held,
    proposal_answer,
    proposal_create,
    proposal_submit,
    today,
)
from adal.councils.views import BAR_WIDTH
from adal.discipline.selectors import discipline_statistics
from tests.councils.factories import plan, seat

D = dt.date
API = "/api/v1/stats/councils"
EN = {"accept-language": "en"}


@pytest.fixture
def activity(councils):
    """Meetings in 2019 (three in July–December, one in June) and proposals submitted in and out of it."""
    by = councils["admin"]
    members = {key: seat(councils[key], 3, by=by) for key in ("centre", "aktobe", "alga")}

    def held(key, day, *topics):
        meeting = plan(councils[key], day, by=by)
        for code in topics:
            agenda_item_add(meeting=meeting, topic=Topic.objects.get(code=code), title=Texts(ru=code), by=by)
        return meeting_record_held(meeting=meeting, present=members[key], held_on=day, by=by)

    held("centre", D(2019, 7, 15), "education", "enbek")
    held("aktobe", D(2019, 9, 10), "drinking_water", "education")
    held("alga", D(2019, 12, 31), "drinking_water")
    held("aktobe", D(2019, 6, 30), "education")

    def proposal(title, submitted_on, outcome=None):
        p = proposal_create(
            council=councils["aktobe"],
            kind="state_body",
            addressee=Texts(ru="Акимат"),
            title=Texts(ru=title),
            text=Texts(ru="Текст"),
            by=by,
        )
        if submitted_on:
            p = proposal_submit(proposal=p, submitted_on=submitted_on, by=by)
        if outcome:
            p = proposal_answer(
                proposal=p,
                outcome=outcome,
                answer=Texts(ru="Ответ"),
                answered_on=submitted_on + dt.timedelta(10),
                by=by,
            )
        return p

    proposal("Принято", D(2019, 8, 1), "accepted")
    proposal("Отклонено", D(2019, 11, 5), "rejected")
    proposal("Ждёт", D(2019, 12, 20))
    proposal("Раньше", D(2019, 5, 20))
    proposal("Черновик", None)
    return councils


def as_json(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def test_the_figures_are_the_selectors(client, activity):
    response = client.get(API, {"from": "2019-07-01", "to": "2019-12-31"}, headers=EN)
    assert response.status_code == 200
    body = response.json()
    expected = council_statistics(D(2019, 7, 1), D(2019, 12, 31))
    assert body == {"period": {"first_day": "2019-07-01", "last_day": "2019-12-31"}, **as_json(expected)}
    assert body["meetings_held"] == 3
    assert {r["kato"]: r["meetings"] for r in body["by_region"]} == {None: 1, "150000000": 2}
    assert {t["topic"]: t["meetings"] for t in body["by_topic"]} == {
        "education": 2,
        "drinking_water": 2,
        "enbek": 1,
    }
    states = {row["state"]: row["count"] for row in body["proposals"]["by_state"]}
    assert body["proposals"]["submitted"] == 3
    assert states == {
        "submitted": 1,
        "under_consideration": 0,
        "accepted": 1,
        "partly_accepted": 0,
        "rejected": 1,
    }


def test_the_last_day_is_included(client, activity):
    assert client.get(API, {"from": "2019-12-31", "to": "2019-12-31"}).json()["meetings_held"] == 1
    assert client.get(API, {"from": "2019-06-30", "to": "2019-06-30"}).json()["meetings_held"] == 1


def test_without_dates_the_last_full_half_year_is_given(client, db):
    first, last = last_full_half_year(today())
    body = client.get(API).json()
    assert body["period"] == {"first_day": first.isoformat(), "last_day": last.isoformat()}
    assert body["meetings_held"] == 0


@pytest.mark.parametrize(
    ("on", "first", "last"),
    [
        (D(2020, 1, 1), D(2019, 7, 1), D(2019, 12, 31)),
        (D(2020, 6, 30), D(2019, 7, 1), D(2019, 12, 31)),
        (D(2020, 7, 1), D(2020, 1, 1), D(2020, 6, 30)),
        (D(2020, 12, 31), D(2020, 1, 1), D(2020, 6, 30)),
    ],
)
def test_the_last_full_half_year(on, first, last):
    assert last_full_half_year(on) == (first, last)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2019-12-31", "to": "2019-07-01"}, "from", "The period must start before it ends."),
        ({"from": "2019-07-01"}, "to", "Give both the first and the last day of the period."),
        ({"to": "2019-07-01"}, "from", "Give both the first and the last day of the period."),
        ({"from": "2019-07-01", "to": "9999-12-31"}, "to", "The last day is too far in the future."),
    ],
)
def test_a_bad_period_is_refused(client, db, query, field, message):
    response = client.get(API, query, headers=EN)
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", field], "msg": message, "type": "value_error"}]


@pytest.mark.parametrize("query", [{"from": "2019-13-01", "to": "2019-12-31"}, {"from": "yesterday"}])
def test_a_date_that_is_not_one_is_refused(client, db, query):
    response = client.get(API, query, headers=EN)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "from"


def test_the_api_is_in_the_published_schema(client, db):
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/stats/councils" in schema["paths"]


# ---------------------------------------------------------------- the statistics page


def figure(html: str, testid: str) -> int:
    return int(re.search(rf'data-testid="{testid}">(\d+)<', html).group(1))


def test_the_page_shows_the_periods_figures(client, activity):
    response = client.get(reverse("portal:councils"), {"from": "2019-07-01", "to": "2019-12-31"})
    assert response.status_code == 200
    html = response.content.decode()
    councils = council_statistics(D(2019, 7, 1), D(2019, 12, 31))
    discipline = discipline_statistics(date_from=D(2019, 7, 1), date_to=D(2019, 12, 31))
    assert figure(html, "meetings-held") == councils["meetings_held"] == 3
    assert figure(html, "proposals-submitted") == councils["proposals"]["submitted"] == 3
    assert figure(html, "held-responsible") == discipline["held_responsible"]
    assert figure(html, "expelled") == discipline["expelled"]
    # One bar per row of each chart, drawn inline: regions, topics, proposal states, sanctions.
    bars = re.findall(r'<rect x="0" y="18" height="16" width="(\d+)"', html)
    rows = [councils["by_region"], councils["by_topic"], councils["proposals"]["by_state"]]
    rows += [discipline["by_sanction"], discipline["by_region"]]
    assert len(bars) == sum(len(r) for r in rows)
    assert str(BAR_WIDTH) in bars  # the largest row fills the width
    assert f"{API}?from=2019-07-01&amp;to=2019-12-31" in html
    assert "/api/v1/stats/discipline?from=2019-07-01&amp;to=2019-12-31" in html


def test_the_page_defaults_to_the_last_full_half_year(client, db):
    first, last = last_full_half_year(today())
    html = client.get(reverse("portal:councils")).content.decode()
    assert f'name="from" value="{first.isoformat()}"' in html
    assert f'name="to" value="{last.isoformat()}"' in html
    assert f"{API}?from={first.isoformat()}&amp;to={last.isoformat()}" in html


def test_the_page_opens_on_the_last_half_year_in_which_councils_met(client, activity):
    html = client.get(reverse("portal:councils")).content.decode()
    assert 'name="from" value="2019-07-01"' in html
    assert 'name="to" value="2019-12-31"' in html


def test_the_page_refuses_a_bad_period_with_a_message(client, db):
    response = client.get(reverse("portal:councils"), {"from": "2019-12-31", "to": "2019-07-01"}, headers=EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The period must start before it ends." in html
    assert 'data-testid="meetings-held"' not in html
