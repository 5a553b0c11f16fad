"""The response algorithm: one service per transition, each checked against the transition table
and the actor's role and scope, done as a conditional UPDATE, and recorded as a CaseEvent and an
audit entry in the same transaction."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adal.cases.clocks import Clock, end_of_day
from adal.cases.models import (
    CASE_MEASURES,
    IS_OPEN,
    OPEN_STATES,
    PROTECTION_MEASURES,
    TRIAGE_STATES,
    Case,
    CaseEvent,
    CaseLink,
    ChannelPolicy,
    Measure,
    Outcome,
    ResponsePolicy,
    RiskAssessment,
    RiskLevel,
    RoutingRule,
    State,
    StateBodyRequest,
)
from adal.cases.notifications import notify_case_staff, notify_reporter_by_email
from adal.cases.tally import case_key, tally_move
from adal.core import permissions
from adal.core.audit import audit_record
from adal.core.models import Role, Territory, Unit, User
from adal.core.selectors import central_unit
from adal.core.workdays import calendar
from adal.hotline.models import Category, Channel, Message, Report

# The capabilities (adal/core/permissions.py) that act on a case; each is narrowed to the user's scope.
CASE_CAPABILITIES = (
    "case.read_content",
    "case.triage",
    "case.assign",
    "case.extend",
    "case.review",
    "case.legal_hold",
)
REPORTER = permissions.REPORTER.label
SYSTEM = permissions.SYSTEM.label


class TransitionRefused(permissions.Refused):
    pass


@dataclass(frozen=True)
class Rule:
    from_states: frozenset
    to_state: str | None  # None: the state stays, the case changes
    capability: str | None  # None: the reporter's own action, through the receipt
    label: object
    assignee_only: bool = False  # an officer acts only on their own cases; heads act on any in scope


RULES: dict[str, Rule] = {
    "triage_start": Rule(
        frozenset({State.REGISTERED}), State.TRIAGE, "case.triage", gettext_lazy("Start triage")
    ),
    "accept": Rule(TRIAGE_STATES, State.ACCEPTED, "case.triage", gettext_lazy("Accept")),
    "redirect": Rule(
        TRIAGE_STATES, State.REDIRECTED, "case.triage", gettext_lazy("Redirect to a competent authority")
    ),
    "merge": Rule(TRIAGE_STATES, State.MERGED, "case.triage", gettext_lazy("Merge into another case")),
    "leave": Rule(
        TRIAGE_STATES,
        State.LEFT_WITHOUT_CONSIDERATION,
        "case.triage",
        gettext_lazy("Leave without consideration"),
    ),
    "assign": Rule(
        frozenset({State.ACCEPTED, State.ASSIGNED, State.REOPENED}),
        State.ASSIGNED,
        "case.assign",
        gettext_lazy("Assign an officer"),
    ),
    "reroute": Rule(
        frozenset({State.ACCEPTED, State.ASSIGNED, State.REOPENED}),
        State.ACCEPTED,
        "case.assign",
        gettext_lazy("Re-route to another unit"),
    ),
    "review_start": Rule(
        frozenset({State.ASSIGNED}),
        State.IN_REVIEW,
        "case.review",
        gettext_lazy("Start the review"),
        assignee_only=True,
    ),
    "decide": Rule(
        frozenset({State.IN_REVIEW}), State.DECIDED, "case.review", gettext_lazy("Decide"), assignee_only=True
    ),
    "answer": Rule(
        frozenset({State.DECIDED}),
        State.ANSWERED,
        "case.review",
        gettext_lazy("Answer the reporter"),
        assignee_only=True,
    ),
    "close": Rule(
        frozenset({State.ANSWERED}), State.CLOSED, "case.review", gettext_lazy("Close"), assignee_only=True
    ),
    "extend": Rule(
        frozenset({State.ACCEPTED, State.ASSIGNED, State.IN_REVIEW, State.DECIDED, State.REOPENED}),
        None,
        "case.extend",
        gettext_lazy("Extend the deadline"),
    ),
    "appeal": Rule(frozenset({State.ANSWERED, State.CLOSED}), State.REOPENED, None, gettext_lazy("Appeal")),
}

# Work on an open case that changes no state: notes, requests to state bodies, links, clarifications.
REVIEW_STATES = frozenset({State.ACCEPTED, State.ASSIGNED, State.IN_REVIEW, State.DECIDED, State.REOPENED})


# ---------------------------------------------------------------- scope and permission


def in_scope(user: User, case: Case) -> bool:
    """Whether the case belongs to the user's unit or a unit below it."""
    if isinstance(user, permissions.SystemActor):
        return True
    if user.unit is None:
        return user.is_superuser
    if user.unit.is_sole_root:  # as scope_filter: the head of the only tree reaches every case
        return True
    if case.unit_id is None:  # waiting at reception: the central unit's business
        return user.unit.parent_id is None
    return case.unit.path.startswith(user.unit.path)


