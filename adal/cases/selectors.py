import base64
import dataclasses
import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from adal.cases.clocks import local_date
from adal.cases.links import linked_pointers
from adal.cases.models import IS_OPEN, OPEN_STATES, TRIAGE_STATES, Case, CaseTally, RiskLevel, State
from adal.cases.retention import Retention, retention_of
from adal.cases.services import scope_filter
from adal.cases.tally import NO_UNIT, week_number
from adal.core.models import Territory, User
from adal.core.workdays import calendar, local_zone
from adal.hotline.models import Category, Channel, Message, Report, RetaliationKind

PAGE_SIZE = 50


@dataclass
class QueueFilters:
    state: str = "open"  # "open", "all" or one state
    category: str = ""
    region: str = ""  # KATO
    channel: str = ""
    overdue: bool = False
    assignee: str = ""  # "", "me", "none" or a user id
    due_before: dt.date | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    descending: bool = False
    high_risk: bool = False  # only cases whose reporter is at high risk of retaliation


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A case as the queue shows it: the columns of one row, already in the reader's language."""

    pk: int
    registration_number: str
    state: str
    state_label: str
    category_label: str
    region: str
    channel_label: str
    officer: str
    registered_at: dt.datetime
    due_at: dt.datetime
    overdue_level: int
    retaliation_risk: str = ""
    # The case's protection cases that the reader may open: (pk, number, state label); and whether it has
    # others, outside the reader's scope (they are flagged, not named).
    protections: tuple = ()
    protected_elsewhere: bool = False

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


@dataclass
class QueuePage:
    cases: list[QueueRow]
    next_cursor: str | None
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0


def cases_visible_to(user: User) -> QuerySet[Case]:
    return Case.objects.filter(scope_filter(user))


def _filtered(user: User, f: QueueFilters, *, with_state: bool = True) -> QuerySet[Case]:
    qs = cases_visible_to(user)
    if with_state:
        if f.state == "open":
            qs = qs.filter(IS_OPEN)
        elif f.state in State.values:
            qs = qs.filter(state=f.state)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.region:
        qs = qs.filter(region__kato=f.region)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.overdue:
        qs = qs.filter(IS_OPEN, due_at__lt=timezone.now())
    if f.high_risk:
        qs = qs.filter(retaliation_risk=RiskLevel.HIGH)
    if f.assignee == "me":
        qs = qs.filter(assignee=user)
    elif f.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif f.assignee.isdigit():
        qs = qs.filter(assignee_id=int(f.assignee))
    if f.due_before:
        qs = qs.filter(due_at__lt=dt.datetime.combine(f.due_before, dt.time.min, tzinfo=dt.UTC))
    if f.received_from:
        qs = qs.filter(registered_at__gte=dt.datetime.combine(f.received_from, dt.time.min, tzinfo=dt.UTC))
    if f.received_to:
        qs = qs.filter(
            registered_at__lt=dt.datetime.combine(f.received_to, dt.time.min, tzinfo=dt.UTC)
            + dt.timedelta(days=1)
        )
    return qs


