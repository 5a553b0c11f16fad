"""How long a case's content is kept, the legal holds that keep it longer, and the purge at the end.

A case's policy sets ``retention_months``; the period counts from the moment the case ended
(``closed_at``: closed, redirected, merged or left without consideration, see ENDED_STATES). Content is
kept until the end of that day's local date N months later, and purged by the worker's daily job after
it, unless:
- the case is open again (an appeal clears ``closed_at``: the period counts afresh from its new end);
- a legal hold is in force (until it is lifted);
- the case was merged into another one that still keeps its content: a duplicate is kept as long as
  the case it was merged into (it is purged with it, or on the next run after it).

The purge keeps what the statistics and the event history need: the case's and report's clear columns
(category, region, district, channel, identity mode, language, outcome, dates, states), the timeline's
rows (kind, dates, states, content-free ``data``), the measures' kinds, the messages' directions and
dates, the requests' addressees and dates. It removes what people wrote or sent: the report's text, the
reporter's identity, messages' bodies, files and their names, timeline notes, request questions and
answers, measures' details, hold reasons. A model that holds case content joins with one line in
``CASE_CONTENT`` below (the hotline's side is ``adal/hotline/retention.py``).

Each case is purged in its own short transaction, claimed by a conditional UPDATE like every transition,
with its audit entry; its files are removed after the commit (adal.core.files.remove_stored_on_commit).
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from adal.cases.clocks import add_months, end_of_day, local_date
from adal.cases.models import (
    ENDED_STATES,
    Case,
    CaseEvent,
    DisclosureRequest,
    LegalHold,
    Measure,
    ResponsePolicy,
    RiskAssessment,
    State,
    StateBodyRequest,
)
from adal.cases.services import case_timeline_record
from adal.core.permissions import NotAllowed, Refused, SystemActor, person_of, require
from adal.core.retention import Blank, PurgeSteps
from adal.core.workdays import local_zone
from adal.hotline.retention import report_content_purge

logger = logging.getLogger(__name__)

BATCH = 100  # cases read per query; each is purged in a transaction of its own

CASE_CONTENT = PurgeSteps()
CASE_CONTENT.add("event_notes", Blank(CaseEvent, "case", where=Q(note__isnull=False), note=None))
CASE_CONTENT.add("request_texts", Blank(StateBodyRequest, "case", question="", answer=None))
CASE_CONTENT.add("measure_details", Blank(Measure, "case", where=~Q(details=""), details=""))
CASE_CONTENT.add("risk_reasons", Blank(RiskAssessment, "case", reason=""))
CASE_CONTENT.add("hold_reasons", Blank(LegalHold, "case", reason="", lift_reason=None))
# With the identity gone there is nothing left to decide or to open: a pending request closes, and the
# reasons given for and against disclosure go with the rest of the content.
CASE_CONTENT.add(
    "disclosures_closed",
    Blank(DisclosureRequest, "case", where=Q(state=DisclosureRequest.State.PENDING), state="closed"),
)
CASE_CONTENT.add(
    "disclosure_reasons",
    Blank(DisclosureRequest, "case", reason="", decision_reason=None, notice_withheld_reason=None),
)


class RetentionRefused(Refused):
    pass


# ---------------------------------------------------------------- how long


def kept_until(case: Case) -> dt.datetime | None:
    """The end of the day after which the case's content may be purged; None while it is open (or
    answered), when its policy keeps content without limit, or while the case it was merged into is."""
    months = case.policy.retention_months
    if months is None or case.state not in ENDED_STATES or case.closed_at is None:
        return None
    until = end_of_day(add_months(local_date(case.closed_at), months))
    if case.state == State.MERGED and case.merged_into_id:
        target = kept_until(case.merged_into)
        return None if target is None else max(until, target)
    return until


def hold_in_force(case: Case) -> LegalHold | None:
    return LegalHold.objects.filter(case=case, lifted_at__isnull=True).select_related("placed_by").first()


@dataclass(frozen=True)
class Retention:
    """What the case page and the reporter's inbox say about how long the content is kept."""

    months: int | None
    kept_until: dt.datetime | None
    purged_at: dt.datetime | None
    policy: ResponsePolicy
    hold: LegalHold | None = None
    holds: list[LegalHold] = field(default_factory=list)  # every hold, lifted ones too, oldest first

    @property
    def ended(self) -> bool:
        return self.kept_until is not None


