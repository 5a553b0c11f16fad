import datetime as dt
import itertools

import pytest
from django.utils import translation

from adal.core.models import Role, Territory
from adal.core.permissions import SYSTEM
from adal.discipline.models import PositionLevel
from adal.discipline.services import member_create, proceeding_decide, proceeding_open
from tests.conftest import make_staff

AKTOBE, EAST_KZ, KYZYLORDA, ABAI, ALMATY_CITY = (
    "150000000",
    "630000000",
    "430000000",
    "100000000",
    "750000000",
)

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _english(settings):
    """The refusal tests read the messages in English, the catalogues' source language."""
    settings.LANGUAGE_CODE = "en"  # pages too: the default language when a request names none
    with translation.override("en"):
        yield


def territory(kato: str) -> Territory:
    return Territory.objects.get(kato=kato)


@pytest.fixture
def head(units):
    return make_staff("discipline-head", Role.DISCIPLINE_SECRETARY, units["centre"])[0]


@pytest.fixture
def new_member(db):
    def make(name="Серик Ахметов", region=AKTOBE, level=PositionLevel.REGIONAL, official=True, **kw):
        kw.setdefault("by", SYSTEM)
        return member_create(
            full_name=name,
            membership_number=kw.pop("membership_number", f"NO-{next(_numbers):06d}"),
            region=territory(region),
            position=kw.pop("position", "deputy akim of the region"),
            position_level=level,
            is_public_official=official,
            **kw,
        )

    return make


@pytest.fixture
def new_proceeding(new_member):
    def make(member=None, opened_on=dt.date(2019, 6, 3), **kw):
        kw.setdefault("by", SYSTEM)
        return proceeding_open(
            member=member or new_member(),
            grounds=kw.pop("grounds", "court_verdict"),
            grounds_details=kw.pop("grounds_details", "Verdict of the Aktobe city court"),
            deciding_body=kw.pop("deciding_body", "Bureau of the regional political council"),
            opened_on=opened_on,
            **kw,
        )

    return make


@pytest.fixture
def decided(new_proceeding):
    """A member sanctioned on a day (the proceeding opened that same day)."""

    def make(member, sanction, on: dt.date, **kw):
        proceeding = new_proceeding(member=member, opened_on=on)
        kw.setdefault("by", SYSTEM)
        return proceeding_decide(proceeding=proceeding, sanction=sanction, decided_on=on, **kw)

    return make