def encode_cursor(case: Case | QueueRow) -> str:
    return base64.urlsafe_b64encode(f"{case.due_at.isoformat()}|{case.pk}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    try:
        due, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return dt.datetime.fromisoformat(due), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def queue_page(user: User, f: QueueFilters, *, cursor: str = "", size: int = PAGE_SIZE) -> QueuePage:
    """Cases by due date, a page at a time by keyset (due_at, id): a deep page costs what the first does."""
    qs = _filtered(user, f)
    after = decode_cursor(cursor) if cursor else None
    if after:
        due, pk = after
        if f.descending:
            qs = qs.filter(Q(due_at__lt=due) | Q(due_at=due, pk__lt=pk))
        else:
            qs = qs.filter(Q(due_at__gt=due) | Q(due_at=due, pk__gt=pk))
    order = ["-due_at", "-id"] if f.descending else ["due_at", "id"]
    # The page's ids first, then their columns: joined before the limit, SQLite would look up the report,
    # region and officer of every case in scope (150,000 for a region's "all states") to keep 51.
    page_ids = qs.order_by(*order).values("pk")[: size + 1]
    rows = _with_protections(user, _queue_rows(Case.objects.filter(pk__in=page_ids).order_by(*order)))
    next_cursor = encode_cursor(rows[size - 1]) if len(rows) > size else None
    return QueuePage(cases=rows[:size], next_cursor=next_cursor)


_ROW_COLUMNS = (
    "pk", "report__registration_number", "state", "category", "channel", "registered_at", "due_at",
    "overdue_level", "assignee__first_name", "assignee__last_name", "assignee__username", "retaliation_risk",
)  # fmt: skip


def _queue_rows(qs: QuerySet[Case]) -> list[QueueRow]:
    """The page's rows as plain values: only the columns shown (a report's encrypted content stays in
    the database), each label looked up once per page rather than once per cell."""
    lang = (get_language() or "ru")[:2]
    region_name = f"region__name_{lang}" if lang in ("ru", "kk", "en") else "region__name_ru"
    states, categories, channels = ({k: str(v) for k, v in c.choices} for c in (State, Category, Channel))
    columns = (*_ROW_COLUMNS, region_name, "region__name_ru")
    return [
        QueueRow(
            pk=r.pk,
            registration_number=r.report__registration_number,
            state=r.state,
            state_label=states.get(r.state, r.state),
            category_label=categories.get(r.category, r.category),
            # as Territory.name and the `person` filter say them
            region=getattr(r, region_name) or r.region__name_ru,
            channel_label=channels.get(r.channel, r.channel),
            officer=f"{r.assignee__first_name or ''} {r.assignee__last_name or ''}".strip()
            or r.assignee__username
            or "—",
            registered_at=r.registered_at,
            due_at=r.due_at,
            overdue_level=r.overdue_level,
            retaliation_risk=r.retaliation_risk,
        )
        for r in qs.values_list(*columns, named=True)
    ]


def _with_protections(user: User, rows: list[QueueRow]) -> list[QueueRow]:
    """The page's rows with their protection cases: two small queries on the protects index per page."""
    found = protections_of(user, [r.pk for r in rows])
    return [
        dataclasses.replace(r, protections=found[r.pk][0], protected_elsewhere=found[r.pk][1])
        if r.pk in found
        else r
        for r in rows
    ]


def protections_of(user: User, pks: list[int]) -> dict[int, tuple[tuple, bool]]:
    """For each of these cases that has protection cases: those the user may open (pk, number, state
    label), and whether there are others the user may not see."""
    every = dict(Case.objects.filter(protects_id__in=pks).values_list("pk", "protects_id"))
    if not every:
        return {}
    states = {k: str(v) for k, v in State.choices}
    visible = (
        cases_visible_to(user)
        .filter(pk__in=list(every))
        .order_by("registered_at", "pk")
        .values_list("pk", "protects_id", "report__registration_number", "state")
    )
    shown: dict[int, list] = {}
    for pk, protects, number, state in visible:
        shown.setdefault(protects, []).append((pk, number, states.get(state, state)))
    hidden = {
        protects
        for pk, protects in every.items()
        if pk not in {p for rows in shown.values() for p, *_ in rows}
    }
    return {pk: (tuple(shown.get(pk, ())), pk in hidden) for pk in set(every.values())}


def queue_counts(user: User, f: QueueFilters) -> dict[str, int]:
    """How many cases each open state holds under the other filters, and how many are overdue.

    Closed states are history, not work: a closed state is counted only while it is viewed. The counts
    come from the case tally (adal/cases/tally.py) unless a filter needs a column it does not keep.
    """
    if _tally_answers(f):
        return _counts_from_tally(user, f)
    return _counts_of_cases(user, f)


def _counts_of_cases(user: User, f: QueueFilters) -> dict[str, int]:
    """The counts from the cases themselves, for the filters the tally cannot answer."""
    qs = _filtered(user, f, with_state=False)
    rows = (
        qs.filter(IS_OPEN)
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"), overdue=Count("id", filter=Q(due_at__lt=timezone.now())))
    )
    by_state = {state: (n, overdue) for state, n, overdue in rows}  # one pass for both counts
    counts = _open_counts(by_state)
    if f.state in State.values and f.state not in OPEN_STATES:
        counts[f.state] = qs.filter(state=f.state).count()
    return counts


def _open_counts(by_state: dict[str, tuple[int, int]]) -> dict[str, int]:
    counts = {s: by_state.get(s, (0, 0))[0] for s in OPEN_STATES}
    counts["open"] = sum(n for n, _ in by_state.values())
    counts["overdue"] = sum(overdue for _, overdue in by_state.values())
    return counts


def _tally_answers(f: QueueFilters) -> bool:
    """Whether the tally's columns (unit, state, category, region, high risk, due week) can answer."""
    return not (f.channel or f.assignee or f.due_before or f.received_from or f.received_to)


def _counts_from_tally(user: User, f: QueueFilters) -> dict[str, int]:
    """The counts from the case tally: a unit's rows rather than its cases. "Overdue" is ``due_at`` before
    now, and the tally keeps the due week: the weeks before this one are overdue whole, and the open cases
    due earlier this week are counted directly (on the open cases' due index: a few days' cases at most,
    and of them only those still open)."""
    now = timezone.now()
    this_week = week_number(local_date(now))
    rows = CaseTally.objects.filter(scope_filter(user, unit="unit_pk", unrouted=Q(unit_pk=NO_UNIT)))
    if f.category:
        rows = rows.filter(category=f.category)
    if f.region:
        rows = rows.filter(region_pk__in=Territory.objects.filter(kato=f.region).values("pk"))
    if f.high_risk:
        rows = rows.filter(high_risk=True)
    open_rows = rows.filter(state__in=OPEN_STATES).exclude(n=0).order_by()
    before = {} if not f.overdue else {"due_week__lt": this_week}
    sums = (
        open_rows.filter(**before)
        .values_list("state")
        .annotate(total=Sum("n"), overdue=Sum("n", filter=Q(due_week__lt=this_week)))
    )
    by_state = {state: [n, overdue or 0] for state, n, overdue in sums}
    for state, n in _due_earlier_this_week(user, f, now):
        counts = by_state.setdefault(state, [0, 0])
        counts[1] += n
        counts[0] += n if f.overdue else 0  # already among the week's when not only overdue are counted
    counts = _open_counts({state: tuple(c) for state, c in by_state.items()})
    if f.state in State.values and f.state not in OPEN_STATES:
        # a closed state is never overdue: "overdue" counts none of it, as the cases' own filter does
        ended = rows.none() if f.overdue else rows.filter(state=f.state)
        counts[f.state] = ended.aggregate(total=Sum("n"))["total"] or 0
    return counts


def _due_earlier_this_week(user: User, f: QueueFilters, now: dt.datetime):
    today = local_date(now)
    start = dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time.min, tzinfo=local_zone())
    qs = _filtered(user, dataclasses.replace(f, overdue=False), with_state=False)
    return (
        qs.filter(IS_OPEN, due_at__gte=start, due_at__lt=now)
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"))
    )


