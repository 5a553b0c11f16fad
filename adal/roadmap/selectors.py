"""Reads of the road map: a programme's stages with the measure tree and every node's progress, status
and rating computed (``adal.roadmap.progress``), a measure's history, and the indicators with their
yearly values, the live ones computed from their sources."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from adal.core import permissions
from adal.core.workdays import calendar
from adal.roadmap import progress as p
from adal.roadmap.models import Indicator, Measure, Programme, ProgressReport, Stage
from adal.roadmap.services import may_confirm, today
from adal.roadmap.sources import live_actuals


@dataclass
class Node:
    measure: Measure
    children: list["Node"] = field(default_factory=list)
    progress: float = 0.0
    status: str = p.PLANNED
    rag: str | None = None
    expected: float = 0.0
    pending: int = 0  # reports waiting for their second signature
    depth: int = 0

    @property
    def is_parent(self) -> bool:
        return bool(self.children)

    @property
    def cancelled(self) -> bool:
        return self.measure.cancelled_on is not None


@dataclass
class StageView:
    stage: Stage
    nodes: list[Node]
    progress: float


@dataclass
class ProgrammeView:
    programme: Programme
    stages: list[StageView]
    today: dt.date

    def walk(self):
        """Every node, depth first."""
        stack = [n for s in reversed(self.stages) for n in reversed(s.nodes)]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def day_counter(programme: Programme):
    return calendar().working_days_between if programme.working_days else p.calendar_days


def confirmed_progress(measures: list[Measure]) -> dict[int, float]:
    """Each measure's latest confirmed report's percentage (by the day it speaks of, then when written)."""
    latest: dict[int, float] = {}
    rows = (
        ProgressReport.objects.filter(measure__in=measures, confirmation__isnull=False)
        .order_by("as_of", "reported_at", "id")
        .values_list("measure_id", "percent")
    )
    for measure_id, percent in rows:
        latest[measure_id] = float(percent)
    return latest


def pending_counts(measures: list[Measure]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for measure_id in ProgressReport.objects.filter(
        measure__in=measures, confirmation__isnull=True
    ).values_list("measure_id", flat=True):
        counts[measure_id] = counts.get(measure_id, 0) + 1
    return counts


def _compute(node: Node, leaf: dict[int, float], on: dt.date, days) -> None:
    m = node.measure
    for child in node.children:
        child.depth = node.depth + 1
        _compute(child, leaf, on, days)
    if node.children:
        counted = [
            p.Child(c.progress, None if c.measure.weight is None else float(c.measure.weight))
            for c in node.children
            if not c.cancelled
        ]
        node.progress = p.roll_up(m.rollup, counted)
    else:
        node.progress = leaf.get(m.pk, 0.0)
    cancelled = node.cancelled
    node.status = p.status(progress=node.progress, deadline=m.deadline, today=on, cancelled=cancelled)
    node.rag = p.rag(
        progress=node.progress, start=m.start, deadline=m.deadline, today=on, cancelled=cancelled, days=days
    )
    node.expected = p.expected_progress(m.start, m.deadline, on, days)


def programme_view(programme: Programme, on: dt.date | None = None) -> ProgrammeView:
    """The programme's stages, each with its measure tree computed as of ``on`` (today by default). A
    stage's progress is the weighted mean of its top-level measures."""
    on = on or today()
    measures = list(
        Measure.objects.filter(programme=programme).select_related("stage", "responsible_unit", "programme")
    )
    nodes = {m.pk: Node(m) for m in measures}
    leaf, pending = confirmed_progress(measures), pending_counts(measures)
    roots: dict[int, list[Node]] = {}
    for m in measures:
        nodes[m.pk].pending = pending.get(m.pk, 0)
        if m.parent_id is None:
            roots.setdefault(m.stage_id, []).append(nodes[m.pk])
        else:
            nodes[m.parent_id].children.append(nodes[m.pk])
    days = day_counter(programme)
    stages = []
    for stage in programme.stages.all():
        top = roots.get(stage.pk, [])
        for node in top:
            _compute(node, leaf, on, days)
        counted = [
            p.Child(n.progress, None if n.measure.weight is None else float(n.measure.weight))
            for n in top
            if not n.cancelled
        ]
        stages.append(StageView(stage, top, p.roll_up(p.WEIGHTED_MEAN, counted)))
    return ProgrammeView(programme, stages, on)


