"""Helpers for the councils' tests: people seated, meetings planned at a given local day."""

import datetime as dt

from adal.core.permissions import SYSTEM
from adal.core.texts import Texts
from adal.core.workdays import local_zone
from adal.councils.models import Membership, Position
from adal.councils.services import meeting_plan, membership_add, person_create

START = dt.date(2019, 1, 1)


def at(day: dt.date, hour: int = 15) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=local_zone())


def seat(council, n: int, *, start: dt.date = START, by=SYSTEM, chair: bool = True) -> list[Membership]:
    """``n`` new people seated from ``start``; the first is the chair unless ``chair`` is False."""
    seated = []
    for i in range(n):
        person = person_create(full_name=f"Член совета {council.slug} №{i + 1}", by=by)
        position = Position.CHAIR if chair and i == 0 else Position.MEMBER
        seated.append(
            membership_add(council=council, person=person, position=position, term_start=start, by=by)
        )
    return seated


HALL = Texts(ru="Зал заседаний", kk="Мәжіліс залы", en="Meeting hall")


def plan(council, day: dt.date, *, by=SYSTEM, hour: int = 15):
    return meeting_plan(council=council, planned_at=at(day, hour), place=HALL, by=by)
