"""Open data: every public statistic of a period as CSV and JSON, described by a Frictionless Data Package.

One registry, RESOURCES, names each table with its title, description and columns (type, unit, meaning)
and a function of the period that gives its rows. The CSV and the JSON of a table are written from the
same rows; datapackage.json, the codebook page and the README in the ZIP are built from the registry.
The rows come from the functions the portal's pages use (adal.portal.figures, the councils', discipline,
survey, ratings and road map selectors), so nothing hidden on a page can appear in a file: a hotline
count suppressed by adal.stats.disclosure is an empty cell, with the row's `suppressed` flag set.
"""

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from adal.cases.statistics import NO_UNIT
from adal.core.selectors import unit_names_on
from adal.councils.selectors import council_statistics
from adal.discipline.selectors import discipline_statistics
from adal.portal.figures import case_statistics
from adal.ratings import selectors as ratings
from adal.ratings.models import IndexValue
from adal.roadmap.models import ProgressReport, Status
from adal.roadmap.selectors import indicators_of, programme_view, programmes
from adal.roadmap.services import today as roadmap_today
from adal.survey.selectors import published_waves, wave_figures

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
LANGUAGES = ("ru", "kk", "en")
TOTAL = "total"  # the key of a hotline table's row of all cases
UNROUTED = "unrouted"  # the key of the cases not yet routed to a unit


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type: string, integer, number, boolean, date, year
    description: Promise
    unit: Promise | str = ""


@dataclass(frozen=True)
class Resource:
    name: str
    title: Promise
    description: Promise
    columns: tuple[Column, ...]
    rows: Callable[[dt.date, dt.date], list[dict]]
    primary_key: tuple[str, ...] = ()

    @property
    def csv_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def json_name(self) -> str:
        return f"{self.name}.json"


# ---------------------------------------------------------------- the hotline


SUPPRESSED = _("Empty when suppressed (see the column suppressed).")
DAYS, SHARE = _("working days"), _("share, 0–1")

CASE_COLUMNS = (
    Column("label", "string", _("The group's name in the reader's language.")),
    Column("received", "integer", _("Reports registered in the period."), _("cases")),
    Column("due", "integer", _("Of those, answered or still open past their answer deadline."), _("cases")),
    Column("answered", "integer", _("Of those, answered (up to the day of the download)."), _("cases")),
    Column("answered_on_time", "integer", _("Of those, answered by their deadline."), _("cases")),
    Column("on_time_share", "number", _("answered_on_time divided by due."), SHARE),
    Column("on_time_ci_low", "number", _("Wilson 95 percent interval of the share: lower bound."), SHARE),
    Column("on_time_ci_high", "number", _("Wilson 95 percent interval of the share: upper bound."), SHARE),
    Column("median_working_days", "number", _("Median working days from registration to answer."), DAYS),
    Column("working_days_q1", "number", _("First quartile of the working days to answer."), DAYS),
    Column("working_days_q3", "number", _("Third quartile of the working days to answer."), DAYS),
    Column(
        "suppressed",
        "boolean",
        _(
            "true when a count of the row is under 5, or hidden so that the total cannot reveal one: "
            "the hidden counts and everything computed from them are empty."
        ),
    ),
)  # fmt: skip

CASE_KEYS = {
    "region": _("KATO code of the region; total for all cases."),
    "category": _("Category code; total for all cases."),
    "channel": _("Channel code; total for all cases."),
    "outcome": _("Outcome code (pending: not decided yet); total for all cases."),
    "unit": _("Id of the responsible unit (unrouted: not yet routed); total for all cases."),
}


def case_rows(by: str) -> Callable[[dt.date, dt.date], list[dict]]:
    def rows(first: dt.date, last: dt.date) -> list[dict]:
        figures = case_statistics(first, last, by)
        found = [g.as_row() for g in figures.groups]
        for row in found:
            row["key"] = UNROUTED if row["key"] == NO_UNIT else row["key"]
        return [*found, {**figures.total.as_row(), "key": TOTAL}]

    return rows


def case_resource(by: str, title: Promise) -> Resource:
    return Resource(
        f"cases_by_{by}",
        title,
        _(
            "Hotline reports registered in the period, answered on time and working days to answer, "
            "with a row for all cases. Counts under 5, and counts that would let one be worked out from "
            "the total, are left empty."
        ),
        (Column("key", "string", CASE_KEYS[by]), *CASE_COLUMNS),
        case_rows(by),
        ("key",),
    )


# ---------------------------------------------------------------- councils and discipline


