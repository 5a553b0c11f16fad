"""The dashboard: the whole programme at a glance, as a list of blocks each domain contributes.

A block is a function of the period that returns what its template shows and where its details are,
or None when its app has nothing to show. Adding a domain to the dashboard (the road map, say) is one
function here, one line in BLOCKS and one template in templates/portal/blocks/.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from adal.core.selectors import names_on
from adal.core.territories import region_then
from adal.councils.selectors import council_statistics
from adal.councils.services import today
from adal.discipline.selectors import discipline_statistics
from adal.portal.charts import tile_map
from adal.portal.figures import Figure, case_statistics, overdue_now
from adal.portal.periods import period_query, regions_of_period
from adal.ratings import selectors as ratings
from adal.roadmap import progress
from adal.roadmap.selectors import programme_view, programmes
from adal.roadmap.services import today as roadmap_today
from adal.survey.selectors import published_waves, wave_figures


@dataclass(frozen=True)
class Block:
    key: str
    title: str
    template: str
    link: str  # the page with the details
    data: dict = field(default_factory=dict)


def region_maps(first: dt.date, groups: list[Figure]) -> dict:
    """The tile map of the period's regions, named as they were then; and, when the map has been redrawn
    since, "on today's map": today's regions, each showing the figures of the region it was part of."""
    regions = regions_of_period(first)
    named = names_on(regions, first)
    maps = {"map": tile_map([(kato, n.name) for kato, n in named.items()], groups), "todays_map": None}
    current = list(regions_of_period(today()))
    if {r.kato for r in current} != set(named):
        covered_by = {r.kato: region_then(r.kato, first) for r in current}
        then = {kato: (old, named[old].name) for kato, old in covered_by.items() if old in named}
        maps["todays_map"] = tile_map(
            [(r.kato, r.name) for r in current], groups, then=then, key="todays-map"
        )
    return maps


def hotline_block(first: dt.date, last: dt.date) -> Block:
    figures = case_statistics(first, last, "region")
    return Block(
        "hotline",
        _("Hotline"),
        "portal/blocks/hotline.html",
        f"{reverse('portal:statistics')}?{period_query(first, last)}",
        {
            "total": figures.total,
            "overdue": overdue_now(),
            **region_maps(first, figures.groups),
            "regions": figures.groups,
        },
    )


def councils_block(first: dt.date, last: dt.date) -> Block:
    figures = council_statistics(first, last)
    return Block(
        "councils",
        _("Councils"),
        "portal/blocks/councils.html",
        f"{reverse('portal:councils')}?{period_query(first, last)}",
        {"meetings": figures["meetings_held"], "proposals": figures["proposals"]["submitted"]},
    )


def discipline_block(first: dt.date, last: dt.date) -> Block:
    figures = discipline_statistics(date_from=first, date_to=last)
    return Block(
        "discipline",
        _("Party discipline"),
        "portal/blocks/discipline.html",
        f"{reverse('portal:councils')}?{period_query(first, last)}#discipline-title",
        {"held_responsible": figures["held_responsible"], "expelled": figures["expelled"]},
    )


def index_block(first: dt.date, last: dt.date) -> Block | None:
    """The latest published index wave whose fieldwork ended by the period's last day."""
    wave = published_waves().filter(fieldwork_end__lte=last).first()
    if wave is None:
        return None
    figures = wave_figures(wave)
    return Block(
        "index",
        _("National Corruption Perception Index"),
        "portal/blocks/index.html",
        reverse("survey:index"),
        {"wave": wave, "index": figures["index"], "change": figures["change"]},
    )


def ratings_block(first: dt.date, last: dt.date) -> Block | None:
    """The home country's latest value of each international index published by the period's end."""
    country = ratings.home_country()
    if country is None:
        return None
    latest = []
    for history in ratings.country_histories(country):
        values = [v for v in history.values if v.year <= last.year]
        if values:
            latest.append((history.index, values[-1]))
    if not latest:
        return None
    return Block(
        "ratings",
        _("International ratings"),
        "portal/blocks/ratings.html",
        reverse("ratings:country", args=[country.iso3]),
        {"country": country, "latest": latest},
    )


def roadmap_block(first: dt.date, last: dt.date) -> Block | None:
    """Each programme under way in the period: its stages' progress and how many measures are on track, at
    risk and off track, all as of the period's last day (computed, as the road map's pages compute them)."""
    shown = []
    for programme in programmes().filter(starts_on__lte=last, ends_on__gte=first):
        view = programme_view(programme, on=min(last, roadmap_today()))
        rags = [node.rag for node in view.walk() if not node.is_parent and node.rag]
        counts = {rag: rags.count(rag) for rag in (progress.GREEN, progress.AMBER, progress.RED)}
        shown.append({"programme": programme, "stages": view.stages, "rags": counts, "on": view.today})
    if not shown:
        return None
    return Block(
        "roadmap", _("Road map"), "portal/blocks/roadmap.html", reverse("roadmap:home"), {"programmes": shown}
    )


BLOCKS: list[Callable[[dt.date, dt.date], Block | None]] = [
    hotline_block,
    councils_block,
    discipline_block,
    index_block,
    ratings_block,
    roadmap_block,
]


def dashboard_blocks(first: dt.date, last: dt.date) -> list[Block]:
    return [block for make in BLOCKS if (block := make(first, last)) is not None]