def programmes() -> QuerySet[Programme]:
    return Programme.objects.prefetch_related("stages")


def node_of(view: ProgrammeView, measure: Measure) -> Node:
    return next(n for n in view.walk() if n.measure.pk == measure.pk)


def ancestors(measure: Measure) -> list[Measure]:
    found, node = [], measure.parent
    while node is not None:
        found.append(node)
        node = node.parent
    return list(reversed(found))


@dataclass
class ReportRow:
    report: ProgressReport
    may_confirm: bool


def measure_history(measure: Measure, viewer=None) -> list[ReportRow]:
    """Every report on the measure, newest first, with its confirmation and evidence; whether the viewer
    may give the second signature."""
    reports = (
        ProgressReport.objects.filter(measure=measure)
        .select_related("confirmation", "reported_by")
        .prefetch_related("evidence")
        .order_by("-as_of", "-reported_at", "-id")
    )
    rows = []
    for report in reports:
        confirmed = hasattr(report, "confirmation")
        rows.append(ReportRow(report, viewer is not None and not confirmed and may_confirm(viewer, report)))
    return rows


def measures_for_reporter(user, programme: Programme | None = None) -> list[Measure]:
    """The leaf measures the user may report on: their unit's and those of the units below it (every
    one, for a road-map manager)."""
    qs = Measure.objects.filter(children__isnull=True, cancelled_on__isnull=True).select_related(
        "responsible_unit", "stage", "programme"
    )
    if programme is not None:
        qs = qs.filter(programme=programme)
    if not permissions.may(user, "roadmap.manage"):
        unit = getattr(user, "unit", None)
        if unit is None or not permissions.may(user, "roadmap.report"):
            return []
        qs = qs.filter(responsible_unit__path__startswith=unit.path)
    return list(qs.order_by("programme", "deadline", "code"))


def awaiting_confirmation(user) -> list[ProgressReport]:
    """Reports waiting for a second signature that the user may give."""
    reports = ProgressReport.objects.filter(confirmation__isnull=True).select_related(
        "measure", "measure__responsible_unit", "measure__programme"
    )
    return [r for r in reports.order_by("reported_at") if may_confirm(user, r)]


# ---------------------------------------------------------------- indicators


@dataclass
class YearRow:
    year: int
    baseline: Decimal | None
    target: Decimal | None
    actual: Decimal | None
    computed: bool  # the actual comes from a live source
    source: str


@dataclass
class IndicatorView:
    indicator: Indicator
    years: list[YearRow]

    @property
    def latest(self) -> YearRow | None:
        return next((y for y in reversed(self.years) if y.actual is not None), None)

    @property
    def baseline(self) -> YearRow | None:
        return next((y for y in self.years if y.baseline is not None), None)

    @property
    def final_target(self) -> YearRow | None:
        return next((y for y in reversed(self.years) if y.target is not None), None)


def indicator_years(indicator: Indicator) -> list[YearRow]:
    """The stored rows, and for a live indicator its actuals over the programme's years so far."""
    stored = {row.year: row for row in indicator.years.all()}
    programme = indicator.programme
    span = range(programme.starts_on.year, min(programme.ends_on.year, today().year) + 1)
    live = live_actuals(indicator, [*stored, *span])
    rows = []
    for year in sorted({*stored, *live}):
        row = stored.get(year)
        if indicator.is_live:
            actual, source = live.get(year), ""
        else:
            actual = row.actual if row else None
            source = (row.source if row else "") or (indicator.source_note if actual is not None else "")
        rows.append(
            YearRow(
                year,
                row.baseline if row else None,
                row.target if row else None,
                actual,
                indicator.is_live and actual is not None,
                source,
            )
        )
    return rows


def indicators_of(programme: Programme) -> list[IndicatorView]:
    indicators = programme.indicators.select_related("programme").prefetch_related("years")
    return [IndicatorView(i, indicator_years(i)) for i in indicators]


def confirmed_reports(limit: int = 50) -> list[ProgressReport]:
    """The latest progress reports to get their second signature, newest confirmation first: the road
    map's public progress as a feed tells it."""
    reports = ProgressReport.objects.filter(confirmation__isnull=False).select_related(
        "confirmation", "measure", "measure__programme"
    )
    return list(reports.order_by("-confirmation__confirmed_at", "-id")[:limit])
