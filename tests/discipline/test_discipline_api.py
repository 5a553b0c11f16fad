import datetime as dt

from adal.discipline.models import PublicationRule


def test_the_statistics_of_a_period(client, decided, new_member):
    decided(new_member(), "expulsion", dt.date(2019, 9, 10))
    decided(new_member(), "reprimand", dt.date(2020, 2, 1))
    response = client.get("/api/v1/stats/discipline", {"from": "2019-07-01", "to": "2019-12-31"})
    assert response.status_code == 200
    body = response.json()
    assert (body["held_responsible"], body["expelled"]) == (1, 1)
    assert body["by_region"][0]["kato"] == "150000000"
    assert set(body) == {"held_responsible", "expelled", "by_sanction", "by_region", "by_position_level"}


def test_the_statistics_since_the_start(client, decided, new_member):
    decided(new_member(), "expulsion", dt.date(2019, 9, 10))
    decided(new_member(), "reprimand", dt.date(2020, 2, 1))
    assert client.get("/api/v1/stats/discipline", {"to": "2019-12-31"}).json()["held_responsible"] == 1
    assert client.get("/api/v1/stats/discipline").json()["held_responsible"] == 2


def test_labels_follow_the_language(client, db):
    response = client.get("/api/v1/stats/discipline", headers={"accept-language": "en"})
    assert response.json()["by_sanction"][0]["label"] == "Expulsion from the party"


def test_a_period_that_ends_before_it_starts_is_refused(client, db):
    response = client.get(
        "/api/v1/stats/discipline",
        {"from": "2019-12-31", "to": "2019-07-01"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 422
    assert "start before it ends" in str(response.json()["detail"])


def test_the_public_list_follows_the_active_rule(client, decided, new_member):
    decided(new_member(name="Official"), "expulsion", dt.date(2019, 9, 10))
    decided(new_member(name="Private", official=False), "expulsion", dt.date(2019, 9, 10))
    assert client.get("/api/v1/discipline/public").json() == []
    PublicationRule.objects.create(name="Officials", is_active=True)
    entries = client.get("/api/v1/discipline/public").json()
    assert [e["full_name"] for e in entries] == ["Official"]
    assert entries[0]["decided_on"] == "2019-09-10"