def scope_filter(user: User, *, unit: str = "unit", unrouted: Q | None = None) -> Q:
    """The cases in the user's scope; ``unit`` and ``unrouted`` say it of another table's unit column
    (the case tally's ``unit_pk``, where a case waiting at reception is ``unit_pk=0``)."""
    if user.unit is None:
        return Q() if user.is_superuser else Q(pk__in=[])
    if user.unit.is_sole_root:
        # No condition at all rather than "a unit of the tree or none": no index serves that OR, so the
        # centre's queue would walk every open case to find a page.
        return Q()
    # A subquery for the units, not a join: the database then counts and pages each unit's cases on the
    # (unit, state, due_at) index instead of walking every open case and looking its unit up.
    q = Q(**{f"{unit}__in": Unit.objects.filter(path__startswith=user.unit.path).values("pk")})
    if user.unit.parent_id is None:
        q |= Q(unit__isnull=True) if unrouted is None else unrouted
    return q


def own_or_head(user, case: Case) -> bool:
    """An officer works on their own cases; whoever assigns cases (a head) works on any in scope."""
    return permissions.may(user, "case.assign") or case.assignee_id == user.pk


def may(user: User, case: Case, action: str) -> bool:
    rule = RULES[action]
    if case.state not in rule.from_states:
        return False
    if rule.capability is None:
        return isinstance(user, permissions.ReporterActor)
    if not permissions.may(user, rule.capability, case):
        return False
    return not rule.assignee_only or own_or_head(user, case)


def may_work_on(user: User, case: Case) -> bool:
    """Notes, requests, links and clarifications: the assignee, or a head in scope, while the case is open."""
    if case.state not in REVIEW_STATES or not permissions.may(user, "case.review", case):
        return False
    return own_or_head(user, case)


def allowed_actions(user: User, case: Case) -> list[str]:
    actions = [a for a in RULES if a != "appeal" and may(user, case, a)]
    if "extend" in actions and (case.extended_at or not case.policy.extension_total_months):
        actions.remove("extend")
    if "leave" in actions and not case.policy.allows_leave_without_consideration:
        actions.remove("leave")
    return actions


# ---------------------------------------------------------------- the transition


def _transition(
    *,
    case: Case,
    action: str,
    by,
    changes: dict | None = None,
    data: dict | None = None,
    note: str | None = None,
    also: Callable[[Case], None] | None = None,
    actor_label: str | None = None,
) -> Case:
    rule = RULES[action]
    if case.state not in rule.from_states:
        raise TransitionRefused(
            _("“%(action)s” is not possible while the case is “%(state)s”.")
            % {"action": rule.label, "state": case.get_state_display()}
        )
    if not may(by, case, action):
        raise TransitionRefused(_("You may not do “%(action)s” on this case.") % {"action": rule.label})
    to_state = rule.to_state or case.state
    now = timezone.now()
    changes = {**(changes or {}), **_clock_changes(case, to_state, now, changes or {})}
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, state=case.state, version=case.version).update(
            state=to_state, version=F("version") + 1, updated_at=now, **changes
        )
        if not updated:
            raise TransitionRefused(_("Someone changed this case in the meantime. Reload it and try again."))
        from_state, before = case.state, case_key(case)  # the version matched: the row as read
        case.refresh_from_db()
        tally_move(before, case_key(case))
        _event(
            case,
            by,
            action,
            from_state=from_state,
            to_state=to_state,
            data=data,
            note=note,
            at=now,
            actor_label=actor_label,
        )
        if also is not None:
            also(case)
    return case


