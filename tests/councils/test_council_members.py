import datetime as dt

import pytest

from adal.core.models import AuditEvent
from adal.councils.models import Membership, Position
from adal.councils.selectors import members_current
from adal.councils.services import (
    CouncilActionRefused,
    meeting_record_held,
    membership_add,
    membership_cease,
    person_create,
)
from tests.councils.factories import plan, seat

D = dt.date


@pytest.fixture
def people(councils):
    by = councils["secretary"]
    return [person_create(full_name=name, by=by) for name in ("Айгерим Сапарова", "Ерлан Оспанов")]


def add(councils, person, start, end=None, position=Position.MEMBER, council="aktobe"):
    return membership_add(
        council=councils[council],
        person=person,
        position=position,
        term_start=start,
        term_end=end,
        by=councils["admin"],
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((D(2020, 1, 1), D(2022, 12, 31)), (D(2022, 12, 31), None)),  # one shared last day
        ((D(2020, 1, 1), None), (D(2025, 1, 1), D(2026, 1, 1))),  # inside an open-ended term
        ((D(2020, 6, 1), D(2021, 6, 1)), (D(2020, 1, 1), D(2020, 6, 1))),  # ends on the other's first day
        ((D(2020, 1, 1), D(2020, 12, 31)), (D(2020, 1, 1), D(2020, 12, 31))),  # the same term
    ],
)
def test_overlapping_terms_of_one_person_are_refused(councils, people, first, second):
    add(councils, people[0], *first)
    audits = AuditEvent.objects.count()
    with pytest.raises(CouncilActionRefused, match="terms would overlap"):
        add(councils, people[0], *second)
    assert Membership.objects.filter(person=people[0]).count() == 1
    assert AuditEvent.objects.count() == audits


def test_consecutive_terms_and_a_term_after_ceasing_are_accepted(councils, people):
    add(councils, people[0], D(2020, 1, 1), D(2022, 12, 31))
    second = add(councils, people[0], D(2023, 1, 1))
    membership_cease(
        membership=second, on=D(2024, 3, 1), reason="По собственному желанию", by=councils["admin"]
    )
    add(councils, people[0], D(2024, 3, 1))
    assert Membership.objects.filter(person=people[0]).count() == 3


def test_a_person_may_sit_on_several_councils(councils, people):
    add(councils, people[0], D(2020, 1, 1), council="aktobe")
    add(councils, people[0], D(2020, 1, 1), council="centre")
    assert people[0].memberships.count() == 2


def test_a_council_has_one_chair_at_a_time(councils, people):
    chair = add(councils, people[0], D(2020, 1, 1), position=Position.CHAIR)
    with pytest.raises(CouncilActionRefused, match="already has a chair"):
        add(councils, people[1], D(2021, 1, 1), position=Position.CHAIR)
    add(councils, people[1], D(2021, 1, 1), position=Position.DEPUTY_CHAIR)  # a deputy is no second chair
    membership_cease(membership=chair, on=D(2022, 5, 1), by=councils["admin"])
    successor = person_create(full_name="Новый председатель", by=councils["admin"])
    add(councils, successor, D(2022, 5, 1), position=Position.CHAIR)  # from the day the first ceased
    assert [m.person for m in members_current(councils["aktobe"], on=D(2022, 5, 1))] == [successor, people[1]]
    assert [m.person for m in members_current(councils["aktobe"], on=D(2022, 4, 30))] == [
        people[0],
        people[1],
    ]


def test_another_councils_chair_does_not_count(councils, people):
    add(councils, people[0], D(2020, 1, 1), position=Position.CHAIR, council="almaty")
    add(councils, people[1], D(2020, 1, 1), position=Position.CHAIR, council="aktobe")


def test_a_term_cannot_end_before_it_starts(councils, people):
    with pytest.raises(CouncilActionRefused):
        add(councils, people[0], D(2020, 1, 1), D(2019, 12, 31))


def test_ceasing_is_checked(councils, people):
    membership = add(councils, people[0], D(2020, 1, 1), D(2020, 12, 31))
    by = councils["admin"]
    for on in (D(2019, 12, 31), D(2021, 1, 2)):
        with pytest.raises(CouncilActionRefused):
            membership_cease(membership=membership, on=on, by=by)
    membership_cease(membership=membership, on=D(2020, 7, 1), by=by)
    with pytest.raises(CouncilActionRefused, match="already ceased"):
        membership_cease(membership=membership, on=D(2020, 8, 1), by=by)


def test_a_member_present_at_a_meeting_cannot_cease_before_it(councils):
    council, by = councils["aktobe"], councils["secretary"]
    members = seat(council, 3, by=by)
    meeting_record_held(
        meeting=plan(council, D(2020, 3, 1), by=by), present=members, held_on=D(2020, 3, 2), by=by
    )
    with pytest.raises(CouncilActionRefused, match="present at a meeting"):
        membership_cease(membership=members[0], on=D(2020, 3, 2), by=by)
    membership_cease(membership=members[0], on=D(2020, 3, 3), by=by)
