"""Public API of the road map: every programme with its stages, the measure tree with each measure's
computed progress, status and rating, and the indicators with their yearly values."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from pydantic import ConfigDict, Field

from adal.core.apischemas import errors
from adal.roadmap.selectors import IndicatorView, Node, indicators_of, programme_view, programmes

router = Router(tags=["roadmap"])

EXAMPLE = [
    {
        "code": "nur-otan-2025",
        "title": "Программа противодействия коррупции",
        "starts_on": "2019-01-01",
        "ends_on": "2025-12-31",
        "working_days": False,
        "stages": [
            {
                "code": "stage-2",
                "number": 2,
                "title": "Второй этап: дорожная карта до 2025 года",
                "starts_on": "2020-04-01",
                "ends_on": "2025-12-31",
                "progress": 58.3,
                "measures": [
                    {
                        "id": 12,
                        "code": "2.1",
                        "title": "Законопроект об усилении общественного контроля",
                        "status": "done",
                        "deadline": "2021-12-31",
                        "responsible": "Фракция партии в Мажилисе",
                        "weight": 2.0,
                        "progress": 100.0,
                        "rollup": "weighted_mean",
                        "rag": "green",
                        "children": [
                            {
                                "id": 13,
                                "code": "2.1.1",
                                "title": "Разработка концепции",
                                "status": "done",
                                "deadline": "2020-12-31",
                                "responsible": "Центральный аппарат",
                                "weight": None,
                                "progress": 100.0,
                                "rollup": None,
                                "rag": "green",
                                "children": [],
                            }
                        ],
                    }
                ],
            }
        ],
        "indicators": [
            {
                "code": "cpi-rank",
                "title": "Место Казахстана в Индексе восприятия коррупции TI",
                "unit": "место",
                "higher_is_better": False,
                "live_source": "rating_rank",
                "years": [
                    {
                        "year": 2019,
                        "baseline": 113,
                        "target": None,
                        "actual": 113,
                        "computed": True,
                        "source": "",
                    },
                    {
                        "year": 2025,
                        "baseline": None,
                        "target": 50,
                        "actual": None,
                        "computed": False,
                        "source": "",
                    },
                ],
            }
        ],
    }
]


class MeasureOut(Schema):
    id: int
    code: str = Field(description="The external id, as in imports and exports")
    title: str
    status: str = Field(description="planned, in_progress, done, overdue or cancelled; computed, not typed")
    deadline: dt.date
    responsible: str = Field(description="The responsible state body, or else the responsible unit")
    weight: float | None = Field(description="Share in the parent's weighted mean; null counts as 1")
    progress: float = Field(
        ge=0, le=100, description="Percent: a leaf's latest confirmed report, or rolled up"
    )
    rollup: str | None = Field(
        description="For a parent: how its progress comes from its children (weighted_mean, share_done or "
        "minimum); null for a leaf"
    )
    rag: str | None = Field(description="green, amber or red by the published rule; null when cancelled")
    children: list["MeasureOut"]


class StageOut(Schema):
    code: str
    number: int
    title: str
    starts_on: dt.date
    ends_on: dt.date
    progress: float = Field(ge=0, le=100, description="Weighted mean of the stage's top-level measures")
    measures: list[MeasureOut]


class IndicatorYearOut(Schema):
    year: int
    baseline: float | None
    target: float | None
    actual: float | None
    computed: bool = Field(description="Whether the actual value is computed from a live source")
    source: str = Field(description="The source of a typed actual value")


class IndicatorOut(Schema):
    code: str
    title: str
    unit: str
    higher_is_better: bool
    live_source: str | None = Field(
        description="rating_score, rating_rank, survey_index, hotline_on_time or council_meetings; null when "
        "typed"
    )
    years: list[IndicatorYearOut]


class ProgrammeOut(Schema):
    model_config = ConfigDict(json_schema_extra={"example": EXAMPLE[0]})

    code: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    working_days: bool = Field(description="Whether deadlines are counted in working days")
    stages: list[StageOut]
    indicators: list[IndicatorOut]


def measure_out(node: Node) -> dict:
    m = node.measure
    return {
        "id": m.pk,
        "code": m.code,
        "title": m.title,
        "status": node.status,
        "deadline": m.deadline,
        "responsible": m.responsible,
        "weight": None if m.weight is None else float(m.weight),
        "progress": round(node.progress, 1),
        "rollup": m.rollup if node.is_parent else None,
        "rag": node.rag,
        "children": [measure_out(c) for c in node.children],
    }


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def indicator_out(view: IndicatorView) -> dict:
    i = view.indicator
    return {
        "code": i.code,
        "title": i.title,
        "unit": i.unit,
        "higher_is_better": i.higher_is_better,
        "live_source": i.source or None,
        "years": [
            {
                "year": y.year,
                **{k: number(getattr(y, k)) for k in ("baseline", "target", "actual")},
                "computed": y.computed,
                "source": y.source,
            }
            for y in view.years
        ],
    }


@router.get(
    "/roadmap",
    response={200: list[ProgrammeOut], **errors()},
    auth=None,
    summary="The road map: programmes, stages, the measure tree and the indicators",
    openapi_extra={"responses": {200: {"content": {"application/json": {"example": EXAMPLE}}}}},
)
def roadmap(request):
    answer = []
    for programme in programmes():
        view = programme_view(programme)
        answer.append(
            {
                "code": programme.code,
                "title": programme.title,
                "starts_on": programme.starts_on,
                "ends_on": programme.ends_on,
                "working_days": programme.working_days,
                "stages": [
                    {
                        "code": s.stage.code,
                        "number": s.stage.number,
                        "title": s.stage.title,
                        "starts_on": s.stage.starts_on,
                        "ends_on": s.stage.ends_on,
                        "progress": round(s.progress, 1),
                        "measures": [measure_out(n) for n in s.nodes],
                    }
                    for s in view.stages
                ],
                "indicators": [indicator_out(v) for v in indicators_of(programme)],
            }
        )
    return answer
