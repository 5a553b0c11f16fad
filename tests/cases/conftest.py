import pytest
from django.utils import timezone

from adal.cases.models import RoutingRule
from adal.cases.services import Risk
from adal.core.models import Role, Territory, Unit
from adal.core.permissions import SYSTEM
from adal.core.services import unit_create
from adal.hotline.services import report_submit
from tests.conftest import make_staff
from tests.replay import replayed

# Every triage decision assesses the risk of retaliation; tests that are not about it assess it low.
LOW_RISK = Risk("low", "Анонимное сообщение: по фактам заявителя не установить.")


@pytest.fixture
def org(units):
    """Centre → Aktobe (with a district) and Almaty; routing sends Aktobe's reports to Aktobe."""
    return replayed("cases.org", lambda: _build_org(units))


def _build_org(units) -> dict:
    aktobe_district = unit_create(
        name_ru="Алга",
        name_kk="Алға",
        name_en="Alga",
        level=Unit.Level.DISTRICT,
        parent=units["aktobe"],
        by=SYSTEM,
    )
    RoutingRule.objects.create(region=None, category="", unit=units["centre"])
    RoutingRule.objects.create(
        region=Territory.objects.get(kato="150000000"), category="", unit=units["aktobe"]
    )
    RoutingRule.objects.create(
        region=Territory.objects.get(kato="150000000"), category="education", unit=aktobe_district
    )
    staff = {
        "operator": make_staff("operator", Role.OPERATOR, units["centre"])[0],
        "head": make_staff("head", Role.UNIT_HEAD, units["aktobe"])[0],
        "officer": make_staff("officer", Role.CASE_OFFICER, units["aktobe"])[0],
        "colleague": make_staff("colleague", Role.CASE_OFFICER, units["aktobe"])[0],
        "almaty_head": make_staff("almaty-head", Role.UNIT_HEAD, units["almaty"])[0],
        "almaty_officer": make_staff("almaty-officer", Role.CASE_OFFICER, units["almaty"])[0],
        "centre_head": make_staff("centre-head", Role.UNIT_HEAD, units["centre"])[0],
        "district_head": make_staff("district-head", Role.UNIT_HEAD, aktobe_district)[0],
        "analyst": make_staff("analyst", Role.ANALYST, units["centre"])[0],
        "auditor": make_staff("auditor", Role.AUDITOR, units["centre"])[0],
        "secretary": make_staff("secretary", Role.COUNCIL_SECRETARY, units["aktobe"])[0],
    }
    for user in staff.values():
        user.email = f"{user.username}@adal.example"
        user.save(update_fields=["email"])
    return {**units, "aktobe_district": aktobe_district, **staff}


@pytest.fixture
def new_case(draft):
    def make(**overrides):
        received_at = overrides.pop("received_at", None) or timezone.now()
        return report_submit(draft=draft(**overrides), received_at=received_at).report.case

    return make
