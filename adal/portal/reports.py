"""The period report: every domain's figures for a period beside those of the period before, as one
JSON-serialisable dict that the page, the PDF and a frozen report all render.

The data holds numbers and keys, never text in one language: every label it carries (a region's, a
topic's, a sanction's, a programme's) is a ``{"ru": …, "kk": …, "en": …}`` mapping taken when the data
is gathered, and the template picks the reader's language (the ``tr`` filter). The template's own words
are translated when it renders. So a report frozen today reads the same tomorrow in any of the three
languages, even after a region is renamed or a sanction's label reworded: what it says of the period is
in the snapshot, and only the report's wording comes from the catalogue.

Figures are not counted here: they come from the portal's hotline figures (adal.portal.figures, with
their suppression) and the apps' own selectors, as the portal's pages and the API publish them.
"""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from adal.core.models import Territory
from adal.core.selectors import names_on
from adal.councils.models import Proposal, Topic
from adal.councils.selectors import council_statistics
from adal.discipline.models import PositionLevel, Sanction
from adal.discipline.selectors import discipline_statistics
from adal.portal.feeds import ReportEntry
from adal.portal.figures import Figure, case_statistics, group_labels
from adal.portal.models import FrozenReport
from adal.portal.periods import previous_period, regions_of_period
from adal.ratings import selectors as ratings
from adal.roadmap import progress
from adal.roadmap.selectors import programme_view, programmes
from adal.roadmap.services import today
from adal.survey.selectors import published_waves, wave_figures

# A snapshot says which shape it has, so that a later template can still read an old one.
VERSION = 1

Text = dict[str, str]


def every_language(text: Callable[[], object]) -> Text:
    """``text()`` read in each of the site's languages: {"ru": …, "kk": …, "en": …}."""
    found = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found[code] = str(text())
    return found


def _names(objects) -> dict:
    """Each object's ``name`` in every language, by primary key."""
    return {o.pk: every_language(lambda o=o: o.name) for o in objects}


# ---------------------------------------------------------------- the hotline


def _figure(f: Figure) -> dict:
    days = f.working_days
    return {
        "received": f.received,
        "due": f.due,
        "answered": f.answered,
        "answered_on_time": f.answered_on_time,
        "on_time": asdict(f.on_time) if f.on_time else None,
        "working_days": asdict(days) if days else None,
        "suppressed": f.suppressed,
    }


def hotline_section(first: dt.date, last: dt.date, before: tuple[dt.date, dt.date]) -> dict:
    now = case_statistics(first, last, "region")
    earlier = case_statistics(*before, "region")
    keys = [g.key for g in now.groups]
    labels = {code: group_labels_in(code, "region", keys, first) for code in _languages()}
    regions = regions_of_period(first)
    named = names_on(regions, first)  # as the regions were named then (Nur-Sultan in 2019)
    return {
        "total": _figure(now.total),
        "previous": _figure(earlier.total),
        "regions": [
            {"key": g.key, "name": {c: labels[c].get(g.key, g.key) for c in labels}, **_figure(g)}
            for g in now.groups
        ],
        "map": [{"kato": r.kato, "name": every_language(lambda r=r: named[r.kato].name)} for r in regions],
    }


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def group_labels_in(code: str, by: str, keys: list[str], on: dt.date) -> dict[str, str]:
    with translation.override(code):
        return group_labels(by, keys, on)


# ---------------------------------------------------------------- councils and discipline


def _council_figures(first: dt.date, last: dt.date) -> dict:
    stats = council_statistics(first, last)
    katos = [r["kato"] for r in stats["by_region"] if r["kato"]]
    named = names_on(Territory.objects.filter(kato__in=katos), first)  # as then: Nur-Sultan in 2019
    regions = {kato: every_language(lambda n=n: n.name) for kato, n in named.items()}
    topics = {t.code: every_language(lambda t=t: t.name) for t in Topic.objects.all()}
    national = every_language(lambda: _("National level"))
    states = dict(Proposal.State.choices)
    return {
        "meetings_held": stats["meetings_held"],
        "by_region": [
            {"kato": r["kato"], "name": regions[r["kato"]] if r["kato"] else national, "count": r["meetings"]}
            for r in stats["by_region"]
        ],
        "by_topic": [
            {"topic": t["topic"], "name": topics[t["topic"]], "count": t["meetings"]}
            for t in stats["by_topic"]
        ],
        "proposals": stats["proposals"]["submitted"],
        "proposals_by_state": [
            {"state": r["state"], "name": every_language(lambda s=r["state"]: states[s]), "count": r["count"]}
            for r in stats["proposals"]["by_state"]
        ],
    }


def councils_section(first: dt.date, last: dt.date, before: tuple[dt.date, dt.date]) -> dict:
    return {"current": _council_figures(first, last), "previous": _council_figures(*before)}


def _discipline_figures(first: dt.date, last: dt.date) -> dict:
    stats = discipline_statistics(date_from=first, date_to=last)
    sanctions, levels = dict(Sanction.choices), dict(PositionLevel.choices)
    return {
        "held_responsible": stats["held_responsible"],
        "expelled": stats["expelled"],
        "by_sanction": [
            {
                "key": r["sanction"],
                "name": every_language(lambda s=r["sanction"]: sanctions[s]),
                "count": r["count"],
            }
            for r in stats["by_sanction"]
        ],
        "by_region": [
            {
                "key": r["kato"],
                "name": {c: r[f"name_{c}"] or r["name_ru"] for c in _languages()},
                "count": r["count"],
            }
            for r in stats["by_region"]
        ],
        "by_position_level": [
            {
                "key": r["position_level"],
                "name": every_language(lambda v=r["position_level"]: levels[v]),
                "count": r["count"],
            }
            for r in stats["by_position_level"]
        ],
    }