def meetings_by_region(first, last) -> list[dict]:
    rows = council_statistics(first, last)["by_region"]
    return [{"kato": r["kato"] or "", "name": str(r["name"]), "meetings": r["meetings"]} for r in rows]


def meetings_by_topic(first, last) -> list[dict]:
    rows = council_statistics(first, last)["by_topic"]
    return [{"topic": r["topic"], "name": str(r["name"]), "meetings": r["meetings"]} for r in rows]


def proposals_by_state(first, last) -> list[dict]:
    rows = council_statistics(first, last)["proposals"]["by_state"]
    return [{"state": r["state"], "label": r["label"], "proposals": r["count"]} for r in rows]


def discipline_rows(key: str, part: str) -> Callable[[dt.date, dt.date], list[dict]]:
    def rows(first: dt.date, last: dt.date) -> list[dict]:
        found = discipline_statistics(date_from=first, date_to=last)[part]
        label = "name" if part == "by_region" else "label"
        return [{key: r[key], "label": r[label], "people": r["count"]} for r in found]

    return rows


PEOPLE = _("People held responsible in the period, each once, under their most severe standing sanction.")


def discipline_resource(name: str, key: str, part: str, title: Promise, key_text: Promise) -> Resource:
    return Resource(
        name,
        title,
        _(
            "Party members held responsible for corruption offences by sanctions decided in the period "
            "and still standing."
        ),
        (
            Column(key, "string", key_text),
            Column("label", "string", _("Its name in the reader's language.")),
            Column("people", "integer", PEOPLE, _("people")),
        ),
        discipline_rows(key, part),
        (key,),
    )


# ---------------------------------------------------------------- the perception index


def waves_of(first: dt.date, last: dt.date) -> list:
    """Published waves whose fieldwork ended in the period; with none, the latest one before it."""
    waves = published_waves()
    within = list(waves.filter(fieldwork_end__gte=first, fieldwork_end__lte=last))
    if within:
        return within
    latest = waves.filter(fieldwork_end__lt=first).first()
    return [latest] if latest else []


def _estimate(e: dict | None) -> dict:
    keys = ("estimate", "se", "ci_low", "ci_high", "n")
    return {k: (e or {}).get(k) for k in keys}


def index_national(first, last) -> list[dict]:
    rows = []
    for wave in waves_of(first, last):
        figures = wave_figures(wave)
        head = {"wave": wave.code, "fieldwork_end": wave.fieldwork_end}
        rows.append({**head, "component": "index", "name": str(_("The index")), "weight": None}
                    | _estimate(figures["index"]))  # fmt: skip
        for c in figures["components"]:
            rows.append({**head, "component": c["code"], "name": c["name"], "weight": c["share"]}
                        | _estimate(c["estimate"]))  # fmt: skip
    return rows


def index_by_region(first, last) -> list[dict]:
    rows = []
    for wave in waves_of(first, last):
        for region in wave_figures(wave)["regions"]:
            head = {"wave": wave.code, "kato": str(region["kato"]), "name": region["name"]}
            parts = [("index", region["index"]), *region["components"].items()]
            rows += [{**head, "component": code, **_estimate(e)} for code, e in parts if e]
    return rows


ESTIMATE_COLUMNS = (
    Column("estimate", "number", _("Weighted estimate on the 0–100 scale."), _("points, 0–100")),
    Column("se", "number", _("Taylor-linearised standard error."), _("points")),
    Column("ci_low", "number", _("95% confidence interval: lower bound."), _("points, 0–100")),
    Column("ci_high", "number", _("95% confidence interval: upper bound."), _("points, 0–100")),
    Column("n", "integer", _("Respondents the estimate rests on."), _("respondents")),
)
WAVE = Column("wave", "string", _("Code of the survey wave."))
COMPONENT = Column("component", "string", _("Component code; index for the index itself."))

# ---------------------------------------------------------------- ratings


def rating_values(first, last) -> list[dict]:
    """The home country's value in every international index for the years the period touches."""
    country = ratings.home_country()
    if country is None:
        return []
    values = (
        IndexValue.objects.filter(country=country, year__gte=first.year, year__lte=last.year)
        .select_related("index", "country")
        .order_by("index__order", "index__code", "year")
    )
    return [
        {
            "index": v.index.code,
            "name": v.index.name,
            "country": v.country.iso3,
            "year": v.year,
            "score": v.score,
            "rank": v.rank,
            "countries": v.countries,
            "se": v.se,
            "ci_low": v.ci_low,
            "ci_high": v.ci_high,
            "sources": v.sources,
        }
        for v in values
    ]


# ---------------------------------------------------------------- the road map


