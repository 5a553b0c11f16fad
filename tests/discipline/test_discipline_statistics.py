import datetime as dt

import pytest

from adal.cases.selectors import Period
from adal.core.permissions import SYSTEM
from adal.core.workdays import local_zone
from adal.discipline.selectors import discipline_statistics
from adal.discipline.services import proceeding_appeal, proceeding_appeal_decide
from tests.discipline.conftest import AKTOBE, EAST_KZ, KYZYLORDA

D = dt.date
H2_2019 = {"date_from": D(2019, 7, 1), "date_to": D(2019, 12, 31)}


@pytest.fixture
def h2_2019(decided, new_member, new_proceeding):
    """Seven people, counted by hand for July–December 2019:

    1 Aktobe, regional      expulsion 10 Sep, appealed and upheld               held, expelled
    2 East KZ, regional     expulsion 1 Oct, appeal pending                      held, expelled
    3 Kyzylorda, regional   severe reprimand 20 Aug, then expulsion 31 Dec       held once, expelled
    4 Aktobe, regional      warning 1 Jul, and a second proceeding still open    held
    5 East KZ, district     reprimand 5 Nov                                      held
    6 Kyzylorda, district   expulsion 30 Sep, reversed on appeal 10 Dec          not counted
    7 Aktobe, other         expulsion 1 Jan 2020 (and a warning 30 Jun 2019)     outside the period

    held_responsible 5 (1–5); expelled 3 (1, 2, 3).
    by_sanction, each person under their most severe sanction: expulsion 3 (1, 2, 3), severe reprimand 0
    (3's gives way to the expulsion), reprimand 1 (5), warning 1 (4).
    by_region: Aktobe 2 (1, 4), East Kazakhstan 2 (2, 5), Kyzylorda 1 (3).
    by_position_level: republican 0, regional 4 (1–4), district 1 (5), other 0.
    """
    p1 = decided(new_member(name="1", region=AKTOBE, level="regional"), "expulsion", D(2019, 9, 10))
    proceeding_appeal(proceeding=p1, filed_on=D(2019, 9, 20), by=SYSTEM)
    proceeding_appeal_decide(proceeding=p1, outcome="upheld", decided_on=D(2019, 10, 15), by=SYSTEM)
    p2 = decided(new_member(name="2", region=EAST_KZ, level="regional"), "expulsion", D(2019, 10, 1))
    proceeding_appeal(proceeding=p2, filed_on=D(2019, 10, 10), by=SYSTEM)
    three = new_member(name="3", region=KYZYLORDA, level="regional")
    decided(three, "severe_reprimand", D(2019, 8, 20))
    decided(three, "expulsion", D(2019, 12, 31))
    four = new_member(name="4", region=AKTOBE, level="regional")
    decided(four, "warning", D(2019, 7, 1))
    new_proceeding(member=four, opened_on=D(2019, 11, 1))
    decided(new_member(name="5", region=EAST_KZ, level="district"), "reprimand", D(2019, 11, 5))
    p6 = decided(new_member(name="6", region=KYZYLORDA, level="district"), "expulsion", D(2019, 9, 30))
    proceeding_appeal(proceeding=p6, filed_on=D(2019, 10, 2), by=SYSTEM)
    proceeding_appeal_decide(
        proceeding=p6,
        outcome="reversed",
        decided_on=D(2019, 12, 10),
        reversal_reason="Verdict quashed.",
        by=SYSTEM,
    )
    seven = new_member(name="7", region=AKTOBE, level="other")
    decided(seven, "warning", D(2019, 6, 30))
    decided(seven, "expulsion", D(2020, 1, 1))


def counts(rows: list[dict], key: str) -> dict[str, int]:
    return {row[key]: row["count"] for row in rows}


def test_the_half_year_counts_people_once_and_drops_the_reversed(h2_2019):
    stats = discipline_statistics(**H2_2019)
    assert set(stats) == {"held_responsible", "expelled", "by_sanction", "by_region", "by_position_level"}
    assert stats["held_responsible"] == 5
    assert stats["expelled"] == 3
    assert counts(stats["by_sanction"], "sanction") == {
        "expulsion": 3,
        "severe_reprimand": 0,
        "reprimand": 1,
        "warning": 1,
    }
    assert [row["sanction"] for row in stats["by_sanction"]] == [
        "expulsion",
        "severe_reprimand",
        "reprimand",
        "warning",
    ], "most severe first"
    assert counts(stats["by_region"], "kato") == {AKTOBE: 2, KYZYLORDA: 1, EAST_KZ: 2}
    assert [row["kato"] for row in stats["by_region"]] == [AKTOBE, KYZYLORDA, EAST_KZ], "by KATO"
    assert stats["by_region"][0]["name_en"] == "Aktobe Region"
    assert counts(stats["by_position_level"], "position_level") == {
        "republican": 0,
        "regional": 4,
        "district": 1,
        "other": 0,
    }


def test_every_breakdown_adds_up_to_the_people_held_responsible(h2_2019):
    stats = discipline_statistics(**H2_2019)
    for breakdown in ("by_sanction", "by_region", "by_position_level"):
        assert sum(row["count"] for row in stats[breakdown]) == stats["held_responsible"]


def test_a_period_object_gives_the_same_figures(h2_2019):
    period = Period(
        start=dt.datetime(2019, 7, 1, tzinfo=local_zone()), end=dt.datetime(2020, 1, 1, tzinfo=local_zone())
    )
    assert discipline_statistics(period) == discipline_statistics(**H2_2019)


def test_since_the_start(h2_2019):
    """Up to the end of 2019, 7's warning of 30 June joins (held 6); with no end, 7's expulsion counts
    instead of the warning (held 6, expelled 4)."""
    to_2019 = discipline_statistics(date_to=D(2019, 12, 31))
    assert (to_2019["held_responsible"], to_2019["expelled"]) == (6, 3)
    assert counts(to_2019["by_sanction"], "sanction")["warning"] == 2
    ever = discipline_statistics()
    assert (ever["held_responsible"], ever["expelled"]) == (6, 4)
    assert counts(ever["by_position_level"], "position_level")["other"] == 1


def test_an_empty_period(h2_2019):
    stats = discipline_statistics(date_from=D(2018, 1, 1), date_to=D(2018, 12, 31))
    assert (stats["held_responsible"], stats["expelled"], stats["by_region"]) == (0, 0, [])
    assert all(row["count"] == 0 for row in stats["by_sanction"])


def test_a_period_and_dates_together_are_a_programming_error(db):
    period = Period(
        start=dt.datetime(2019, 7, 1, tzinfo=local_zone()), end=dt.datetime(2020, 1, 1, tzinfo=local_zone())
    )
    with pytest.raises(TypeError):
        discipline_statistics(period, date_from=D(2019, 7, 1))
