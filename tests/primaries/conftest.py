"""An organisation with councils at centre, in Aktobe region and in its Alga district; party members
registered as voters there and elsewhere; and helpers that move a primary through its periods."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone, translation

from adal.core.models import Role, Territory, Unit
from adal.core.permissions import SYSTEM
from adal.core.services import unit_create
from adal.core.texts import Texts
from adal.councils.models import Position
from adal.councils.primaries.models import Primary
from adal.councils.primaries.services import (
    nomination_answer,
    nomination_create,
    primary_create,
    voter_account_create,
)
from adal.councils.services import council_create, membership_add, person_create
from adal.demo.history import frozen_at
from adal.discipline.models import PositionLevel
from adal.discipline.services import member_create
from tests.conftest import make_staff
from tests.replay import replayed

AKTOBE, ALGA, ALMATY_CITY = "150000000", "153200000", "750000000"
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _in_english(settings):
    """Refusals are matched by their English text, whatever the catalogues say."""
    settings.LANGUAGE_CODE = "en"  # pages too: the default language when a request names none
    with translation.override("en"):
        yield


def territory(kato: str) -> Territory:
    return Territory.objects.get(kato=kato)


@pytest.fixture
def org(units):
    return replayed("primaries.org", lambda: _build_org(units))


def _build_org(units) -> dict:
    alga = unit_create(
        name_ru="Алга",
        name_kk="Алға",
        name_en="Alga",
        level=Unit.Level.DISTRICT,
        parent=units["aktobe"],
        territory=territory(ALGA),
        by=SYSTEM,
    )
    admin = make_staff("admin", Role.ADMINISTRATOR, units["centre"])[0]

    def council(unit, slug, en):
        return council_create(unit=unit, slug=slug, name_ru=en, name_kk=en, name_en=en, by=admin)

    councils = {
        "centre": council(units["centre"], "central", "Central council"),
        "aktobe": council(units["aktobe"], "aktobe", "Aktobe council"),
        "almaty": council(units["almaty"], "almaty", "Almaty council"),
        "alga": council(alga, "alga", "Alga district council"),
    }
    return {
        **units,
        "alga": alga,
        "admin": admin,
        "councils": councils,
        "secretary": make_staff("secretary", Role.COUNCIL_SECRETARY, units["aktobe"])[0],
        "almaty_secretary": make_staff("almaty-secretary", Role.COUNCIL_SECRETARY, units["almaty"])[0],
    }


@pytest.fixture
def seat(org):
    """A council member seated since 2019; ``user`` is their sign-in account, if they have one."""

    def make(council, name="Council member", *, position=Position.MEMBER, user=None):
        person = person_create(full_name=name, user=user, by=SYSTEM)
        return membership_add(
            council=council, person=person, position=position, term_start=dt.date(2019, 1, 1), by=SYSTEM
        )

    return make


@pytest.fixture
def voter(db):
    """A party member registered as a voter in ``kato`` (their region, or a district of it)."""

    def make(name=None, kato=AKTOBE, region=None):
        n = next(_numbers)
        region = region or (
            kato if kato.endswith("0000000") else Territory.objects.get(kato=kato).parent.kato
        )
        member = member_create(
            full_name=name or f"Party member {n}",
            membership_number=f"PM-{n:06d}",
            region=territory(region),
            position="engineer",
            position_level=PositionLevel.OTHER,
            by=SYSTEM,
        )
        return voter_account_create(
            member=member, username=f"voter-{n}", password=None, territory=territory(kato), by=SYSTEM
        )

    return make


def upcoming(
    council, *, by=SYSTEM, seats=2, title: str | Texts = "Primary for the Aktobe council"
) -> Primary:
    """A primary taking nominations for a week; a title given as a string is English, as these tests."""
    now = timezone.now()
    return primary_create(
        council=council,
        title=Texts(en=title) if isinstance(title, str) else title,
        seats=seats,
        nominations_close=now + dt.timedelta(days=7),
        voting_starts=now + dt.timedelta(days=8),
        voting_ends=now + dt.timedelta(days=15),
        by=by,
    )


def at_phase(primary: Primary, phase: str):
    """Run the block as if it were a moment within ``phase`` of the primary (the clock is frozen)."""
    moment = {
        "nominations": primary.nominations_close - dt.timedelta(hours=1),
        "consent": primary.nominations_close + (primary.voting_starts - primary.nominations_close) / 2,
        "voting": primary.voting_starts + (primary.voting_ends - primary.voting_starts) / 2,
        "finished": primary.voting_ends + dt.timedelta(hours=1),
    }[phase]
    return frozen_at(moment)


@pytest.fixture
def on_ballot(seat):
    """Nominate each voter through a member of the primary's council and have them consent."""

    def make(primary, *voters):
        nominator = seat(primary.council, "Nominating member")
        nominations = []
        for v in voters:
            n = nomination_create(primary=primary, candidate=v.member, nominator=nominator, by=SYSTEM)
            nominations.append(nomination_answer(nomination=n, consent=True, by=v.user))
        return nominations

    return make