def roadmap_measures(first, last) -> list[dict]:
    """Every measure of the programmes under way in the period, computed as of its last day."""
    rows = []
    for programme in programmes().filter(starts_on__lte=last, ends_on__gte=first):
        view = programme_view(programme, on=min(last, roadmap_today()))
        nodes = list(view.walk())
        units = unit_names_on(
            {n.measure.responsible_unit for n in nodes if n.measure.responsible_unit_id}, view.today
        )
        for node in nodes:
            m = node.measure
            rows.append(
                {
                    "programme": programme.code,
                    "code": m.code,
                    "parent": m.parent.code if m.parent_id else "",
                    "stage": m.stage.code,
                    "title": m.title,
                    "responsible": _responsible(m, units),
                    "deadline": m.deadline,
                    "progress": round(node.progress, 1),
                    "expected": round(node.expected, 1),
                    "status": node.status,
                    "status_label": str(Status(node.status).label),
                    "rag": node.rag or "",
                    "as_of": view.today,
                }
            )
    return rows


def _responsible(measure, units: dict) -> str:
    """The measure's state body, else its unit as it was named on the day the figures are computed for."""
    if measure.responsible_body_ru or not measure.responsible_unit_id:
        return measure.responsible
    return units[measure.responsible_unit_id].name


def roadmap_indicators(first, last) -> list[dict]:
    rows = []
    for programme in programmes().filter(starts_on__lte=last, ends_on__gte=first):
        for view in indicators_of(programme):
            i = view.indicator
            for y in view.years:
                if first.year <= y.year <= last.year:
                    head = {"programme": programme.code, "code": i.code, "title": i.title, "unit": i.unit}
                    rows.append({**head, **vars(y)})
    return rows


def roadmap_progress(first, last) -> list[dict]:
    """Progress reports confirmed by a second signature, on days in the period."""
    reports = (
        ProgressReport.objects.filter(confirmation__isnull=False, as_of__gte=first, as_of__lte=last)
        .select_related("measure__programme")
        .order_by("as_of", "reported_at", "id")
    )
    return [
        {"id": r.pk, "programme": r.measure.programme.code, "measure": r.measure.code, "as_of": r.as_of,
         "percent": r.percent, "text": r.text}
        for r in reports
    ]  # fmt: skip


PROGRAMME = Column("programme", "string", _("Code of the programme."))

# ---------------------------------------------------------------- the registry