def case_for(user: User, pk: int) -> Case:
    case = (
        cases_visible_to(user)
        # What the page shows on every case; the rarer merged-into case is read when there is one.
        # Each join more costs PostgreSQL's planner about a millisecond, more than the query's execution.
        .select_related("report__district", "unit", "assignee", "region", "policy")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


# The records the case page shows in panels of their own, by their name on the case or on its report. Most
# cases have none of most of them, and each read costs the ORM building it and a round trip more than its
# rows (about half a millisecond on PostgreSQL, bench/queue.py): one statement says which the case has.
CASE_RECORDS = (
    "requests",
    "measures",
    "links",
    "risk_assessments",
    "protection_cases",
    "disclosure_requests",
    "legal_holds",
)
REPORT_RECORDS = ("messages", "attachments", "transcript", "reporter_identity")


def case_records(case: Case) -> frozenset[str]:
    """Which of CASE_RECORDS, REPORT_RECORDS and the kinds other apps link to a case (adal.cases.links)
    the case has at least one of."""
    pointers = {name: Case._meta.get_field(name).field for name in CASE_RECORDS}
    pointers |= {name: Report._meta.get_field(name).field for name in REPORT_RECORDS}
    pointers |= linked_pointers()
    qn = connection.ops.quote_name
    # S608: the names are the models' own, quoted; the keys are parameters.
    tests = [
        f"EXISTS (SELECT 1 FROM {qn(fk.model._meta.db_table)} WHERE {qn(fk.column)} = %s)"  # noqa: S608
        for fk in pointers.values()
    ]
    keys = [case.report_id if fk.related_model is Report else case.pk for fk in pointers.values()]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(tests)}", keys)
        found = cursor.fetchone()
    return frozenset(name for name, exists in zip(pointers, found, strict=True) if exists)


@dataclass(frozen=True)
class CaseRetaliation:
    """What the case page shows of retaliation: the last risk assessment, the case's protection cases
    (those the reader may open, and whether there are others), and the case a protection case protects."""

    risk: object  # RiskAssessment | None
    protections: tuple
    protected_elsewhere: bool
    protects: Case | None
    protects_visible: bool
    kind: str = ""  # on a protection case: what was done to the reporter

    def __bool__(self) -> bool:
        return bool(self.risk or self.protections or self.protected_elsewhere or self.protects)


