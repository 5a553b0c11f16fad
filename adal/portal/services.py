"""Writes of the portal: freezing a period report for the record."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from adal.core.audit import audit_record
from adal.core.permissions import Refused, require
from adal.portal.models import FrozenReport, content_hash
from adal.portal.reports import period_report_data


def report_freeze(*, first: dt.date, last: dt.date, title: str, issued_for: str, by) -> FrozenReport:
    """Store the period's report data as issued, with its hash; the report renders from it from now on."""
    require(by, "report.freeze")
    title, issued_for = title.strip(), issued_for.strip()
    if not title or not issued_for:
        raise Refused(_("A frozen report needs a title and whom it is issued for."))
    snapshot = period_report_data(first, last)
    with transaction.atomic():
        report = FrozenReport.objects.create(
            first_day=first,
            last_day=last,
            title=title[:300],
            issued_for=issued_for[:300],
            issued_at=timezone.now(),
            issued_by=by if getattr(by, "pk", None) else None,
            snapshot=snapshot,
            content_hash=content_hash(snapshot),
        )
        audit_record(
            action="report.frozen",
            actor=by,
            target=report,
            data={"first": first.isoformat(), "last": last.isoformat(), "hash": report.content_hash},
        )
    return report
