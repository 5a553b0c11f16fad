"""The demo's retention part: old closed cases purged by the job, and one kept by a legal hold."""

import datetime as dt

from django.utils import timezone

from adal.cases.models import Case, LegalHold
from adal.core.models import User
from adal.demo.retention import build_retention
from adal.demo.scenario import build_accounts, build_routing, build_unit_staff, build_units


def test_old_cases_are_purged_by_the_job_and_the_held_one_is_kept(db):
    units = build_units()
    accounts = build_accounts(units)
    build_routing(units)
    by_role = {u.role: u for u in User.objects.filter(username__in=[a.username for a in accounts])}
    staff = build_unit_staff(units, by_role)

    assert build_retention(staff=staff) == {"purged": 3, "refused": 0, "failed": 0}

    old = Case.objects.filter(registered_at__lt=timezone.now() - dt.timedelta(days=5 * 365)).select_related(
        "report"
    )
    assert old.count() == 4
    purged = [c for c in old if c.purged_at]
    assert len(purged) == 3 and all(c.report.content == {} for c in purged)
    held = old.get(purged_at__isnull=True)
    assert LegalHold.objects.get(lifted_at__isnull=True).case == held
    assert held.report.content["description"].startswith("Тендер")
    assert held.events.filter(kind="legal_hold_placed").exists()