RESOURCES: tuple[Resource, ...] = (
    case_resource("region", _("Hotline reports by region")),
    case_resource("category", _("Hotline reports by category")),
    case_resource("channel", _("Hotline reports by channel")),
    case_resource("outcome", _("Hotline reports by outcome")),
    case_resource("unit", _("Hotline reports by responsible unit")),
    Resource(
        "council_meetings_by_region",
        _("Council meetings by region"),
        _("Meetings of the public councils held in the period, by the region they were held in."),
        (
            Column("kato", "string", _("KATO code of the region; empty for the national level.")),
            Column("name", "string", _("The region's name in the reader's language.")),
            Column("meetings", "integer", _("Meetings held."), _("meetings")),
        ),
        meetings_by_region,
    ),
    Resource(
        "council_meetings_by_topic",
        _("Council meetings by topic"),
        _("Meetings held in the period, once under each topic on their agenda."),
        (
            Column("topic", "string", _("Topic code.")),
            Column("name", "string", _("The topic's name in the reader's language.")),
            Column("meetings", "integer", _("Meetings held."), _("meetings")),
        ),
        meetings_by_topic,
        ("topic",),
    ),
    Resource(
        "council_proposals_by_state",
        _("Council proposals by state"),
        _("Proposals submitted in the period, by the state they are in now."),
        (
            Column("state", "string", _("State code.")),
            Column("label", "string", _("The state's name in the reader's language.")),
            Column("proposals", "integer", _("Proposals."), _("proposals")),
        ),
        proposals_by_state,
        ("state",),
    ),
    discipline_resource(
        "discipline_by_sanction",
        "sanction",
        "by_sanction",
        _("Party discipline by sanction"),
        _("Sanction code."),
    ),
    discipline_resource(
        "discipline_by_region",
        "kato",
        "by_region",
        _("Party discipline by region"),
        _("KATO code of the region recorded with the decision."),
    ),
    discipline_resource(
        "discipline_by_position_level",
        "position_level",
        "by_position_level",
        _("Party discipline by position level"),
        _("Position level code."),
    ),
    Resource(
        "index_national",
        _("Perception index: the country and its components"),
        _(
            "The National Corruption Perception Index and its components for the whole country, from the "
            "published survey waves whose fieldwork ended in the period (with none, the latest before it)."
        ),
        (
            WAVE,
            Column("fieldwork_end", "date", _("Last day of the wave's fieldwork.")),
            COMPONENT,
            Column("name", "string", _("The component's name in the reader's language.")),
            Column("weight", "number", _("The component's weight in the index."), SHARE),
            *ESTIMATE_COLUMNS,
        ),
        index_national,
        ("wave", "component"),
    ),
    Resource(
        "index_by_region",
        _("Perception index by region and component"),
        _("The index and its components in each region, from the same waves."),
        (
            WAVE,
            Column("kato", "string", _("KATO code of the region.")),
            Column("name", "string", _("The region's name in the reader's language.")),
            COMPONENT,
            *ESTIMATE_COLUMNS,
        ),
        index_by_region,
        ("wave", "kato", "component"),
    ),
    Resource(
        "ratings",
        _("International ratings"),
        _("The country's values in the international indices for the years the period touches."),
        (
            Column("index", "string", _("Code of the international index.")),
            Column("name", "string", _("The index's name in the reader's language.")),
            Column("country", "string", _("ISO 3166-1 alpha-3 code of the country.")),
            Column("year", "year", _("Year of the edition.")),
            Column("score", "number", _("Score, on the index's own scale."), _("points")),
            Column("rank", "integer", _("Rank among the countries rated.")),
            Column("countries", "integer", _("Countries rated that year."), _("countries")),
            Column("se", "number", _("Standard error of the score."), _("points")),
            Column("ci_low", "number", _("Lower bound of the 90 percent interval."), _("points")),
            Column("ci_high", "number", _("Upper bound of the 90 percent interval."), _("points")),
            Column("sources", "integer", _("Number of sources the score rests on."), _("sources")),
        ),
        rating_values,
        ("index", "country", "year"),
    ),
    Resource(
        "roadmap_measures",
        _("Road map measures"),
        _(
            "Every measure of the programmes under way in the period, with its progress, status and "
            "red/amber/green rating computed as of the period's last day."
        ),
        (
            PROGRAMME,
            Column("code", "string", _("Code of the measure.")),
            Column("parent", "string", _("Code of the measure it is part of; empty at the top.")),
            Column("stage", "string", _("Code of the stage.")),
            Column("title", "string", _("Title in the reader's language.")),
            Column("responsible", "string", _("The state body or unit responsible.")),
            Column("deadline", "date", _("Deadline.")),
            Column("progress", "number", _("Progress from confirmed reports, rolled up."), "%"),
            Column("expected", "number", _("Share of the measure's time passed."), "%"),
            Column("status", "string", _("planned, in_progress, done, overdue or cancelled.")),
            Column("status_label", "string", _("The status in the reader's language.")),
            Column("rag", "string", _("green, amber or red; empty for a cancelled measure.")),
            Column("as_of", "date", _("The day the figures are computed for.")),
        ),
        roadmap_measures,
        ("programme", "code"),
    ),
    Resource(
        "roadmap_indicators",
        _("Road map indicators"),
        _("Baseline, target and actual value of each indicator for the years the period touches."),
        (
            PROGRAMME,
            Column("code", "string", _("Code of the indicator.")),
            Column("title", "string", _("Title in the reader's language.")),
            Column("unit", "string", _("Unit of measure.")),
            Column("year", "year", _("Year.")),
            Column("baseline", "number", _("Baseline value.")),
            Column("target", "number", _("Target value.")),
            Column("actual", "number", _("Actual value.")),
            Column("computed", "boolean", _("true when the actual is computed from live data.")),
            Column("source", "string", _("Where a typed actual comes from.")),
        ),
        roadmap_indicators,
        ("programme", "code", "year"),
    ),
    Resource(
        "roadmap_progress",
        _("Road map progress reports"),
        _("Progress reports on measures, confirmed by a second signature, dated in the period."),
        (
            Column("id", "integer", _("Id of the report.")),
            PROGRAMME,
            Column("measure", "string", _("Code of the measure.")),
            Column("as_of", "date", _("The day the report speaks of.")),
            Column("percent", "number", _("Progress reported."), "%"),
            Column("text", "string", _("What was done.")),
        ),
        roadmap_progress,
        ("id",),
    ),
)

BY_NAME = {r.name: r for r in RESOURCES}


# ---------------------------------------------------------------- writing


def cell(value):
    """One value as both files write it: numbers as numbers, dates as ISO text, no text as null (an empty
    CSV cell, which the package declares missing)."""
    if isinstance(value, Promise):
        value = str(value)
    if value == "":
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def table(resource: Resource, first: dt.date, last: dt.date) -> list[dict]:
    """The resource's rows, each with exactly its columns, in their order."""
    names = [c.name for c in resource.columns]
    return [{n: cell(row.get(n)) for n in names} for row in resource.rows(first, last)]