def discipline_section(first: dt.date, last: dt.date, before: tuple[dt.date, dt.date]) -> dict:
    return {"current": _discipline_figures(first, last), "previous": _discipline_figures(*before)}


# ---------------------------------------------------------------- the index, ratings, the road map


def index_section(first: dt.date, last: dt.date, before: tuple[dt.date, dt.date]) -> dict:
    wave = published_waves().filter(fieldwork_end__lte=last).first()
    now = _wave(wave, first) if wave else None
    earlier_wave = published_waves().filter(fieldwork_end__lte=before[1]).first()
    earlier = _wave(earlier_wave, before[0]) if earlier_wave else None
    return {"current": now, "previous": earlier}


def _wave(wave, first: dt.date) -> dict:
    figures = wave_figures(wave)
    return {
        "code": wave.code,
        "name": every_language(lambda: wave.name),
        "fieldwork_start": wave.fieldwork_start.isoformat(),
        "fieldwork_end": wave.fieldwork_end.isoformat(),
        "respondents": figures["respondents"],
        "index": figures["index"],
        "change": figures["change"],  # from the wave before it, with its test
        "in_period": wave.fieldwork_end >= first,
    }


def _value(value) -> dict:
    return {
        "year": value.year,
        "score": str(value.score),
        "rank": value.rank,
        "countries": value.countries,
    }


def ratings_section(first: dt.date, last: dt.date, before: tuple[dt.date, dt.date]) -> dict:
    """The home country's latest value of each index published by the period's end (a year's value
    counts from its year), and by the previous period's end."""
    country = ratings.home_country()
    if country is None:
        return {"country": None, "indices": []}
    rows = []
    for history in ratings.country_histories(country):
        now = [v for v in history.values if v.year <= last.year]
        earlier = [v for v in history.values if v.year <= before[1].year]
        if now:
            rows.append(
                {
                    "code": history.index.code,
                    "name": every_language(lambda h=history: h.index.name),
                    "higher_is_better": history.index.higher_is_better,
                    "current": _value(now[-1]),
                    "previous": _value(earlier[-1]) if earlier else None,
                    "change": str(now[-1].score - earlier[-1].score) if earlier else None,
                }
            )
    return {"country": every_language(lambda: country.name), "indices": rows}


def _programme_on(programme, on: dt.date) -> dict:
    view = programme_view(programme, on=on)
    rags = [node.rag for node in view.walk() if not node.is_parent and node.rag]
    return {
        "on": view.today.isoformat(),
        "stages": [
            {"name": every_language(lambda s=s: s.stage.title), "progress": round(s.progress, 1)}
            for s in view.stages
        ],
        "rags": {rag: rags.count(rag) for rag in (progress.GREEN, progress.AMBER, progress.RED)},
    }


def roadmap_section(first: dt.date, last: dt.date, before: tuple[dt.date, dt.date]) -> dict:
    """Each programme under way in the period, computed as of the period's last day (or today, for a
    period not yet over) and as of the previous period's last day when it had begun by then."""
    shown = []
    for programme in programmes().filter(starts_on__lte=last, ends_on__gte=first):
        shown.append(
            {
                "code": programme.code,
                "name": every_language(lambda p=programme: p.title),
                "current": _programme_on(programme, min(last, today())),
                "previous": _programme_on(programme, before[1]) if programme.starts_on <= before[1] else None,
            }
        )
    return {"programmes": shown}


# ---------------------------------------------------------------- the report


SECTIONS = {
    "hotline": hotline_section,
    "councils": councils_section,
    "discipline": discipline_section,
    "index": index_section,
    "ratings": ratings_section,
    "roadmap": roadmap_section,
}


def period_report_data(first: dt.date, last: dt.date) -> dict:
    """Every section's figures for the period from ``first`` to ``last`` (both included) and for the
    previous period of equal length; plain JSON (dates as ISO strings, scores as decimal strings)."""
    before = previous_period(first, last)
    data = {
        "version": VERSION,
        "period": {"first": first.isoformat(), "last": last.isoformat()},
        "previous": {"first": before[0].isoformat(), "last": before[1].isoformat()},
        "as_of": today().isoformat(),
        **{name: section(first, last, before) for name, section in SECTIONS.items()},
    }
    # Through JSON and back: the live report renders exactly what a frozen one would store.
    return json.loads(json.dumps(data, default=_plain))


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not part of a report's data")


def report_link(first: dt.date, last: dt.date) -> str:
    return f"{reverse('portal:period_report')}?from={first.isoformat()}&to={last.isoformat()}"


# ---------------------------------------------------------------- frozen reports


def frozen_reports() -> QuerySet[FrozenReport]:
    return FrozenReport.objects.select_related("issued_by")


def frozen_reports_for_feed(limit: int = 50) -> list[dict]:
    """The latest frozen reports, newest first, as a feed's items: title, issued_at, url (a path)."""
    return [
        {
            "title": r.title,
            "issued_at": r.issued_at,
            "issued_for": r.issued_for,
            "url": reverse("portal:frozen_report", args=[r.pk]),
        }
        for r in frozen_reports()[:limit]
    ]


def frozen_report_entries(limit: int = 50) -> list:
    """The frozen reports as the period-report feed's entries, newest first."""
    return [
        ReportEntry(title=i["title"], date=i["issued_at"], link=i["url"], summary=i["issued_for"])
        for i in frozen_reports_for_feed(limit)
    ]