def _event(case, by, kind, *, from_state="", to_state="", data=None, note=None, at=None, actor_label=None):
    at = at or timezone.now()
    label = actor_label or by.get_username()
    CaseEvent.objects.create(
        case=case,
        at=at,
        actor=by if isinstance(by, User) else None,
        actor_label=label,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        data=data or {},
        note=note,
    )
    audit_record(
        action=f"case.{kind}",
        actor=by,
        actor_label=label,
        target=case,
        data={"from": from_state, "to": to_state, **(data or {})},
    )


def case_timeline_record(
    *, case: Case, by, kind: str, data: dict | None = None, note: str | None = None
) -> None:
    """Another app's step in a case's life (e.g. a council put it on its agenda, or decided on it), on
    the case's timeline and in the audit log as ``case.<kind>``; the case itself does not change. Runs
    in the caller's transaction."""
    _event(case, by, kind, data=data, note=note)


def _clock_changes(case: Case, to_state: str, now: dt.datetime, changes: dict) -> dict:
    """The deadline that applies in the new state, with its reminder and escalation moments."""
    clock = Clock.of(case.policy, calendar())
    answer_due = changes.get("answer_due_at", case.answer_due_at)
    if to_state in TRIAGE_STATES:
        due = case.triage_due_at
    elif to_state in OPEN_STATES:
        due = answer_due
    elif to_state == State.ANSWERED:
        return {"due_at": clock.close_at(now), "remind_at": None, "escalate_at": None, "overdue_level": 0}
    else:
        return {"remind_at": None, "escalate_at": None}
    if due == case.due_at and "answer_due_at" not in changes:
        return {}
    return {
        "due_at": due,
        "remind_at": clock.remind_at(due),
        "escalate_at": clock.escalate_at(due),
        "overdue_level": 0,
    }


def _tell_reporter(case: Case, text: str, by) -> Message:
    message = Message.objects.create(
        report=case.report,
        direction=Message.Direction.TO_REPORTER,
        created_at=timezone.now(),
        body=text,
        author=permissions.person_of(by),
    )
    notify_reporter_by_email(message)
    return message


def _in_reporter_language(case: Case, fn):
    with translation.override(case.report.language):
        return fn()


# ---------------------------------------------------------------- opening a case


def policy_for_channel(channel: str) -> ResponsePolicy:
    link = ChannelPolicy.objects.select_related("policy").filter(channel=channel).first()
    return link.policy if link else ResponsePolicy.objects.get(code="kz")


def answer_due_for(*, channel: str, received_at: dt.datetime) -> dt.datetime:
    """When the answer to a report of this channel received at that moment is due."""
    return Clock.of(policy_for_channel(channel), calendar()).answer_due(received_at)


def case_open(*, report: Report) -> Case:
    """A report becomes a case. Runs inside the report's own transaction.

    The clocks run from the report's receipt, not its registration: a letter registered three days after
    it arrived has three days less, and one registered past its triage deadline is overdue at once (the
    next sweep escalates it; no reminder is sent for a deadline already missed)."""
    return _case_create(report, policy_for_channel(report.channel))


def _case_create(report: Report, policy: ResponsePolicy, **fields) -> Case:
    clock = Clock.of(policy, calendar())
    triage_due = clock.triage_due(report.received_at)
    case = Case.objects.create(
        report=report,
        state=State.REGISTERED,
        category=report.category,
        region=report.region,
        channel=report.channel,
        policy=policy,
        registered_at=report.received_at,
        triage_due_at=triage_due,
        answer_due_at=clock.answer_due(report.received_at),
        due_at=triage_due,
        remind_at=clock.remind_at(triage_due) if triage_due > report.registered_at else None,
        escalate_at=clock.escalate_at(triage_due),
        **fields,
    )
    tally_move(None, case_key(case))
    CaseEvent.objects.create(
        case=case,
        at=report.registered_at,
        actor=report.registered_by,
        actor_label=report.registered_by.get_username() if report.registered_by else REPORTER,
        kind="registered",
        to_state=State.REGISTERED,
        data={"channel": report.channel, "received_at": report.received_at.isoformat()},
    )
    return case


