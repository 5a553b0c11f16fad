"""A council secretary manages only the council of their own unit; administrators manage any."""

import datetime as dt

import pytest

from adal.core.models import AuditEvent, Role
from adal.core.permissions import SYSTEM
from adal.core.services import unit_create
from adal.core.texts import Texts
from adal.councils.models import Council, Meeting, Topic
from adal.councils.selectors import councils_managed_by
from adal.councils.services import (
    CouncilActionRefused,
    agenda_item_add,
    council_create,
    may_manage,
    meeting_plan,
    meeting_record_held,
    membership_add,
    membership_cease,
    minutes_publish,
    person_create,
    proposal_create,
    today,
)
from tests.conftest import make_staff
from tests.councils.factories import at, plan, seat


def test_who_manages_which_council(org, councils):
    expected = {
        "secretary": {"aktobe"},
        "almaty_secretary": {"almaty"},
        "alga_secretary": {"alga"},
        "admin": {"centre", "aktobe", "almaty", "alga"},
    }
    for who, mine in expected.items():
        user = councils[who]
        assert {k for k in ("centre", "aktobe", "almaty", "alga") if may_manage(user, councils[k])} == mine
        assert {c.slug for c in councils_managed_by(user)} == {councils[k].slug for k in mine}
    for who in ("head", "officer", "centre_head", "analyst", "auditor"):
        assert not any(may_manage(org[who], councils[k]) for k in ("centre", "aktobe", "almaty", "alga"))
    secretary = councils["secretary"]
    secretary.is_active = False
    assert not may_manage(secretary, councils["aktobe"])
    assert not may_manage(None, councils["aktobe"])


@pytest.fixture
def aktobe_meeting(councils):
    by = councils["secretary"]
    members = seat(councils["aktobe"], 3, by=by)
    return plan(councils["aktobe"], today(), by=by), members


ACTIONS = {
    "plan": lambda c, m, ms, by: meeting_plan(
        council=c["aktobe"], planned_at=at(today()), place=Texts(ru="Зал"), by=by
    ),
    "seat": lambda c, m, ms, by: membership_add(
        council=c["aktobe"], person=ms[0].person, position="member", term_start=dt.date(2030, 1, 1), by=by
    ),
    "cease": lambda c, m, ms, by: membership_cease(membership=ms[0], on=today(), by=by),
    "agenda": lambda c, m, ms, by: agenda_item_add(
        meeting=m, topic=Topic.objects.get(code="other"), title=Texts(ru="x"), by=by
    ),
    "held": lambda c, m, ms, by: meeting_record_held(meeting=m, present=ms, by=by),
    "publish": lambda c, m, ms, by: minutes_publish(meeting=m, minutes=Texts(ru="x"), by=by),
    "proposal": lambda c, m, ms, by: proposal_create(
        council=c["aktobe"],
        kind="legislative",
        addressee=Texts(ru="Мажилис"),
        title=Texts(ru="x"),
        text=Texts(ru="x"),
        by=by,
    ),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", ["almaty_secretary", "alga_secretary"])
def test_another_councils_secretary_is_refused_and_nothing_changes(councils, aktobe_meeting, action, who):
    meeting, members = aktobe_meeting
    audits = AuditEvent.objects.count()
    with pytest.raises(CouncilActionRefused, match="Only the secretary of this council"):
        ACTIONS[action](councils, meeting, members, councils[who])
    assert AuditEvent.objects.count() == audits
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.PLANNED


def test_the_own_secretary_and_an_administrator_may(councils, aktobe_meeting):
    meeting, members = aktobe_meeting
    ACTIONS["agenda"](councils, meeting, members, councils["secretary"])
    ACTIONS["held"](councils, meeting, members, councils["admin"])


def test_a_case_officer_cannot_manage_a_council(org, councils, aktobe_meeting):
    meeting, members = aktobe_meeting
    with pytest.raises(CouncilActionRefused):
        meeting_record_held(meeting=meeting, present=members, by=org["head"])
    with pytest.raises(CouncilActionRefused):
        person_create(full_name="Кто-то", by=org["officer"])


def test_only_an_administrator_or_the_council_above_creates_councils_and_they_form_a_tree(org, councils):
    unit = unit_create(
        name_ru="Хромтау",
        name_kk="Хромтау",
        name_en="Khromtau",
        level="district",
        parent=org["aktobe"],
        by=SYSTEM,
    )
    names = dict(name_ru="Совет Хромтау", name_kk="Хромтау кеңесі", name_en="Khromtau council")
    with pytest.raises(CouncilActionRefused, match="administrator or the secretary of the council above"):
        council_create(unit=unit, by=councils["almaty_secretary"], **names)
    council = council_create(unit=unit, by=councils["admin"], **names)
    assert (council.parent, council.level, council.slug) == (
        councils["aktobe"],
        "district",
        "khromtau-council",
    )
    with pytest.raises(CouncilActionRefused, match="already has a council"):
        council_create(unit=unit, slug="other", by=councils["admin"], **names)
    orphan_region = unit_create(
        name_ru="Ж", name_kk="Ж", name_en="Zh", level="region", parent=org["centre"], by=SYSTEM
    )
    orphan = unit_create(
        name_ru="Р", name_kk="Р", name_en="R", level="district", parent=orphan_region, by=SYSTEM
    )
    with pytest.raises(CouncilActionRefused, match="unit above first"):
        council_create(unit=orphan, by=councils["admin"], **names)
    with pytest.raises(CouncilActionRefused, match="already uses this address"):
        council_create(unit=orphan_region, slug="aktobe", by=councils["admin"], **names)
    with pytest.raises(CouncilActionRefused, match="share of the members"):
        council_create(unit=orphan_region, quorum_fraction="1.5", by=councils["admin"], **names)
    assert Council.objects.count() == 5


def test_a_superuser_manages_any_council(org, councils):
    root = make_staff("root", Role.ADMINISTRATOR, None)[0]
    root.role, root.is_superuser = "", True
    assert may_manage(root, councils["alga"])


def test_a_council_cannot_take_the_address_of_a_page(org, councils, client):
    from django.core.exceptions import ValidationError

    from adal.councils import urls
    from adal.councils.models import RESERVED_SLUGS

    unit = unit_create(name_ru="Мугалжар", name_kk="Мұғалжар", name_en="Statistics", level="district",
                       parent=org["aktobe"], by=SYSTEM)  # fmt: skip
    names = dict(name_ru="Совет", name_kk="Кеңес", name_en="Statistics")
    with pytest.raises(CouncilActionRefused, match="belongs to another page"):
        council_create(unit=unit, by=councils["admin"], **names)
    with pytest.raises(CouncilActionRefused, match="belongs to another page"):
        council_create(unit=unit, slug="feed", by=councils["admin"], **names)
    council = council_create(unit=unit, slug="mugalzhar", by=councils["admin"], **names)
    council.slug = "statistics"
    with pytest.raises(ValidationError):  # the admin's form validates the field the same way
        council.full_clean()
    # every fixed path under /councils/ is reserved
    segments = [str(p.pattern).split("/") for p in urls.urlpatterns]
    fixed = {s[1] for s in segments if s[0] == "councils" and s[1] and not s[1].startswith("<")}
    # and every fixed page one level under /staff/councils/ (as /staff/councils/<slug>/ is)
    fixed |= {
        s[2] for s in segments if s[:2] == ["staff", "councils"] and len(s) == 4 and s[2][:1] not in "<"
    }
    assert fixed == RESERVED_SLUGS