def csv_text(rows: list[dict], resource: Resource) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in resource.columns])
    for row in rows:
        writer.writerow(["" if v is None else ("true" if v is True else "false" if v is False else v)
                         for v in row.values()])  # fmt: skip
    return out.getvalue().encode("utf-8")


def json_text(rows: list[dict]) -> bytes:
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")


def resource_files(resource: Resource, first: dt.date, last: dt.date) -> dict[str, bytes]:
    rows = table(resource, first, last)
    return {resource.csv_name: csv_text(rows, resource), resource.json_name: json_text(rows)}


def in_languages(text: Promise) -> dict[str, str]:
    found = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            found[lang] = str(text)
    return found


def descriptor(first: dt.date, last: dt.date, sizes: dict[str, int] | None = None) -> dict:
    """The Data Package of the period: every resource with its CSV's path and its columns."""
    sizes = sizes or {}
    return {
        "profile": "tabular-data-package",
        "name": f"adal-open-data-{first.isoformat()}-{last.isoformat()}",
        "title": str(_("Adal open data")),
        "description": str(
            _("Public statistics of the anti-corruption programme from %(first)s to %(last)s, both included.")
            % {"first": first.isoformat(), "last": last.isoformat()}
        ),
        "licenses": [LICENSE],
        "temporal": {"start": first.isoformat(), "end": last.isoformat()},
        "resources": [_resource_descriptor(r, sizes) for r in RESOURCES],
    }


def _resource_descriptor(resource: Resource, sizes: dict[str, int]) -> dict:
    found = {
        "name": resource.name,
        "path": resource.csv_name,
        "profile": "tabular-data-resource",
        "title": str(resource.title),
        "titles": in_languages(resource.title),
        "description": str(resource.description),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {
            "fields": [_field(c) for c in resource.columns],
            "missingValues": [""],
        },
    }
    if resource.name in {"cases_by_" + by for by in CASE_KEYS}:
        found["description"] += " " + str(SUPPRESSED)
    if resource.primary_key:
        found["schema"]["primaryKey"] = list(resource.primary_key)
    if resource.csv_name in sizes:
        found["bytes"] = sizes[resource.csv_name]
    return found


def _field(column: Column) -> dict:
    field = {"name": column.name, "type": column.type, "description": str(column.description)}
    if column.unit:
        field["unit"] = str(column.unit)
    return field


def readme(first: dt.date, last: dt.date) -> str:
    """The codebook as plain text, for the ZIP."""
    lines = [
        str(_("Adal open data")),
        "",
        str(descriptor(first, last)["description"]),
        str(_("Licence: %(title)s, %(url)s") % {"title": LICENSE["title"], "url": LICENSE["path"]}),
        str(
            _(
                "Each table is a CSV file (UTF-8) and a JSON file with the same rows; "
                "datapackage.json describes them."
            )
        ),
        str(_("An empty cell means no value; in the hotline tables it may mean a suppressed count.")),
    ]
    for r in RESOURCES:
        lines += ["", f"## {r.csv_name} / {r.json_name}", str(r.title), str(r.description), ""]
        lines += [
            f"- {c.name} ({c.type}{', ' + str(c.unit) if c.unit else ''}): {c.description}" for c in r.columns
        ]
    return "\n".join(lines) + "\n"


LICENSE_TEXT = (
    "This data is licensed under the Creative Commons Attribution 4.0 International License (CC BY 4.0).\n"
    "You may share and adapt it for any purpose, provided you give appropriate credit, link to the\n"
    "licence and indicate if changes were made. The full legal code:\n"
    "https://creativecommons.org/licenses/by/4.0/legalcode\n"
)


def release(first: dt.date, last: dt.date) -> dict[str, bytes]:
    """Every file of the period: each table's CSV and JSON, then datapackage.json (with the CSVs' sizes)."""
    files: dict[str, bytes] = {}
    for resource in RESOURCES:
        files |= resource_files(resource, first, last)
    package = descriptor(first, last, {name: len(data) for name, data in files.items()})
    files["datapackage.json"] = json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8")
    return files


def zip_of(files: dict[str, bytes], first: dt.date, last: dt.date) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("README.md", readme(first, last).encode("utf-8"))
        archive.writestr("LICENSE.txt", LICENSE_TEXT.encode("utf-8"))
    return out.getvalue()


def zip_name(first: dt.date, last: dt.date) -> str:
    return f"adal-open-data-{first.isoformat()}_{last.isoformat()}.zip"