# ---------------------------------------------------------------- protection against retaliation

# A reporter adds to an open protection case through its messages; a flood of new ones helps nobody.
PROTECTION_OPEN_MAX = 5


def protection_unit(case: Case) -> Unit:
    """Who handles retaliation against the reporter of ``case``: the unit above the one handling it, since
    the retaliation may come from within that unit or those it oversees; the top unit handles its own
    cases' (and, while a case waits at reception, the central unit)."""
    if case.unit_id is None:
        unit = central_unit()
        if unit is None:
            raise TransitionRefused(
                _("There is no central unit to handle this report: ask an administrator.")
            )
        return unit
    return case.unit.parent or case.unit


def protection_policy() -> ResponsePolicy:
    return ResponsePolicy.objects.filter(code="protection").first() or ResponsePolicy.objects.get(code="kz")


def case_open_protection(*, report: Report, protects: Report) -> Case:
    """A retaliation report (from the inbox of ``protects``) becomes a protection case, on the protection
    policy's short clock, at the unit above the original's. The original's timeline says so. Runs inside
    the report's own transaction: a refusal here saves nothing."""
    original = Case.objects.select_related("unit__parent").get(report=protects)
    if original.protection_cases.filter(IS_OPEN).count() >= PROTECTION_OPEN_MAX:
        raise TransitionRefused(
            _(
                "You already have %(n)d retaliation reports under consideration. Add what happened since "
                "to them, as a message below."
            )
            % {"n": PROTECTION_OPEN_MAX}
        )
    case = _case_create(report, protection_policy(), unit=protection_unit(original), protects=original)
    _event(original, permissions.REPORTER, "protection_opened", data={"case": report.registration_number})
    notify_case_staff(case, kind="protection_opened")
    return case


# ---------------------------------------------------------------- retaliation risk


@dataclass(frozen=True)
class Risk:
    """A triage's assessment of the risk of retaliation against the reporter (ISO 37002:2021, 8.3.2)."""

    level: str  # RiskLevel
    reason: str


def _risk_checked(risk: Risk | None) -> Risk:
    if risk is None or risk.level not in RiskLevel.values:
        raise TransitionRefused(
            _("Assess the risk of retaliation against the reporter: low, medium or high.")
        )
    if not risk.reason.strip():
        raise TransitionRefused(_("Give the reason for the retaliation risk you assessed."))
    return Risk(risk.level, risk.reason.strip())


def _triage(*, case: Case, action: str, by: User, risk: Risk | None, also=None, **kwargs) -> Case:
    """A triage decision, which always records the reporter's exposure, whatever is decided: the persons
    concerned may learn of the report however it ends. A high risk is told to the unit head at once."""
    risk = _risk_checked(risk)

    def record(c):
        RiskAssessment.objects.create(
            case=c,
            level=risk.level,
            reason=risk.reason,
            assessed_at=timezone.now(),
            assessed_by=permissions.person_of(by),
            actor_label=by.get_username(),
        )
        if also is not None:
            also(c)

    changes = {**kwargs.pop("changes", {}), "retaliation_risk": risk.level}
    data = {**kwargs.pop("data", {}), "retaliation_risk": risk.level}
    case = _transition(case=case, action=action, by=by, changes=changes, data=data, also=record, **kwargs)
    if risk.level == RiskLevel.HIGH:
        notify_case_staff(case, kind="high_risk")
    return case


# ---------------------------------------------------------------- triage


def case_triage_start(*, case: Case, by: User) -> Case:
    return _transition(case=case, action="triage_start", by=by)


def route(*, region: Territory, category: str) -> Unit:
    """The most specific routing rule: region and category, then region, then category, then the default."""
    rules = RoutingRule.objects.select_related("unit").filter(
        Q(region=region) | Q(region__isnull=True), Q(category=category) | Q(category="")
    )
    best = max(rules, key=lambda r: (r.region_id is not None, r.category != ""), default=None)
    if best is None:
        raise TransitionRefused(
            _("No routing rule applies and there is no default unit: ask an administrator.")
        )
    return best.unit