def retention_of(case: Case, *, with_holds: bool = True) -> Retention:
    holds = list(case.legal_holds.select_related("placed_by", "lifted_by")) if with_holds else []
    return Retention(
        months=case.policy.retention_months,
        kept_until=kept_until(case),
        purged_at=case.purged_at,
        policy=case.policy,
        hold=next((h for h in holds if h.in_force), None),
        holds=holds,
    )


# ---------------------------------------------------------------- legal holds


def case_hold_place(*, case: Case, by, reason: str) -> LegalHold:
    """Keep the case's content past its retention period until the hold is lifted."""
    require(by, "case.legal_hold", case)
    reason = reason.strip()
    if not reason:
        raise RetentionRefused(_("Give the reason for the legal hold (e.g. the court case or the request)."))
    with transaction.atomic():
        # The row lock orders a hold and a purge of the same case (see case_content_purge).
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.purged_at:
            raise RetentionRefused(
                _("The content of this case has already been purged: nothing is left to hold.")
            )
        if LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists():
            raise RetentionRefused(_("This case is already under a legal hold."))
        hold = LegalHold.objects.create(
            case=case,
            reason=reason,
            placed_at=timezone.now(),
            placed_by=person_of(by),
            placed_by_label=by.get_username(),
        )
        case_timeline_record(case=case, by=by, kind="legal_hold_placed", data={"hold": hold.pk})
    return hold


def case_hold_lift(*, case: Case, by, reason: str) -> LegalHold:
    """Lift the hold in force; the case's content is then purged when its period has passed."""
    require(by, "case.legal_hold", case)
    reason = reason.strip()
    if not reason:
        raise RetentionRefused(_("Give the reason for lifting the legal hold."))
    with transaction.atomic():
        hold = hold_in_force(case)
        lifted = hold and LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
            lifted_at=timezone.now(),
            lifted_by=person_of(by),
            lifted_by_label=by.get_username(),
            lift_reason=reason,
        )
        if not lifted:
            raise RetentionRefused(_("This case is not under a legal hold."))
        case_timeline_record(case=case, by=by, kind="legal_hold_lifted", data={"hold": hold.pk})
    hold.refresh_from_db()
    return hold


# ---------------------------------------------------------------- the purge of one case


def case_content_purge(
    *, case: Case, by: SystemActor, now: dt.datetime | None = None
) -> dict[str, int] | None:
    """Purge the content of an ended case past its retention period, whole or not at all; answer how many
    rows each step touched, or None when it was purged already (purging twice does nothing).

    Only the code purges (the worker's job, the ``retention_purge`` command). The case is claimed first by
    a conditional UPDATE (which locks its row), and only then are its holds read: a hold placed meanwhile
    either committed before (and is seen: the purge is refused) or waits for this purge to commit (and is
    then refused, ``case_hold_place``). An appeal racing the purge finds the version moved."""
    if not isinstance(by, SystemActor):
        raise NotAllowed(_("Content is purged by the retention job alone."))
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Case.objects.filter(pk=case.pk, purged_at__isnull=True, state__in=ENDED_STATES).update(
            purged_at=now, version=F("version") + 1
        )
        if not claimed:
            if Case.objects.filter(pk=case.pk, purged_at__isnull=False).exists():
                return None
            raise RetentionRefused(_("Only a case that has ended can have its content purged."))
        case.refresh_from_db()
        if reason := _purge_refused(case, now):
            raise RetentionRefused(reason)
        counts = report_content_purge(report=case.report, by=by)
        counts.update(CASE_CONTENT.run(case))
        data = {"policy": case.policy.code, "retention_months": case.policy.retention_months, **counts}
        case_timeline_record(case=case, by=by, kind="content_purged", data=data)
    return counts


