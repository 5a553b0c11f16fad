"""Party discipline names a region as it was named then: a sanction decided in the capital in 2019 was
decided in Nur-Sultan, in the period's figures and in the public list."""

import datetime as dt

from adal.discipline.models import PublicationRule

CAPITAL = "710000000"


def test_the_statistics_of_2019_name_the_capital_nur_sultan(client, decided, new_member):
    decided(new_member(region=CAPITAL), "expulsion", dt.date(2019, 9, 10))
    body = client.get(
        "/api/v1/stats/discipline",
        {"from": "2019-07-01", "to": "2019-12-31"},
        headers={"accept-language": "kk"},
    ).json()
    [row] = body["by_region"]
    assert (row["name"], row["name_ru"], row["name_kk"], row["name_en"]) == (
        "Нұр-Сұлтан қаласы",
        "город Нур-Султан",
        "Нұр-Сұлтан қаласы",
        "Nur-Sultan",
    )
    today = client.get("/api/v1/stats/discipline", {"from": "2023-01-01"}).json()
    assert today["by_region"] == []


def test_the_public_list_names_the_capital_as_on_the_day_of_the_decision(client, decided, new_member):
    decided(new_member(name="Before", region=CAPITAL), "expulsion", dt.date(2019, 3, 22))
    decided(new_member(name="After", region=CAPITAL), "expulsion", dt.date(2019, 3, 23))
    PublicationRule.objects.create(name="Officials", is_active=True)
    entries = client.get("/api/v1/discipline/public", headers={"accept-language": "en"}).json()
    assert {e["full_name"]: e["region"]["name"] for e in entries} == {
        "Before": "Astana",
        "After": "Nur-Sultan",
    }