def case_accept(
    *,
    case: Case,
    by: User,
    risk: Risk | None,
    category: str | None = None,
    region: Territory | None = None,
    concerns_corruption: bool = True,
    involves_official: bool = False,
) -> Case:
    region = region or case.region
    if case.is_protection:
        # Retaliation stays retaliation, and goes above whoever handles the original case now.
        category, unit = Category.RETALIATION, protection_unit(case.protects)
    else:
        category = category or case.category
        if category not in Category.values or category == Category.RETALIATION:
            raise TransitionRefused(_("Choose a category from the list."))
        unit = route(region=region, category=category)
    data = {
        "category": category,
        "region": region.kato,
        "unit": unit.pk,
        "concerns_corruption": concerns_corruption,
        "involves_official": involves_official,
    }
    case = _triage(
        case=case,
        action="accept",
        by=by,
        risk=risk,
        data=data,
        changes={
            "category": category,
            "region": region,
            "unit": unit,
            "concerns_corruption": concerns_corruption,
            "involves_official": involves_official,
        },
    )
    notify_case_staff(case, kind="routed")
    return case


def case_redirect(*, case: Case, by: User, authority: str, reason: str, risk: Risk | None) -> Case:
    authority, reason = authority.strip(), reason.strip()
    if not authority or not reason:
        raise TransitionRefused(_("Name the competent authority and give the reason."))

    def notice(c):
        _tell_reporter(
            c,
            _in_reporter_language(
                c,
                lambda: render_to_string(
                    "cases/answers/redirected.txt", {"case": c, "authority": authority, "reason": reason}
                ),
            ),
            by,
        )

    return _triage(
        case=case,
        action="redirect",
        by=by,
        risk=risk,
        changes={"redirected_to": authority, "closed_at": timezone.now()},
        data={"authority": authority},
        note=reason,
        also=notice,
    )


def case_merge(*, case: Case, by: User, into: Case, risk: Risk | None) -> Case:
    if into.pk == case.pk or into.state == State.MERGED:
        raise TransitionRefused(_("Choose another case that has not itself been merged."))

    def notice(c):
        _tell_reporter(
            c, _in_reporter_language(c, lambda: render_to_string("cases/answers/merged.txt", {"case": c})), by
        )

    return _triage(
        case=case,
        action="merge",
        by=by,
        risk=risk,
        changes={"merged_into": into, "closed_at": timezone.now()},
        data={"into": into.report.registration_number},
        also=notice,
    )


def case_leave(*, case: Case, by: User, reason: str, risk: Risk | None) -> Case:
    if not case.policy.allows_leave_without_consideration:
        raise TransitionRefused(
            _("The policy of this channel does not allow leaving a report without consideration.")
        )
    if not reason.strip():
        raise TransitionRefused(_("Give the reason: the reporter will see it."))

    def notice(c):
        _tell_reporter(
            c,
            _in_reporter_language(
                c,
                lambda: render_to_string(
                    "cases/answers/left_without_consideration.txt", {"case": c, "reason": reason.strip()}
                ),
            ),
            by,
        )

    return _triage(
        case=case,
        action="leave",
        by=by,
        risk=risk,
        changes={"closed_at": timezone.now()},
        note=reason.strip(),
        also=notice,
    )


# ---------------------------------------------------------------- assignment and routing


def officers_for(case: Case):
    return User.objects.filter(
        is_active=True, role__in=[Role.CASE_OFFICER, Role.UNIT_HEAD], unit__path__startswith=case.unit.path
    ).order_by("last_name", "username")


def case_assign(*, case: Case, by: User, officer: User) -> Case:
    if case.unit_id is None or not officers_for(case).filter(pk=officer.pk).exists():
        raise TransitionRefused(_("Choose an officer of the unit responsible for this case."))
    case = _transition(
        case=case,
        action="assign",
        by=by,
        changes={"assignee": officer},
        data={"officer": officer.get_username()},
    )
    notify_case_staff(case, kind="assigned")
    return case


