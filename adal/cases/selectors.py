import base64
import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from adal.cases.clocks import local_date
from adal.cases.models import OPEN_STATES, Case, State
from adal.cases.services import scope_filter
from adal.core.models import User
from adal.core.workdays import calendar

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


@dataclass
class QueuePage:
    cases: list[Case]
    next_cursor: str | None
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0


def cases_visible_to(user: User) -> QuerySet[Case]:
    return Case.objects.filter(scope_filter(user))


def _filtered(user: User, f: QueueFilters, *, with_state: bool = True) -> QuerySet[Case]:
    qs = cases_visible_to(user)
    if with_state:
        if f.state == "open":
            qs = qs.filter(state__in=OPEN_STATES)
        elif f.state in State.values:
            qs = qs.filter(state=f.state)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.region:
        qs = qs.filter(region__kato=f.region)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.overdue:
        qs = qs.filter(state__in=OPEN_STATES, due_at__lt=timezone.now())
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


def encode_cursor(case: Case) -> str:
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
    rows = list(qs.select_related("report", "unit", "assignee", "region").order_by(*order)[: size + 1])
    next_cursor = encode_cursor(rows[size - 1]) if len(rows) > size else None
    return QueuePage(cases=rows[:size], next_cursor=next_cursor)


def queue_counts(user: User, f: QueueFilters) -> dict[str, int]:
    """How many cases each open state holds under the other filters, and how many are overdue.

    Closed states are history, not work: counting them all would be an aggregate over every case the user
    may see (a million at the centre) on every page, so a closed state is counted only while it is viewed.
    """
    qs = _filtered(user, f, with_state=False)
    open_cases = qs.filter(state__in=OPEN_STATES)
    by_state = dict(open_cases.order_by().values_list("state").annotate(n=Count("id")))
    counts = {s: by_state.get(s, 0) for s in OPEN_STATES}
    counts["open"] = sum(by_state.values())
    counts["overdue"] = open_cases.filter(due_at__lt=timezone.now()).count()
    if f.state in State.values and f.state not in OPEN_STATES:
        counts[f.state] = qs.filter(state=f.state).count()
    return counts


def case_for(user: User, pk: int) -> Case:
    case = (
        cases_visible_to(user)
        .select_related(
            "report__region",
            "report__district",
            "unit__parent",
            "assignee",
            "region",
            "policy",
            "merged_into__report",
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


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
    qs = Case.objects.filter(state__in=OPEN_STATES, due_at__lt=now)
    return {"overdue": qs.count(), "very_overdue": qs.filter(overdue_level__gte=2).count()}
