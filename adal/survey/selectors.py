"""Reads for the survey: the instrument as the checker and the index see it, the census margins as
numbers, and the published results as the pages show them."""

import datetime as dt

from django.db.models import Q, QuerySet

from adal.core.models import Territory
from adal.core.selectors import names_on
from adal.stats import estimation as est
from adal.survey.index import IndexSpec, ItemScoring, as_estimate
from adal.survey.messages import failure_text, problem_text, weighting_failure_text
from adal.survey.models import (
    CensusMargins,
    Instrument,
    Item,
    MarginCell,
    MicrodataImport,
    Settlement,
    Sex,
    Wave,
    label_in_language,
)
from adal.survey.pipeline import MarginTotals
from adal.survey.validation import ItemRule, Schema

# ---------------------------------------------------------------- the instrument for the machinery


def regions_on(day: dt.date) -> QuerySet[Territory]:
    """The regions and cities of republican significance of the map on ``day`` (valid_to exclusive)."""
    return (
        Territory.objects.filter(kind__in=[Territory.Kind.REGION, Territory.Kind.CITY])
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .order_by("kato")
    )


def instrument_items(instrument: Instrument) -> list[Item]:
    return list(instrument.items.select_related("component", "condition_item").order_by("order", "code"))


def wave_schema(wave: Wave) -> Schema:
    """What a microdata file of this wave must hold, for ``adal.survey.validation``."""
    items = instrument_items(wave.instrument)
    return Schema(
        regions=frozenset(int(t.kato) for t in regions_on(wave.fieldwork_end)),
        items=tuple(ItemRule(i.code, frozenset(i.codes), i.required) for i in items),
        min_age=wave.instrument.min_age,
        max_age=wave.instrument.max_age,
        weight_is_probability=wave.base_weight == Wave.BaseWeight.PROBABILITY,
    )


def index_spec(instrument: Instrument) -> IndexSpec:
    items = [i for i in instrument_items(instrument) if i.role == Item.Role.INDEX]
    return IndexSpec(
        components={c.code: float(c.weight) for c in instrument.components.all()},
        items=tuple(
            ItemScoring(
                column=i.code,
                component=i.component.code,
                weight=float(i.weight),
                scores={o["code"]: float(o["score"]) for o in i.options if o.get("score") is not None},
                condition=(i.condition_item.code, frozenset(i.condition_codes)) if i.condition_item else None,
            )
            for i in items
        ),
    )


def sector_item(instrument: Instrument) -> Item | None:
    return instrument.items.filter(role=Item.Role.SECTOR).first()


def margin_totals(margins: CensusMargins) -> MarginTotals:
    cells = margins.cells.select_related("region")
    joint, settlement = {}, {}
    for cell in cells:
        if cell.dimension == MarginCell.Dimension.SETTLEMENT:
            settlement[cell.settlement] = float(cell.population)
        else:
            joint[(int(cell.region.kato), cell.sex, cell.age_group)] = float(cell.population)
    return MarginTotals(tuple(margins.age_groups), joint, settlement)


# ---------------------------------------------------------------- staff


def waves_for_staff() -> QuerySet[Wave]:
    return Wave.objects.select_related("instrument", "margins", "microdata").order_by("-fieldwork_end", "-id")


def import_described(record: MicrodataImport) -> dict:
    """An import for its page: state, progress, and its problems in the reader's language."""
    return {
        "record": record,
        "failure": failure_text(record.failure) if record.failure else "",
        "problems": [{"row": p["row"], "text": problem_text(p)} for p in record.errors],
        "unlisted": max(record.bad_rows - len({p["row"] for p in record.errors}), 0),
    }


def weighting_described(wave: Wave) -> dict | None:
    """The weighting report with its failure, if any, in words."""
    report = wave.weighting
    if not report:
        return None
    if "failure" in report:
        return {"failure": weighting_failure_text(report["failure"], wave.margins.age_groups)}
    return report


# ---------------------------------------------------------------- the public pages


def published_waves(instrument: Instrument | None = None) -> QuerySet[Wave]:
    waves = Wave.objects.filter(state=Wave.State.PUBLISHED).select_related("instrument", "margins")
    if instrument is not None:
        waves = waves.filter(instrument=instrument)
    return waves.order_by("-fieldwork_end", "-id")


def previous_wave(wave: Wave) -> Wave | None:
    """The published wave of the same instrument whose fieldwork ended last before this one's."""
    return (
        published_waves(wave.instrument)
        .filter(fieldwork_end__lt=wave.fieldwork_start)
        .order_by("-fieldwork_end", "-id")
        .first()
    )


def _change(now: dict | None, before: dict | None) -> dict | None:
    """This wave minus the previous one, with its test (independent samples)."""
    if not now or not before:
        return None
    d = est.wave_difference(as_estimate(before), as_estimate(now))
    return {
        "difference": float(d.difference),
        "se": float(d.se),
        "z": float(d.z),
        "p_value": float(d.p_value),
        "significant": bool(d.significant),
    }


def _components(wave: Wave) -> list:
    components = list(wave.instrument.components.all())
    total = sum(float(c.weight) for c in components)
    return [{"code": c.code, "name": c.name, "share": float(c.weight) / total} for c in components]