def case_reroute(*, case: Case, by: User, unit: Unit, reason: str = "") -> Case:
    if unit.pk == case.unit_id:
        raise TransitionRefused(_("The case is already with this unit."))
    original = case.protects.unit if case.is_protection else None
    if original is not None and unit.path.startswith(original.path):
        # The retaliation may come from within the original's unit or those below it.
        raise TransitionRefused(
            _("A protection case is not handled by the unit that handles the original case, nor below it.")
        )
    case = _transition(
        case=case,
        action="reroute",
        by=by,
        changes={"unit": unit, "assignee": None},
        data={"from_unit": case.unit_id, "unit": unit.pk},
        note=reason or None,
    )
    notify_case_staff(case, kind="routed")
    return case


# ---------------------------------------------------------------- review


def case_review_start(*, case: Case, by: User) -> Case:
    return _transition(case=case, action="review_start", by=by)


def _work(case: Case, by: User, kind: str, *, data=None, note=None, fn=None):
    if not may_work_on(by, case):
        raise TransitionRefused(_("Only the assigned officer or a unit head may work on this case now."))
    with transaction.atomic():
        result = fn() if fn else None
        _event(case, by, kind, data=data, note=note)
    return result


def case_note_add(*, case: Case, by: User, text: str) -> None:
    if not text.strip():
        raise TransitionRefused(_("Write the note."))
    _work(case, by, "note", note=text.strip())


def case_request_send(
    *, case: Case, by: User, addressee: str, question: str, due_days: int = 10
) -> StateBodyRequest:
    if not addressee.strip() or not question.strip():
        raise TransitionRefused(_("Name the state body and write the request."))
    if not 1 <= due_days <= 60:
        raise TransitionRefused(_("The answer may be due in 1 to 60 working days."))
    now = timezone.now()
    due = calendar().deadline(now, due_days)
    return _work(
        case,
        by,
        "request_sent",
        data={"addressee": addressee.strip(), "due_at": due.isoformat()},
        fn=lambda: StateBodyRequest.objects.create(
            case=case,
            addressee=addressee.strip(),
            question=question.strip(),
            sent_at=now,
            due_at=due,
            sent_by=permissions.person_of(by),
        ),
    )


def case_request_answer(*, request: StateBodyRequest, by: User, answer: str) -> StateBodyRequest:
    if request.answered_at:
        raise TransitionRefused(_("This request already has its answer."))
    if not answer.strip():
        raise TransitionRefused(_("Write the answer received."))

    def record():
        request.answer, request.answered_at = answer.strip(), timezone.now()
        request.save(update_fields=["answer", "answered_at"])
        return request

    return _work(request.case, by, "request_answered", data={"addressee": request.addressee}, fn=record)


def case_link(*, case: Case, by: User, other: Case) -> None:
    if other.pk == case.pk:
        raise TransitionRefused(_("A case cannot be linked to itself."))
    _work(
        case,
        by,
        "linked",
        data={"other": other.report.registration_number},
        fn=lambda: CaseLink.objects.get_or_create(
            case=case, other=other, defaults={"created_at": timezone.now()}
        ),
    )


def case_clarification_request(*, case: Case, by: User, text: str) -> None:
    if not text.strip():
        raise TransitionRefused(_("Write what the reporter should clarify."))
    _work(case, by, "clarification_requested", fn=lambda: _tell_reporter(case, text.strip(), by))


# ---------------------------------------------------------------- decision, answer, closing


def measures_for(case: Case) -> tuple[str, ...]:
    """The measures a decision on this case may record: a protection case's protect the reporter."""
    return PROTECTION_MEASURES if case.is_protection else CASE_MEASURES


