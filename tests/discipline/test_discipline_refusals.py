"""Every refusal says what is wrong, and leaves nothing half-written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from adal.cases.models import Measure
from adal.core.models import AuditEvent, Role
from adal.core.permissions import SYSTEM
from adal.discipline.models import PartyMember, Proceeding
from adal.discipline.services import (
    DisciplineRefused,
    member_create,
    proceeding_appeal,
    proceeding_appeal_decide,
    proceeding_decide,
    proceeding_open,
)
from adal.hotline.services import report_submit
from tests.conftest import make_staff
from tests.discipline.conftest import ABAI, AKTOBE, territory

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


def refused_with(exc_type, fn, **kwargs) -> str:
    """Run the step, expect the refusal, check nothing was audited, return the message."""
    events = AuditEvent.objects.count()
    with pytest.raises(exc_type) as refusal:
        fn(**{"by": SYSTEM, **kwargs})
    assert AuditEvent.objects.count() == events
    error = refusal.value
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def invalid(field: str, fn, **kwargs) -> str:
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refusal:
        fn(**{"by": SYSTEM, **kwargs})
    assert AuditEvent.objects.count() == events
    assert list(refusal.value.message_dict) == [field]
    return refusal.value.message_dict[field][0]


def member_args(**overrides):
    return {
        "full_name": "Ерлан Серікұлы",
        "membership_number": "NO-777",
        "region": territory(AKTOBE),
        **overrides,
    }


# ---------------------------------------------------------------- members


def test_it_refuses_a_member_without_a_name(db):
    assert "full name" in invalid("full_name", member_create, **member_args(full_name="  "))


def test_it_refuses_overlong_values(db):
    assert invalid("position", member_create, **member_args(position="x" * 256))
    assert invalid("full_name", member_create, **member_args(full_name="x" * 256))


def test_it_refuses_a_second_member_with_the_same_number(db):
    member_create(**member_args(), by=SYSTEM)
    message = invalid("membership_number", member_create, **member_args(membership_number=" NO-777 "))
    assert "already recorded" in message
    assert PartyMember.objects.count() == 1


def test_it_refuses_a_district_as_the_region(db):
    district = territory(AKTOBE).children.first()
    assert "not a district" in invalid("region", member_create, **member_args(region=district))
    assert invalid("region", member_create, **member_args(region=None))


def test_it_refuses_an_unknown_position_level(db):
    assert invalid("position_level", member_create, **member_args(position_level="minister"))


def test_it_refuses_a_recorder_without_the_role(units):
    secretary = make_staff("secretary", Role.COUNCIL_SECRETARY, units["aktobe"])[0]
    message = refused_with(DisciplineRefused, member_create, **member_args(), by=secretary)
    assert "discipline secretary or an administrator" in message


# ---------------------------------------------------------------- opening


def open_args(member, **overrides):
    return {
        "member": member,
        "grounds": "court_verdict",
        "grounds_details": "Verdict No. 2-123/2019",
        "deciding_body": "Bureau of the regional political council",
        "opened_on": dt.date(2019, 8, 1),
        **overrides,
    }


def test_it_refuses_unknown_grounds(new_member):
    assert invalid("grounds", proceeding_open, **open_args(new_member(), grounds="rumour"))


def test_it_refuses_grounds_without_details(new_member):
    message = invalid("grounds_details", proceeding_open, **open_args(new_member(), grounds_details=" "))
    assert "details of the grounds" in message


def test_it_refuses_hotline_grounds_without_the_case(new_member):
    assert "hotline case" in invalid(
        "case", proceeding_open, **open_args(new_member(), grounds="hotline_case")
    )


def test_it_refuses_a_measure_that_is_not_disciplinary_or_of_another_case(draft, new_member):
    case, other = (report_submit(draft=draft(), received_at=timezone.now()).report.case for _ in range(2))
    referral = Measure.objects.create(case=case, kind="law_enforcement", created_at=timezone.now())
    measure = Measure.objects.create(case=case, kind="disciplinary", created_at=timezone.now())
    member = new_member()
    args = open_args(member, grounds="hotline_case")
    assert "disciplinary" in invalid("measure", proceeding_open, **args, measure=referral)
    assert "another case" in invalid("measure", proceeding_open, **args, measure=measure, case=other)


def test_it_refuses_an_opening_without_the_deciding_body_or_with_an_overlong_one(new_member):
    member = new_member()
    assert invalid("deciding_body", proceeding_open, **open_args(member, deciding_body=""))
    assert "255" in invalid("deciding_body", proceeding_open, **open_args(member, deciding_body="x" * 256))


def test_it_refuses_an_opening_in_the_future_or_without_a_date(new_member):
    member = new_member()
    assert "future" in invalid("opened_on", proceeding_open, **open_args(member, opened_on=TOMORROW))
    assert invalid("opened_on", proceeding_open, **open_args(member, opened_on=None))
    assert invalid("opened_on", proceeding_open, **open_args(member, opened_on=timezone.now()))


def test_it_refuses_a_region_that_did_not_exist_at_the_time(new_member):
    """Abai region was formed in June 2022: a 2019 record cannot be in it."""
    message = invalid("region", proceeding_open, **open_args(new_member(region=ABAI)))
    assert "did not exist" in message
    assert not Proceeding.objects.exists()


def test_it_refuses_to_sanction_an_expelled_member_again(decided, new_member, new_proceeding):
    member = new_member()
    later = new_proceeding(member=member, opened_on=dt.date(2019, 8, 1))
    decided(member, "expulsion", dt.date(2019, 9, 1))
    message = refused_with(
        DisciplineRefused, proceeding_open, **open_args(member, opened_on=dt.date(2019, 9, 2))
    )
    assert "was expelled" in message
    refused_with(
        DisciplineRefused,
        proceeding_decide,
        proceeding=later,
        sanction="warning",
        decided_on=dt.date(2019, 9, 3),
    )


# ---------------------------------------------------------------- deciding


def test_it_refuses_to_decide_twice(new_proceeding):
    p = new_proceeding()
    proceeding_decide(proceeding=p, sanction="reprimand", decided_on=dt.date(2019, 7, 1), by=SYSTEM)
    message = refused_with(
        DisciplineRefused,
        proceeding_decide,
        proceeding=p,
        sanction="expulsion",
        decided_on=dt.date(2019, 7, 2),
    )
    assert "decided only once" in message


def test_it_refuses_a_decision_someone_else_took_in_the_meantime(new_proceeding):
    p = new_proceeding()
    stale = Proceeding.objects.get(pk=p.pk)
    proceeding_decide(proceeding=p, sanction="reprimand", decided_on=dt.date(2019, 7, 1), by=SYSTEM)
    message = refused_with(
        DisciplineRefused,
        proceeding_decide,
        proceeding=stale,
        sanction="expulsion",
        decided_on=dt.date(2019, 7, 2),
    )
    assert "in the meantime" in message
    assert Proceeding.objects.get(pk=p.pk).sanction == "reprimand"


def test_it_refuses_a_decision_before_the_opening_or_in_the_future(new_proceeding):
    p = new_proceeding(opened_on=dt.date(2019, 6, 3))
    early = invalid(
        "decided_on", proceeding_decide, proceeding=p, sanction="warning", decided_on=dt.date(2019, 6, 2)
    )
    assert "before the proceeding was opened" in early
    assert invalid("decided_on", proceeding_decide, proceeding=p, sanction="warning", decided_on=TOMORROW)
    assert Proceeding.objects.get(pk=p.pk).status == "open"


def test_it_refuses_an_unknown_sanction(new_proceeding):
    p = new_proceeding()
    assert invalid(
        "sanction", proceeding_decide, proceeding=p, sanction="fine", decided_on=dt.date(2019, 7, 1)
    )


def test_it_refuses_a_decision_region_that_did_not_exist_on_the_day(new_proceeding):
    p = new_proceeding()
    message = invalid(
        "region",
        proceeding_decide,
        proceeding=p,
        sanction="warning",
        decided_on=dt.date(2019, 7, 1),
        region=territory(ABAI),
    )
    assert "did not exist" in message


# ---------------------------------------------------------------- appeals


def test_it_refuses_an_appeal_before_the_decision(new_proceeding):
    message = refused_with(
        DisciplineRefused, proceeding_appeal, proceeding=new_proceeding(), filed_on=dt.date(2019, 7, 1)
    )
    assert "Only a decision can be appealed" in message


def test_it_refuses_a_second_appeal(decided, new_member):
    p = decided(new_member(), "reprimand", dt.date(2019, 7, 1))
    p = proceeding_appeal(proceeding=p, filed_on=dt.date(2019, 7, 2), by=SYSTEM)
    refused_with(DisciplineRefused, proceeding_appeal, proceeding=p, filed_on=dt.date(2019, 7, 3))
    p = proceeding_appeal_decide(proceeding=p, outcome="upheld", decided_on=dt.date(2019, 7, 4), by=SYSTEM)
    refused_with(DisciplineRefused, proceeding_appeal, proceeding=p, filed_on=dt.date(2019, 7, 5))


def test_it_refuses_an_appeal_dated_before_the_decision(decided, new_member):
    p = decided(new_member(), "reprimand", dt.date(2019, 7, 10))
    message = invalid("appeal_filed_on", proceeding_appeal, proceeding=p, filed_on=dt.date(2019, 7, 9))
    assert "before the decision" in message


def test_it_refuses_to_decide_an_appeal_never_filed(decided, new_member):
    p = decided(new_member(), "reprimand", dt.date(2019, 7, 10))
    message = refused_with(
        DisciplineRefused,
        proceeding_appeal_decide,
        proceeding=p,
        outcome="upheld",
        decided_on=dt.date(2019, 7, 11),
    )
    assert "no pending appeal" in message


def test_it_refuses_a_reversal_without_a_reason(decided, new_member):
    p = proceeding_appeal(
        proceeding=decided(new_member(), "expulsion", dt.date(2019, 7, 10)),
        filed_on=dt.date(2019, 7, 11),
        by=SYSTEM,
    )
    message = invalid(
        "reversal_reason",
        proceeding_appeal_decide,
        proceeding=p,
        outcome="reversed",
        decided_on=dt.date(2019, 8, 1),
        reversal_reason="  ",
    )
    assert "reason for the reversal" in message
    assert Proceeding.objects.get(pk=p.pk).status == "appealed"


def test_it_refuses_a_wrong_appeal_outcome_date_or_reason(decided, new_member):
    p = proceeding_appeal(
        proceeding=decided(new_member(), "expulsion", dt.date(2019, 7, 10)),
        filed_on=dt.date(2019, 7, 11),
        by=SYSTEM,
    )
    day = dt.date(2019, 8, 1)
    assert invalid("outcome", proceeding_appeal_decide, proceeding=p, outcome="decided", decided_on=day)
    assert invalid(
        "reversal_reason",
        proceeding_appeal_decide,
        proceeding=p,
        outcome="upheld",
        decided_on=day,
        reversal_reason="x",
    )
    early = invalid(
        "appeal_decided_on",
        proceeding_appeal_decide,
        proceeding=p,
        outcome="upheld",
        decided_on=dt.date(2019, 7, 10),
    )
    assert "before it was filed" in early
