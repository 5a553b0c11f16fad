"""The seed's discipline figures, read back through the selectors from what the demo recorded."""

import datetime as dt

import pytest

from adal.discipline.models import Proceeding, Status
from adal.discipline.selectors import discipline_statistics, public_entries
from tests.conftest import demo_discipline

H2_2019 = {"date_from": dt.date(2019, 7, 1), "date_to": dt.date(2019, 12, 31)}
DEPUTY_AKIMS = {
    "Заместитель акима Актюбинской области": "150000000",
    "Заместитель акима Восточно-Казахстанской области": "630000000",
    "Заместитель акима Кызылординской области": "430000000",
}


@pytest.fixture
def demo(db):
    return demo_discipline()


def test_196_held_responsible_and_96_expelled_in_the_second_half_of_2019(demo, db):
    stats = discipline_statistics(**H2_2019)
    assert (stats["held_responsible"], stats["expelled"]) == (196, 96)
    assert sum(row["count"] for row in stats["by_region"]) == 196
    assert len(stats["by_region"]) <= 17  # the map of 2019: no Abai, Zhetisu or Ulytau


def test_the_figures_count_people_not_decisions(demo, db):
    decided = Proceeding.objects.filter(decided_on__range=(H2_2019["date_from"], H2_2019["date_to"]))
    assert decided.count() > 196  # a second sanction of one member, a sanction reversed on appeal
    assert decided.filter(status=Status.REVERSED).exists()
    assert Proceeding.objects.filter(status=Status.OPEN).exists()
    assert (
        discipline_statistics(date_from=dt.date(2019, 1, 1), date_to=dt.date(2020, 6, 30))["held_responsible"]
        > 196
    )


def test_the_deputy_akims_are_on_the_public_list_under_the_region_of_the_time(demo, db):
    listed = {e["position"]: e for e in public_entries()}
    for position, kato in DEPUTY_AKIMS.items():
        assert listed[position]["region"]["kato"] == kato
    assert demo.named[1].region.kato == "100000000"  # East Kazakhstan's is registered in Abai region now
    positions = " ".join(listed)
    assert "Руководитель управления" in positions and "Аким района" in positions