def case_decide(
    *, case: Case, by: User, outcome: str, measures: list[tuple[str, str]], findings: str
) -> Case:
    if outcome not in Outcome.values:
        raise TransitionRefused(_("Choose the outcome."))
    if any(kind not in measures_for(case) for kind, _details in measures):
        raise TransitionRefused(_("Choose measures from the list."))
    if not findings.strip():
        raise TransitionRefused(_("Write the findings: they go into the answer to the reporter."))
    now = timezone.now()

    def record(c):
        Measure.objects.bulk_create(
            Measure(case=c, kind=k, details=d.strip(), created_at=now) for k, d in measures
        )

    return _transition(
        case=case,
        action="decide",
        by=by,
        changes={"outcome": outcome, "decided_at": now},
        data={"outcome": outcome, "measures": [k for k, _d in measures]},
        note=findings.strip(),
        also=record,
    )


def answer_text(case: Case, findings: str) -> str:
    """The answer from the outcome's template, in the reporter's language."""
    measures = [m.get_kind_display for m in case.measures.all()]
    return _in_reporter_language(
        case,
        lambda: render_to_string(
            f"cases/answers/{case.outcome}.txt",
            {"case": case, "findings": findings, "measures": [str(m()) for m in measures]},
        ).strip(),
    )


def case_answer(*, case: Case, by: User, findings: str) -> Case:
    if not findings.strip():
        raise TransitionRefused(_("Write the answer."))
    return _transition(
        case=case,
        action="answer",
        by=by,
        changes={"answered_at": timezone.now()},
        also=lambda c: _tell_reporter(c, answer_text(c, findings.strip()), by),
    )


def case_close(*, case: Case, by) -> Case:
    return _transition(case=case, action="close", by=by, changes={"closed_at": timezone.now()})


def case_extend(*, case: Case, by: User, until: dt.date, reason: str) -> Case:
    clock = Clock.of(case.policy, calendar())
    limit = clock.extension_limit(case.registered_at)
    if case.extended_at or limit is None:
        raise TransitionRefused(_("The deadline of this case cannot be extended again."))
    if not reason.strip():
        raise TransitionRefused(_("Give the reason for the extension: the reporter will see it."))
    new_due = end_of_day(until)
    if not case.answer_due_at < new_due <= limit:
        raise TransitionRefused(
            _("The new deadline must be after the current one and no later than %(limit)s.")
            % {"limit": limit.date().isoformat()}
        )

    def notice(c):
        _tell_reporter(
            c,
            _in_reporter_language(
                c,
                lambda: render_to_string("cases/answers/extended.txt", {"case": c, "reason": reason.strip()}),
            ),
            by,
        )

    return _transition(
        case=case,
        action="extend",
        by=by,
        changes={"answer_due_at": new_due, "extended_at": timezone.now()},
        data={"until": new_due.date().isoformat()},
        note=reason.strip(),
        also=notice,
    )


# ---------------------------------------------------------------- the reporter's side


def case_appeal(*, case: Case, reason: str) -> Case:
    """The reporter appeals once; the case reopens one level up (district → region → centre)."""
    if case.appealed_at:
        raise TransitionRefused(_("An answer can be appealed only once."))
    if case.purged_at:
        raise TransitionRefused(
            _(
                "The content of this report was purged at the end of its retention period: "
                "it cannot be appealed."
            )
        )
    if not reason.strip():
        raise TransitionRefused(_("Say why you disagree with the answer."))
    now = timezone.now()
    unit = case.unit.parent if case.unit and case.unit.parent_id else case.unit
    answer_due = Clock.of(case.policy, calendar()).answer_due(now)

    case = _transition(
        case=case,
        action="appeal",
        by=permissions.REPORTER,
        note=reason.strip(),
        changes={
            "appealed_at": now,
            "unit": unit,
            "assignee": None,
            "answer_due_at": answer_due,
            "closed_at": None,
            "outcome": "",
        },
        data={"unit": unit.pk if unit else None},
    )
    notify_case_staff(case, kind="appealed")
    return case


def case_rate(*, case: Case, rating: int) -> Case:
    if case.state not in (State.ANSWERED, State.CLOSED):
        raise TransitionRefused(_("You can rate the answer once you have it."))
    if not 1 <= rating <= 5:
        raise TransitionRefused(_("Rate from 1 to 5."))
    with transaction.atomic():
        if not Case.objects.filter(pk=case.pk, reporter_rating__isnull=True).update(reporter_rating=rating):
            raise TransitionRefused(_("The answer has already been rated."))
        _event(case, permissions.REPORTER, "rated", data={"rating": rating})
    case.refresh_from_db()
    return case


