"""The seed's council figures, read back through the selectors from what the demo did."""

import datetime as dt

import pytest

from adal.cases.selectors import Period
from adal.core.models import Territory
from adal.core.workdays import local_zone
from adal.councils.models import AgendaItem, Council, Meeting, News, Proposal
from adal.councils.primaries.models import Primary
from adal.councils.primaries.selectors import Phase, phase, results
from adal.councils.selectors import meeting_statistics
from tests.conftest import demo_councils, demo_units

H2_2019 = Period(
    start=dt.datetime(2019, 7, 1, tzinfo=local_zone()), end=dt.datetime(2020, 1, 1, tzinfo=local_zone())
)
NEW_IN_2022 = {"100000000", "330000000", "620000000"}


@pytest.fixture
def demo(db):
    return demo_councils(demo_units())


def test_more_than_700_meetings_held_in_the_second_half_of_2019_on_the_seeds_topics(demo, db):
    stats = meeting_statistics(H2_2019)
    assert stats["meetings_held"] > 700
    assert stats["meetings_held"] == demo.meetings_held
    topics = {row["topic"] for row in stats["by_topic"]}
    assert {"education", "enbek", "drinking_water"} <= topics


def test_the_meetings_count_under_the_2019_map(demo, db):
    regions = {row["kato"] for row in meeting_statistics(H2_2019)["by_region"]}
    assert None in regions  # the central council
    assert len(regions - {None}) == 17 and not regions & NEW_IN_2022
    outside = Meeting.objects.exclude(held_on__range=(dt.date(2019, 7, 1), dt.date(2019, 12, 31)))
    assert outside.filter(held_on__isnull=False).exists() and outside.filter(state="planned").exists()


def test_a_council_at_centre_in_every_region_of_today_and_in_districts(demo, db):
    assert Council.objects.filter(level="centre").count() == 1
    regional = set(Council.objects.filter(level="region").values_list("territory__kato", flat=True))
    today = set(
        Territory.objects.filter(kind__in=["region", "city"], valid_to__isnull=True).values_list(
            "kato", flat=True
        )
    )
    assert regional == today and len(today) == 20
    assert Council.objects.filter(level="district").count() == 15
    new = Council.objects.filter(territory__kato__in=NEW_IN_2022)
    assert all(c.created_at.date() >= dt.date(2022, 6, 8) for c in new)


def test_proposals_are_in_every_state(demo, db):
    assert set(Proposal.objects.values_list("state", flat=True)) == set(Proposal.State.values)


def test_one_primary_has_finished_with_results_and_another_takes_nominations(demo, db):
    outcome = results(demo.finished_primary)
    assert outcome.shown and outcome.ballots == 37 and outcome.electorate == 48
    assert (
        len(outcome.rows) == 4
        and sum(r.selected for r in outcome.rows) + sum(r.tied for r in outcome.rows) >= 3
    )
    assert phase(demo.open_primary) == Phase.NOMINATIONS


KAZAKH_LETTERS = set("әғқңөұүһі")


def test_every_text_the_pages_show_is_written_in_russian_kazakh_and_english(demo, db):
    """Issue 15: a Kazakh or an English page shows the demo's agenda titles, decisions, meeting places
    and minutes, proposals, their addressees and answers, news and primaries in its own language, never
    Russian left over."""
    texts = {
        AgendaItem: ["title", "decision"],
        Meeting: ["place", "minutes"],
        Proposal: ["addressee", "title", "text", "answer"],
        News: ["title", "body"],
        Primary: ["title", "description"],
    }
    for model, fields in texts.items():
        assert model.objects.exists(), model
        for field in fields:
            rows = model.objects.exclude(**{f"{field}_ru": ""}).values(f"{field}_kk", f"{field}_en")
            assert rows, (model, field)
            for row in rows:
                kk, en = row[f"{field}_kk"], row[f"{field}_en"]
                assert kk and en, (model, field)
                # Real Kazakh has its own letters; English has no Cyrillic.
                assert KAZAKH_LETTERS & set(kk.lower()), kk
                assert not any("а" <= ch.lower() <= "я" for ch in en), en
