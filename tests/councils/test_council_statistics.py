"""Meetings held in the second half of 2019, counted by hand:

#   council         held on     agenda topics                      counts?
1   central         2019-07-15  education, enbek                   yes (national level)
2   Aktobe          2019-09-10  education, education, water        yes
3   Aktobe          2019-12-31  water                              yes (the last day)
4   Alga district   2019-10-05  enbek                              yes (under Aktobe, then its region)
5   Almaty          2019-11-20  —                                  yes
6   Almaty          2019-06-30  education                          no (before the period)
7   Almaty          2020-01-01  education                          no (the period's end is exclusive)
8   Aktobe          planned for 2019-08-01, never held             no
9   Alga district   2019-11-01  water                              yes (under Almaty: the district
                                                                    council was moved there first)

held: 1, 2, 3, 4, 5, 9 → 6
by region: Aktobe 2, 3, 4 → 3; Almaty 5, 9 → 2; national 1 → 1
by topic: water 2, 3, 9 → 3; education 1, 2 → 2; enbek 1, 4 → 2
"""

import datetime as dt
import json

import pytest
from django.utils import translation

from adal.cases.selectors import Period
from adal.core.texts import Texts
from adal.councils.models import Council, Topic
from adal.councils.selectors import meeting_statistics, meetings_held
from adal.councils.services import agenda_item_add, meeting_record_held
from tests.councils.factories import at, plan, seat

D = dt.date
H2_2019 = Period(start=at(D(2019, 7, 1), 0), end=at(D(2020, 1, 1), 0))


@pytest.fixture
def history(councils):
    by = councils["admin"]
    members = {key: seat(councils[key], 3, by=by) for key in ("centre", "aktobe", "almaty", "alga")}

    def held(key, day, *topics):
        meeting = plan(councils[key], day, by=by)
        for code in topics:
            agenda_item_add(meeting=meeting, topic=Topic.objects.get(code=code), title=Texts(ru=code), by=by)
        return meeting_record_held(meeting=meeting, present=members[key], held_on=day, by=by)

    meetings = {
        1: held("centre", D(2019, 7, 15), "education", "enbek"),
        2: held("aktobe", D(2019, 9, 10), "education", "education", "drinking_water"),
        3: held("aktobe", D(2019, 12, 31), "drinking_water"),
        4: held("alga", D(2019, 10, 5), "enbek"),
        5: held("almaty", D(2019, 11, 20)),
        6: held("almaty", D(2019, 6, 30), "education"),
        7: held("almaty", D(2020, 1, 1), "education"),
        8: plan(councils["aktobe"], D(2019, 8, 1), by=by),
    }
    # The organisation is redrawn: Alga's council now answers to Almaty's.
    Council.objects.filter(pk=councils["alga"].pk).update(parent=councils["almaty"])
    councils["alga"].refresh_from_db()
    meetings[9] = held("alga", D(2019, 11, 1), "drinking_water")
    return meetings


def test_the_period_statistics_match_the_hand_count(history):
    with translation.override("en"):
        stats = meeting_statistics(H2_2019)
    assert stats == {
        "meetings_held": 6,
        "by_region": [
            {"kato": "150000000", "name": "Aktobe Region", "meetings": 3},
            {"kato": "750000000", "name": "Almaty", "meetings": 2},
            {"kato": None, "name": "National level", "meetings": 1},
        ],
        "by_topic": [
            {"topic": "drinking_water", "name": "Drinking water supply", "meetings": 3},
            {"topic": "education", "name": "Education", "meetings": 2},
            {"topic": "enbek", "name": 'The "Enbek" state programme', "meetings": 2},
        ],
    }
    json.dumps(stats)  # the shape the portal serves as it is


def test_a_meeting_keeps_the_region_it_was_held_in(history):
    assert history[4].region.kato == "150000000" and history[9].region.kato == "750000000"
    assert history[4].territory.kato == "153200000"
    assert set(meetings_held(H2_2019).values_list("pk", flat=True)) == {
        history[k].pk for k in (1, 2, 3, 4, 5, 9)
    }


def test_names_follow_the_language(history):
    with translation.override("kk"):
        stats = meeting_statistics(H2_2019)
    assert stats["by_region"][0]["name"] == "Ақтөбе облысы"
    assert stats["by_topic"][2]["name"] == "«Еңбек» мемлекеттік бағдарламасы"


def test_an_empty_period(db):
    assert meeting_statistics(H2_2019) == {"meetings_held": 0, "by_region": [], "by_topic": []}
