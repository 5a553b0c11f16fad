"""A confidential reporter's identity: disclosure requests, the identity custodian's decisions, and the
one read through which staff ever see a reporter's identity (``identity_for``).

The identity itself is sealed by the hotline (``adal.hotline.identity``); this module decides who may see
it. An open report's identity is seen by whoever may read the case. A confidential one is seen only by
the requester of an approved, unexpired disclosure request, and each such read is audited. The custodian
decides without reading the report: they see the request's reason and the case's coarse facts.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from adal.cases.models import Case, DisclosureRequest
from adal.cases.notifications import notify_custodians, notify_reporter_by_email
from adal.cases.services import case_timeline_record, in_scope, own_or_head, scope_filter
from adal.core import permissions
from adal.core.audit import audit_record
from adal.core.models import User
from adal.hotline.identity import identity_exists, identity_open
from adal.hotline.models import IdentityMode, Message, Report

REASON_MAX = 2000
PENDING, APPROVED, REFUSED, CLOSED = (
    DisclosureRequest.State.PENDING,
    DisclosureRequest.State.APPROVED,
    DisclosureRequest.State.REFUSED,
    DisclosureRequest.State.CLOSED,
)


class DisclosureRefused(permissions.Refused):
    pass


# ---------------------------------------------------------------- who may


def may_request(user, case: Case) -> bool:
    """Whoever works the case (its officer, a head in scope) may ask, for one case in their scope."""
    return in_scope(user, case) and own_or_head(user, case)


def may_decide(user, request: DisclosureRequest) -> bool:
    """A custodian decides the requests of cases in their unit's subtree, never a request of their own."""
    return in_scope(user, request.case) and request.requester_id != user.pk


def register_object_rules() -> None:
    permissions.object_rule("identity.request")(may_request)
    permissions.object_rule("identity.approve")(may_decide)


# ---------------------------------------------------------------- the one read