def _ranked_regions(results: dict, before: dict | None, on: dt.date) -> list[dict]:
    """The regions' figures, each region named as it was at the end of the fieldwork."""
    regions = Territory.objects.filter(kind__in=["region", "city"])
    names = {int(kato): named.name for kato, named in names_on(regions, on).items()}
    rows = []
    for kato, found in results.get("regions", {}).items():
        earlier = (before or {}).get("regions", {}).get(kato)
        rows.append(
            {
                "kato": kato,
                "name": names.get(int(kato), kato),
                "index": found["index"],
                "components": found["components"],
                "change": _change(found["index"], earlier["index"] if earlier else None),
            }
        )
    return sorted(rows, key=lambda r: (r["index"] is None, -(r["index"] or {}).get("estimate", 0), r["name"]))


def _sectors(wave: Wave, results: dict, components: list[str]) -> list[dict]:
    item = sector_item(wave.instrument)
    if item is None:
        return []
    rows = [
        {
            "code": code,
            "name": item.option_label(int(code)),
            "index": found["index"],
            "scores": [found["components"].get(c) for c in components],
            "n": max((e["n"] for e in found["components"].values() if e), default=0),
        }
        for code, found in results.get("sectors", {}).items()
    ]
    return sorted(rows, key=lambda r: int(r["code"]))


def wave_figures(wave: Wave) -> dict:
    """Everything the wave's page shows, from the results stored at weighting time."""
    results = wave.results
    previous = previous_wave(wave)
    before = previous.results if previous is not None else None
    national = results["national"]
    components = _components(wave)
    for c in components:
        c["estimate"] = national["components"][c["code"]]
        c["change"] = _change(
            c["estimate"], before["national"]["components"].get(c["code"]) if before else None
        )
    return {
        "wave": wave,
        "respondents": results.get("respondents"),
        "index": national["index"],
        "previous": previous,
        "change": _change(national["index"], before["national"]["index"] if before else None),
        "components": components,
        "regions": _ranked_regions(results, before, wave.fieldwork_end),
        "sectors": _sectors(wave, results, [c["code"] for c in components]),
        "sector_question": sector_item(wave.instrument),
    }


def waves_trend(instrument: Instrument | None = None) -> list[dict]:
    """Each published wave's national index, oldest first, with the change from the one before."""
    waves = list(published_waves(instrument).order_by("fieldwork_end", "id"))
    rows, before = [], {}
    for wave in waves:
        index = wave.results["national"]["index"]
        earlier = before.get(wave.instrument_id)
        rows.append({"wave": wave, "index": index, "change": _change(index, earlier)})
        before[wave.instrument_id] = index
    return rows


# ---------------------------------------------------------------- methodology


def _age_label(bounds: list[int], i: int) -> str:
    return f"{bounds[i]}–{bounds[i + 1] - 1}" if i + 1 < len(bounds) else f"{bounds[i]}+"


def margins_table(margins: CensusMargins) -> dict:
    """The margins as the methodology page shows them: regions down, sex × age group across."""
    bounds = margins.age_groups
    columns = [(s, g) for s in Sex.values for g in range(len(bounds))]
    rows: dict[str, dict] = {}
    settlement = []
    for cell in margins.cells.select_related("region").order_by("region__kato"):
        if cell.dimension == MarginCell.Dimension.SETTLEMENT:
            settlement.append({"label": Settlement(cell.settlement).label, "population": cell.population})
            continue
        row = rows.setdefault(cell.region.kato, {"name": cell.region.name, "cells": {}, "total": 0})
        row["cells"][(cell.sex, cell.age_group)] = cell.population
        row["total"] += cell.population
    body = [
        {"name": r["name"], "values": [r["cells"].get(c) for c in columns], "total": r["total"]}
        for _kato, r in sorted(rows.items())
    ]
    return {
        "columns": [{"sex": Sex(s).label, "ages": _age_label(bounds, g)} for s, g in columns],
        "rows": body,
        "total": sum(r["total"] for r in body),
        "settlement": settlement,
        "age_groups": [_age_label(bounds, i) for i in range(len(bounds))],
    }


def methodology(wave: Wave) -> dict:
    """The instrument, scoring, weights, margins, design and weighting of a wave, from their records."""
    items = instrument_items(wave.instrument)
    components = _components(wave)
    for c in components:
        c["items"] = [i for i in items if i.component is not None and i.component.code == c["code"]]
        c["description"] = wave.instrument.components.get(code=c["code"]).description
    for item in items:
        item.option_rows = [
            {"code": o["code"], "label": label_in_language(o["label"]), "score": o.get("score")}
            for o in item.options
        ]
        if item.condition_item is not None:
            item.condition_text = ", ".join(item.condition_item.option_label(c) for c in item.condition_codes)
    return {
        "wave": wave,
        "instrument": wave.instrument,
        "components": components,
        "items": items,
        "margins": wave.margins,
        "margins_table": margins_table(wave.margins),
        "weighting": weighting_described(wave),
        "respondents": (wave.results or {}).get("respondents"),
    }