def case_retaliation(user: User, case: Case, records: frozenset[str]) -> CaseRetaliation:
    """``records``: what the case has (case_records), so that what it has none of is not read."""
    protections, elsewhere = ((), False)
    if "protection_cases" in records:
        protections, elsewhere = protections_of(user, [case.pk]).get(case.pk, ((), False))
    protects = case.protects and Case.objects.select_related("report").get(pk=case.protects_id)
    risk = None
    if "risk_assessments" in records:
        risk = case.risk_assessments.select_related("assessed_by").last()
    return CaseRetaliation(
        risk=risk,
        protections=protections,
        protected_elsewhere=elsewhere,
        protects=protects,
        protects_visible=bool(protects) and cases_visible_to(user).filter(pk=case.protects_id).exists(),
        kind=_retaliation_kind_label(case.report),
    )


def _retaliation_kind_label(report: Report) -> str:
    kind = (report.content or {}).get("retaliation_kind", "")
    return str(RetaliationKind(kind).label) if kind in RetaliationKind.values else ""


# ---------------------------------------------------------------- statistics for the portal


@dataclass(frozen=True)
class Period:
    start: dt.datetime
    end: dt.datetime


def cases_in_period(period: Period) -> QuerySet[Case]:
    return Case.objects.filter(registered_at__gte=period.start, registered_at__lt=period.end)


def case_counts_by(period: Period, dimension: str) -> dict[str, int]:
    """Cases registered in the period by state, category, region (KATO), channel or outcome."""
    column = {"region": "region__kato"}.get(dimension, dimension)
    rows = cases_in_period(period).order_by().values_list(column).annotate(n=Count("id"))
    return {key or "": n for key, n in rows}


def answered_on_time_share(period: Period) -> float | None:
    answered = cases_in_period(period).filter(answered_at__isnull=False)
    total = answered.count()
    if not total:
        return None
    return answered.filter(answered_at__lte=F("answer_due_at")).count() / total


def median_working_days_to_answer(period: Period) -> float | None:
    cal = calendar()
    rows = (
        cases_in_period(period).filter(answered_at__isnull=False).values_list("registered_at", "answered_at")
    )
    days = [cal.working_days_between(local_date(start), local_date(end)) for start, end in rows]
    return statistics.median(days) if days else None


def overdue_now() -> dict[str, int]:
    now = timezone.now()
    qs = Case.objects.filter(IS_OPEN, due_at__lt=now)
    return {"overdue": qs.count(), "very_overdue": qs.filter(overdue_level__gte=2).count()}


# ---------------------------------------------------------------- the reporter's inbox
# The hotline shows these to the reporter (its pages and API reach them through adal.hotline.handler).

# What each state means for the person who reported, in plain words.
PLAIN_STATUS = {
    State.REGISTERED: _(
        "Your report has been registered. An operator will check it and pass it to the unit "
        "responsible for your region."
    ),
    State.TRIAGE: _("An operator is checking your report to pass it to the unit responsible for it."),
    State.ACCEPTED: _(
        "Your report has been accepted and sent to the responsible unit. An officer will be assigned to it."
    ),
    State.ASSIGNED: _("An officer has been assigned to your report and will review it."),
    State.IN_REVIEW: _(
        "Your report is being reviewed. The officer may ask you for details here, or send "
        "requests to state bodies."
    ),
    State.DECIDED: _("A decision has been taken on your report. You will receive the answer shortly."),
    State.ANSWERED: _("You have received the answer. You may rate it, or appeal once if you disagree."),
    State.CLOSED: _(
        "Work on your report is finished. You may still appeal once if you disagree with the answer."
    ),
    State.REDIRECTED: _(
        "Your report has been sent to the authority competent to decide it; see the message below."
    ),
    State.MERGED: _("Your report is handled together with another report about the same facts."),
    State.LEFT_WITHOUT_CONSIDERATION: _(
        "Your report was left without consideration; the reason is in the message below."
    ),
    State.REOPENED: _(
        "Your appeal has been accepted: the report is being reviewed again by the next level up."
    ),
}


# Said in the "Deadlines" block when no deadline runs for the reporter.
NEXT_STEP = {
    State.DECIDED: _(
        "No deadline runs for you now: the answer is being prepared and will appear at the top."
    ),
    State.ANSWERED: _(
        "No deadline runs now. If you neither rate nor appeal, the case closes by itself; "
        "you may still appeal once afterwards."
    ),
    State.CLOSED: _("No deadline runs now: the case is closed. You may still appeal the answer once."),
}
NEXT_STEP_ENDED = _("No deadline runs now: work on your report is finished.")