def _purge_refused(case: Case, now: dt.datetime) -> str | None:
    if LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists():
        return _("The case is under a legal hold.")
    if case.state == State.MERGED and case.merged_into and not case.merged_into.purged_at:
        return _("The case it was merged into still keeps its content.")
    until = kept_until(case)
    if until is None or now <= until:
        return _("The retention period of this case has not passed.")
    return None


# ---------------------------------------------------------------- the daily job


def _ended_before(today: dt.date, months: int) -> dt.datetime:
    """The moment before which a case must have ended for its content to be past ``kept_until`` on
    ``today``: the day after the last local date d with add_months(d, months) < today, at midnight."""
    day = add_months(today, -months)
    while add_months(day, months) >= today:
        day -= dt.timedelta(days=1)
    while add_months(day + dt.timedelta(days=1), months) < today:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=local_zone())


def _past_period(now: dt.datetime) -> QuerySet[Case]:
    """Ended cases, not yet purged, whose policy's retention period has passed."""
    today = local_date(now)
    past = Q(pk__in=[])
    for pk, months in ResponsePolicy.objects.filter(retention_months__isnull=False).values_list(
        "pk", "retention_months"
    ):
        past |= Q(policy_id=pk, closed_at__lt=_ended_before(today, months))
    return Case.objects.filter(past, state__in=ENDED_STATES, closed_at__isnull=False, purged_at__isnull=True)


def _held() -> Exists:
    return Exists(LegalHold.objects.filter(case=OuterRef("pk"), lifted_at__isnull=True))


def purge_due(now: dt.datetime) -> QuerySet[Case]:
    """The cases whose content is due to be purged now: past their period, not held, and (a duplicate)
    not merged into a case that still keeps its content."""
    return (
        _past_period(now)
        .exclude(_held())
        .filter(~Q(state=State.MERGED) | Q(merged_into__purged_at__isnull=False))
    )


def retention_forecast(now: dt.datetime) -> dict[str, dict[str, int]]:
    """What a run now would do, by policy code: cases due, and cases past their period but held."""
    past = _past_period(now)
    due = purge_due(now)
    return {
        code: {
            "due": due.filter(policy__code=code).count(),
            "held": past.filter(_held(), policy__code=code).count(),
        }
        for code in ResponsePolicy.objects.filter(retention_months__isnull=False).values_list(
            "code", flat=True
        )
    }


def retention_purge(*, by: SystemActor, now: dt.datetime | None = None) -> dict[str, int]:
    """Purge every case that is due, a batch at a time, each case in its own transaction: the job holds
    no lock longer than one case's purge. Duplicates come second, after the cases they were merged into."""
    now = now or timezone.now()
    result = {"purged": 0, "refused": 0, "failed": 0}
    for duplicates in (False, True):
        due = (
            purge_due(now).filter(state=State.MERGED)
            if duplicates
            else purge_due(now).exclude(state=State.MERGED)
        )
        after: tuple | None = None
        while batch := _next_batch(due, after):
            for _closed_at, pk in batch:
                result[_purge_one(pk, by, now)] += 1
            after = batch[-1]
    return result


def _next_batch(due: QuerySet[Case], after: tuple | None) -> list[tuple]:
    """The next cases in (closed_at, pk) order: a case refused or failed is passed, not read again."""
    if after is not None:
        closed_at, pk = after
        due = due.filter(Q(closed_at__gt=closed_at) | Q(closed_at=closed_at, pk__gt=pk))
    return list(due.order_by("closed_at", "pk").values_list("closed_at", "pk")[:BATCH])


def _purge_one(pk: int, by, now) -> str:
    case = Case.objects.select_related("policy", "report", "merged_into").get(pk=pk)
    try:
        return "purged" if case_content_purge(case=case, by=by, now=now) is not None else "refused"
    except RetentionRefused:
        return "refused"  # changed since it was read (appealed, held): the next run sees it afresh
    except Exception:
        # One case's trouble must not keep every other case's content past its time.
        logger.exception("The content of case %s could not be purged; the other cases were.", pk)
        return "failed"