def disclosure_open_to(user, case: Case) -> DisclosureRequest | None:
    """The approved request that opens this case's identity to this user now, if any."""
    if not isinstance(user, User):
        return None
    return (
        DisclosureRequest.objects.filter(
            case=case, requester=user, state=APPROVED, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )


def identity_for(actor, case: Case) -> dict | None:
    """The reporter's identity as this actor may see it, or None.

    Open report: to whoever may read the case. Confidential: only to the requester of an approved,
    unexpired disclosure request who may still read the case; every such read is audited. Anonymous or
    withdrawn: nothing."""
    report = case.report
    if not permissions.may(actor, "case.read_content", case):
        return None
    if report.identity_mode == IdentityMode.OPEN:
        return identity_open(report)
    if report.identity_mode != IdentityMode.CONFIDENTIAL:
        return None
    grant = disclosure_open_to(actor, case)
    if grant is None:
        return None
    identity = identity_open(report)
    if identity is not None:
        with transaction.atomic():
            audit_record(
                action="case.identity_read",
                actor=actor,
                target=case,
                data={"request": grant.pk, "until": grant.expires_at.isoformat()},
            )
    return identity


@dataclass(frozen=True)
class IdentityPanel:
    """What the case page says about the reporter's identity to this reader."""

    mode: str
    mode_label: str
    open_identity: dict | None  # an open report's identity; a confidential one has its own page
    has_identity: bool
    mine: DisclosureRequest | None  # the reader's latest request
    granted: DisclosureRequest | None  # the reader's approved, unexpired request
    may_request: bool
    requests: list[DisclosureRequest]


def identity_panel(user, case: Case, records: frozenset[str]) -> IdentityPanel:
    """``records``: what the case has (adal.cases.selectors.case_records); what it has none of is not read."""
    report = case.report
    mode = report.identity_mode
    requests = []
    if "disclosure_requests" in records:
        requests = list(case.disclosure_requests.select_related("requester", "decided_by"))
    mine = next((r for r in requests if r.requester_id == user.pk), None)
    sealed = "reporter_identity" in records
    confidential = mode == IdentityMode.CONFIDENTIAL and sealed
    # A grant is one's own request: without one there is nothing to look up.
    granted = disclosure_open_to(user, case) if confidential and mine else None
    return IdentityPanel(
        mode=mode,
        mode_label=report.get_identity_mode_display(),
        open_identity=identity_for(user, case) if mode == IdentityMode.OPEN and sealed else None,
        has_identity=mode == IdentityMode.OPEN or confidential,
        mine=mine,
        granted=granted,
        may_request=confidential
        and granted is None
        and not (mine and mine.state == PENDING)
        and permissions.may(user, "identity.request", case),
        requests=requests,
    )


# ---------------------------------------------------------------- the custodian's queue


def disclosures_for_custodian(user) -> QuerySet[DisclosureRequest]:
    """The requests of the cases in the custodian's scope, the pending ones first."""
    cases = Case.objects.filter(scope_filter(user)).values("pk")
    return (
        DisclosureRequest.objects.filter(case__in=cases)
        .select_related("case__report", "case__unit", "requester", "decided_by")
        .order_by("requested_at", "pk")
    )


def disclosure_for_custodian(user, pk: int) -> DisclosureRequest | None:
    return disclosures_for_custodian(user).filter(pk=pk).first()


# ---------------------------------------------------------------- the requests and decisions


def _reason(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DisclosureRefused(message)
    if len(text) > REASON_MAX:
        raise DisclosureRefused(_("Keep the reason under %(n)d characters.") % {"n": REASON_MAX})
    return text


def _has_confidential_identity(report: Report) -> bool:
    return report.identity_mode == IdentityMode.CONFIDENTIAL and identity_exists(report)


def disclosure_request(*, case: Case, by, reason: str) -> DisclosureRequest:
    """Ask the identity custodian to open the reporter's identity to oneself, for a reason."""
    permissions.require(by, "identity.request", case)
    reason = _reason(reason, _("Give the reason why the investigation needs the reporter's identity."))
    if not _has_confidential_identity(case.report):
        raise DisclosureRefused(_("This report has no confidential identity to disclose."))
    if disclosure_open_to(by, case):
        raise DisclosureRefused(_("The identity is already open to you."))
    try:
        with transaction.atomic():
            request = DisclosureRequest.objects.create(
                case=case, requester=by, reason=reason, requested_at=timezone.now()
            )
            case_timeline_record(case=case, by=by, kind="disclosure_requested", data={"request": request.pk})
            notify_custodians(case)
    except IntegrityError:
        raise DisclosureRefused(_("Your request on this case is already waiting for a decision.")) from None
    return request


def _decidable(request: DisclosureRequest, by) -> None:
    if request.requester_id == getattr(by, "pk", None):
        raise DisclosureRefused(_("Nobody decides their own disclosure request."))
    permissions.require(by, "identity.approve", request)
    if request.state != PENDING:
        raise DisclosureRefused(_("This request has already been decided."))


def _decide(request: DisclosureRequest, by, **changes) -> None:
    """The decision as a conditional UPDATE: two custodians deciding at once cannot both win."""
    if not DisclosureRequest.objects.filter(pk=request.pk, state=PENDING).update(**changes):
        raise DisclosureRefused(_("This request has already been decided."))
    request.refresh_from_db()


def disclosure_approve(
    *, request: DisclosureRequest, by, reason: str, withhold_notice_reason: str = ""
) -> DisclosureRequest:
    """Open the identity to the requester alone, for ``ADAL_DISCLOSURE_DAYS`` days. The reporter is told
    in the inbox in the same transaction, so before anyone can read the identity, unless the custodian
    records why telling them would jeopardise the investigation (EU Directive 2019/1937, art. 16(3))."""
    _decidable(request, by)
    reason = _reason(reason, _("Give the reason for your decision."))
    withheld = (withhold_notice_reason or "").strip()
    case = request.case
    if not _has_confidential_identity(case.report):
        raise DisclosureRefused(_("This report has no confidential identity to disclose."))
    now = timezone.now()
    until = now + dt.timedelta(days=settings.ADAL_DISCLOSURE_DAYS)
    with transaction.atomic():
        _decide(
            request,
            by,
            state=APPROVED,
            decided_by=by,
            decided_at=now,
            decision_reason=reason,
            expires_at=until,
            reporter_notified=not withheld,
            notice_withheld_reason=withheld or None,
        )
        if not withheld:
            _tell_reporter_of_disclosure(case, reason, until, by)
        case_timeline_record(
            case=case,
            by=by,
            kind="disclosure_approved",
            data={
                "request": request.pk,
                "requester": request.requester.get_username(),
                "until": until.isoformat(),
                "reporter_notified": not withheld,
            },
        )
    return request


def disclosure_refuse(*, request: DisclosureRequest, by, reason: str) -> DisclosureRequest:
    _decidable(request, by)
    reason = _reason(reason, _("Give the reason for your decision."))
    with transaction.atomic():
        _decide(request, by, state=REFUSED, decided_by=by, decided_at=timezone.now(), decision_reason=reason)
        case_timeline_record(
            case=request.case,
            by=by,
            kind="disclosure_refused",
            data={"request": request.pk, "requester": request.requester.get_username()},
        )
    return request


def _tell_reporter_of_disclosure(case: Case, reason: str, until: dt.datetime, by) -> Message:
    report = case.report
    with translation.override(report.language):
        text = render_to_string(
            "cases/answers/identity_disclosed.txt", {"case": case, "reason": reason, "until": until}
        ).strip()
    message = Message.objects.create(
        report=report,
        direction=Message.Direction.TO_REPORTER,
        created_at=timezone.now(),
        body=text,
        author=permissions.person_of(by),
    )
    notify_reporter_by_email(message)
    return message


# ---------------------------------------------------------------- the reporter changed their identity


def reporter_identity_changed(*, report: Report, change: str) -> None:
    """The hotline's news (``ReportHandler.identity_changed``): the reporter made the identity open or
    withdrew it. Either way nothing is left for a custodian to decide: pending requests close, and the
    timeline says what the reporter did (never who they are)."""
    case = Case.objects.filter(report=report).first()
    if case is None:
        return
    DisclosureRequest.objects.filter(case=case, state=PENDING).update(state=CLOSED, decided_at=timezone.now())
    if change == "withdrawn":
        # An approval still running discloses nothing more: the envelope is gone. Ending it says so.
        DisclosureRequest.objects.filter(case=case, state=APPROVED, expires_at__gt=timezone.now()).update(
            expires_at=timezone.now()
        )
    case_timeline_record(
        case=case, by=permissions.REPORTER, kind=f"identity_{change}", data={"change": change}
    )
