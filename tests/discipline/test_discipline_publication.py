import datetime as dt

import pytest

from adal.core.models import AuditEvent
from adal.core.permissions import SYSTEM
from adal.discipline.models import PublicationRule
from adal.discipline.selectors import public_entries, public_list
from adal.discipline.services import (
    proceeding_appeal,
    proceeding_appeal_decide,
    publication_rule_delete,
    publication_rule_save,
)

TODAY = dt.date(2020, 3, 1)


@pytest.fixture
def decisions(decided, new_member, new_proceeding):
    """Seen from 1 March 2020, with a 30-day appeal period:
    a  official, expulsion 1 Dec 2019, not appealed              final
    b  official, reprimand 20 Feb 2020                           not final: the appeal period runs
    c  not an official, expulsion 1 Dec 2019                     final
    d  official, warning 1 Nov 2019                              final
    e  official, severe reprimand 25 Feb 2020, upheld 28 Feb     final
    f  official, expulsion 1 Oct 2019, reversed on appeal        never published
    g  official, reprimand 10 Feb 2020, appeal pending           not final
    h  official, proceeding still open                           never published
    """

    def person(name, official=True):
        return new_member(name=name, official=official)

    e = decided(person("e"), "severe_reprimand", dt.date(2020, 2, 25))
    proceeding_appeal(proceeding=e, filed_on=dt.date(2020, 2, 26), by=SYSTEM)
    proceeding_appeal_decide(proceeding=e, outcome="upheld", decided_on=dt.date(2020, 2, 28), by=SYSTEM)
    f = decided(person("f"), "expulsion", dt.date(2019, 10, 1))
    proceeding_appeal(proceeding=f, filed_on=dt.date(2019, 10, 3), by=SYSTEM)
    proceeding_appeal_decide(
        proceeding=f,
        outcome="reversed",
        decided_on=dt.date(2019, 11, 1),
        reversal_reason="Verdict quashed.",
        by=SYSTEM,
    )
    g = decided(person("g"), "reprimand", dt.date(2020, 2, 10))
    proceeding_appeal(proceeding=g, filed_on=dt.date(2020, 2, 11), by=SYSTEM)
    decided(person("a"), "expulsion", dt.date(2019, 12, 1))
    decided(person("b"), "reprimand", dt.date(2020, 2, 20))
    decided(person("c", official=False), "expulsion", dt.date(2019, 12, 1))
    decided(person("d"), "warning", dt.date(2019, 11, 1))
    new_proceeding(member=person("h"))


def rule(**overrides) -> PublicationRule:
    values = dict(
        name="Test",
        only_final=True,
        appeal_period_days=30,
        only_public_officials=True,
        min_sanction="warning",
        delay_days=0,
    )
    return PublicationRule(**{**values, **overrides})


def published(r: PublicationRule | None = None) -> list[str]:
    return sorted(p.member.full_name for p in public_list(r, today=TODAY))


def test_only_final_decisions_on_public_officials(decisions):
    assert published(rule()) == ["a", "d", "e"]


def test_standing_decisions_when_finality_is_not_required(decisions):
    """An appeal pending does not suspend the sanction; a reversed one is never shown."""
    assert published(rule(only_final=False)) == ["a", "b", "d", "e", "g"]


def test_a_minimum_sanction(decisions):
    assert published(rule(min_sanction="reprimand")) == ["a", "e"]
    assert published(rule(min_sanction="expulsion", only_public_officials=False)) == ["a", "c"]


def test_a_delay_after_the_decision(decisions):
    assert published(rule(delay_days=5)) == ["a", "d", "e"], "25 February is 5 days before 1 March"
    assert published(rule(delay_days=6)) == ["a", "d"]


def test_members_who_were_not_officials(decisions):
    assert published(rule(only_public_officials=False)) == ["a", "c", "d", "e"]


def test_the_appeal_period(decisions):
    assert published(rule(appeal_period_days=10)) == ["a", "b", "d", "e"]


def test_without_an_active_rule_nothing_is_published(decisions):
    publication_rule_save(rule=rule(is_active=False), by=SYSTEM)
    assert published() == []


def test_the_active_rule_applies_and_only_one_is_active(decisions, head):
    strict = publication_rule_save(
        rule=rule(name="Strict", is_active=True, min_sanction="expulsion"), by=head
    )
    assert published() == ["a"]
    publication_rule_save(rule=rule(name="Broad", is_active=True, only_final=False), by=head)
    strict.refresh_from_db()
    assert not strict.is_active
    assert published() == ["a", "b", "d", "e", "g"]
    assert list(
        AuditEvent.objects.filter(action__startswith="discipline.publication_rule").values_list(
            "action", flat=True
        )
    ) == [
        "discipline.publication_rule_created",
        "discipline.publication_rule_created",
    ]
    publication_rule_delete(rule=strict, by=head)
    assert AuditEvent.objects.filter(action="discipline.publication_rule_deleted").exists()


def test_the_open_data_shows_no_membership_number(decisions):
    entries = public_entries(rule(min_sanction="expulsion"), today=TODAY)
    assert [e["full_name"] for e in entries] == ["a"]
    assert entries[0]["sanction"] == "expulsion"
    assert entries[0]["decided_on"] == "2019-12-01"
    assert entries[0]["region"]["kato"] == "150000000"
    assert not any("membership" in key for key in entries[0])