def reporter_transcript_checked(*, report: Report, kind: str) -> None:
    """The reporter corrected or confirmed the transcript of their call or visit: a step on the timeline,
    without its words (they are beside the transcript); a correction is news for the officer."""
    case = Case.objects.filter(report=report).first()
    if case is not None:
        _event(case, permissions.REPORTER, kind)
        if kind == "transcript_corrected":
            notify_case_staff(case, kind=kind)


def reporter_message_received(*, report: Report) -> None:
    """Called when a reporter writes: the officer (or the unit's heads) hear of it."""
    case = Case.objects.filter(report=report).first()
    if case is not None:
        _event(case, permissions.REPORTER, "reporter_message")
        notify_case_staff(case, kind="reporter_message")


# ---------------------------------------------------------------- presets


# How long a case's content is kept after it ends, in each preset (an administrator may change it):
# - Kazakhstan: 5 years, the keeping period of citizens' appeals and the documents of their consideration
#   in the list of standard documents with their keeping periods (order of the Minister of Culture and
#   Sports No. 263 of 29 September 2017, replaced by order No. 279-НҚ of 17 June 2025, under the law "On
#   the National Archive Fund and archives", art. 18); check it against the list in force.
# - EU Directive 2019/1937, art. 18(1): reports are kept "no longer than it is necessary and
#   proportionate"; 3 years after the procedure ends, as Germany's transposition sets it (HinSchG § 11(5)).
RETENTION_MONTHS = {"kz": 60, "eu-2019-1937": 36}


def policy_presets_install(*, using: str = "default") -> None:
    """Kazakhstan's preset (APPC art. 76), the EU Directive 2019/1937 preset and the protection cases'
    preset; every channel starts on Kazakhstan's. Existing rows are left as the administrator set them."""
    kz, _ = ResponsePolicy.objects.using(using).get_or_create(
        code="kz",
        defaults=dict(
            name_ru="Казахстан: АППК РК, ст. 76",
            name_kk="Қазақстан: ӘРПК, 76-бап",
            name_en="Kazakhstan: Administrative Procedural Code, art. 76",
            day_kind="working",
            triage_days=3,
            forward_days=3,
            answer_days=15,
            extension_total_months=2,
            extension_notice_days=3,
            allows_leave_without_consideration=True,
            retention_months=RETENTION_MONTHS["kz"],
        ),
    )
    ResponsePolicy.objects.using(using).get_or_create(
        code="eu-2019-1937",
        defaults=dict(
            name_ru="Директива ЕС 2019/1937",
            name_kk="ЕО 2019/1937 директивасы",
            name_en="EU Directive 2019/1937",
            day_kind="calendar",
            triage_days=7,
            forward_days=7,
            answer_months=3,
            retention_months=RETENTION_MONTHS["eu-2019-1937"],
        ),
    )
    # Retaliation against a reporter (EU 2019/1937 arts. 19–21, ISO 37002 8.4.2): checked the next working
    # day, as harm grows by the day (a dismissal takes effect, a threat is carried out), and answered in
    # 10 working days, two-thirds of the general 15, since it is about one person's situation and acts
    # through referrals (labour inspection, prosecutor) rather than a full inquiry; one reasoned extension
    # to a month in all when a referral's answer is awaited. Never left without consideration; reminded
    # a day before and very overdue two days after a deadline, so the next level steps in soon.
    ResponsePolicy.objects.using(using).get_or_create(
        code="protection",
        defaults=dict(
            name_ru="Защита заявителя от преследования",
            name_kk="Хабарлаушыны қудалаудан қорғау",
            name_en="Protection of a reporter against retaliation",
            day_kind="working",
            triage_days=1,
            forward_days=1,
            answer_days=10,
            extension_total_months=1,
            extension_notice_days=1,
            remind_before_days=1,
            very_overdue_days=2,
            allows_leave_without_consideration=False,
        ),
    )
    for channel in Channel.values:
        ChannelPolicy.objects.using(using).get_or_create(channel=channel, defaults={"policy": kz})
