"""The demo's confidential reporters: a disclosure request pending, one approved and viewed, one refused."""

import pytest
from django.utils import timezone

from adal.cases.models import DisclosureRequest
from adal.core.models import AuditEvent, User
from adal.demo.disclosures import CUSTODIAN, plan_disclosures
from adal.demo.history import Schedule
from adal.demo.scenario import build_accounts, build_routing, build_unit_staff, build_units
from adal.hotline.models import Message


@pytest.fixture
def demo(db):
    units = build_units()
    accounts = build_accounts(units)
    build_routing(units)
    staff = build_unit_staff(
        units, {u.role: u for u in User.objects.filter(username__in=[a.username for a in accounts])}
    )
    schedule, receipts = Schedule(), []
    plan_disclosures(schedule, staff=staff, now=timezone.now(), receipts=receipts)
    schedule.run()
    return accounts, receipts


def test_the_demo_has_a_pending_an_approved_and_viewed_and_a_refused_request(demo):
    accounts, receipts = demo
    assert CUSTODIAN in {a.username for a in accounts}
    statuses = sorted(r.status for r in DisclosureRequest.objects.all())
    assert statuses == ["approved", "pending", "refused"]
    approved = DisclosureRequest.objects.get(state="approved")
    assert approved.is_open and approved.reporter_notified
    assert Message.objects.filter(report=approved.case.report, direction="out").exists()
    assert AuditEvent.objects.filter(action="case.identity_read", target_id=str(approved.case_id)).exists()
    assert len([r for r in receipts if r.note]) == 3