@dataclass(frozen=True)
class Deadline:
    label: str
    due_at: object
    overdue: bool


# A retaliation report's first steps read differently: it goes one level up, on its own short clock.
PROTECTION_STATUS = {
    State.REGISTERED: _(
        "Your retaliation report has been registered and sent to the unit above the one that handles your "
        "report. It checks it within 1 working day."
    ),
    State.TRIAGE: _("The unit above the one that handles your report is checking your retaliation report."),
}


@dataclass(frozen=True)
class ProtectionView:
    """A retaliation report followed in the inbox of the report it protects."""

    report: Report
    case: Case
    status_text: str
    deadlines: list[Deadline]
    messages: list[Message]

    @property
    def kind_label(self) -> str:
        return _retaliation_kind_label(self.report)


@dataclass(frozen=True)
class InboxView:
    report: Report
    case: Case
    status_text: str
    deadlines: list[Deadline]
    messages: list[Message]
    retention: Retention | None = None  # how long the content is kept, or when it was purged
    protections: list[ProtectionView] = field(default_factory=list)

    @property
    def can_appeal(self) -> bool:
        return (
            self.case.state in (State.ANSWERED, State.CLOSED)
            and not self.case.appealed_at
            and not self.case.purged_at
        )

    @property
    def can_rate(self) -> bool:
        return (
            self.case.state in (State.ANSWERED, State.CLOSED)
            and self.case.reporter_rating is None
            and not self.case.purged_at
        )

    @property
    def answer(self) -> Message | None:
        """The answer, which the inbox shows first: the message the officer's answer sent (the latest
        one, after an appeal)."""
        if not self.case.answered_at:
            return None
        sent = [m for m in self.messages if m.direction == "out" and m.created_at >= self.case.answered_at]
        return sent[0] if sent else None

    @property
    def other_messages(self) -> list[Message]:
        return [m for m in self.messages if m != self.answer]

    @property
    def appeal_until(self) -> dt.datetime | None:
        """An answer may be appealed once, for as long as the report's content is kept."""
        return self.retention.kept_until if self.retention else None

    @property
    def report_files(self) -> list:
        """The files sent with the report itself (those sent with messages are shown with them)."""
        if self.case.purged_at:
            return []
        return list(self.report.attachments.filter(message__isnull=True))

    @property
    def next_step(self) -> str:
        """What happens next when no deadline runs, so the "Deadlines" block is never empty."""
        return str(NEXT_STEP.get(self.case.state, NEXT_STEP_ENDED))


def reporter_deadlines(case: Case) -> list[Deadline]:
    now = timezone.now()
    deadlines = []
    if case.state in TRIAGE_STATES:
        deadlines.append(
            Deadline(
                _("The report is checked and sent to the responsible unit by"),
                case.triage_due_at,
                case.triage_due_at < now,
            )
        )
    if case.state in OPEN_STATES:
        if case.appealed_at:  # the appeal has its own clock, from the day it was lodged
            label = _("You receive the answer to your appeal by")
        else:
            label = (
                _("You receive an answer by (extended)")
                if case.extended_at
                else _("You receive an answer by")
            )
        deadlines.append(Deadline(label, case.answer_due_at, case.answer_due_at < now))
    return deadlines


def reporter_inbox(report: Report) -> InboxView:
    case = Case.objects.select_related("policy", "merged_into__policy").get(report=report)
    return InboxView(
        report,
        case,
        str(PLAIN_STATUS[case.state]),
        reporter_deadlines(case),
        _messages(report, case),
        # The reporter is told how long, not about holds: a hold may concern an investigation.
        retention=retention_of(case, with_holds=False),
        protections=_protections(case),
    )


def _messages(report, case: Case) -> list:
    # A purged conversation has only its dates left: the inbox says it was purged instead.
    return [] if case.purged_at else list(report.messages.prefetch_related("attachments"))


def _protections(case: Case) -> list[ProtectionView]:
    protections = case.protection_cases.select_related("report", "policy").order_by("registered_at", "pk")
    return [
        ProtectionView(
            p.report,
            p,
            str(PROTECTION_STATUS.get(p.state) or PLAIN_STATUS[p.state]),
            reporter_deadlines(p),
            _messages(p.report, p),
        )
        for p in protections
    ]
