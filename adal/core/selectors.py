import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from adal.core.models import Territory, TerritoryName, Unit, UnitName


def units_in_scope(unit: Unit) -> QuerySet[Unit]:
    """The unit and every unit below it."""
    return Unit.objects.filter(path__startswith=unit.path)


def regions_current() -> QuerySet[Territory]:
    return Territory.objects.filter(kind__in=["region", "city"], valid_to__isnull=True).order_by("kato")


def districts_current() -> QuerySet[Territory]:
    return Territory.objects.filter(kind="district", valid_to__isnull=True).select_related("parent")


def central_unit() -> Unit | None:
    """The unit at the top of the organisation, whose reception holds the reports not yet routed."""
    roots = Unit.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("path")
    return roots.filter(level=Unit.Level.CENTRE).first() or roots.first()


# ---------------------------------------------------------------- names of the time


class NamesOfTheTime:
    """The dated names of some territories, read in one query: ``names.on(territory, day)`` is what
    names it on that day (a ``TerritoryName``, or the territory itself when no dated name covers the
    day); either has ``name`` (in the active language) and ``name_ru`` / ``name_kk`` / ``name_en``."""

    def __init__(self, territories: Iterable[Territory]):
        self.dated: dict[int, list[TerritoryName]] = defaultdict(list)
        for name in TerritoryName.objects.filter(territory__in=[t.pk for t in territories]):
            self.dated[name.territory_id].append(name)

    def on(self, territory: Territory, day: dt.date) -> Territory | TerritoryName:
        return next((n for n in self.dated[territory.pk] if n.is_valid_on(day)), territory)


def names_on(territories: Iterable[Territory], day: dt.date) -> dict[str, Territory | TerritoryName]:
    """By KATO code, what names each territory on ``day``: a period's pages and figures name the
    regions as they were named then (Nur-Sultan in 2019, Astana since September 2022)."""
    territories = list(territories)
    names = NamesOfTheTime(territories)
    return {t.kato: names.on(t, day) for t in territories}


def territory_name(territory: Territory, on: dt.date, lang: str | None = None) -> str:
    """The territory's name on ``on``, in ``lang`` ("ru", "kk" or "en"; default: the active language)."""
    named = NamesOfTheTime([territory]).on(territory, on)
    if lang is None:
        return named.name
    return getattr(named, f"name_{lang}", "") or named.name_ru


class UnitNamesOfTheTime:
    """The dated names of some units, read in one query: ``names.on(unit, day)`` is what names it on that
    day (a ``UnitName``, or the unit itself when no dated name covers the day), as ``NamesOfTheTime``
    does for territories."""

    def __init__(self, units: Iterable[Unit]):
        self.dated: dict[int, list[UnitName]] = defaultdict(list)
        for name in UnitName.objects.filter(unit__in=[u.pk for u in units]):
            self.dated[name.unit_id].append(name)

    def on(self, unit: Unit, day: dt.date) -> Unit | UnitName:
        return next((n for n in self.dated[unit.pk] if n.is_valid_on(day)), unit)


def unit_names_on(units: Iterable[Unit], day: dt.date) -> dict[int, Unit | UnitName]:
    """By primary key, what names each unit on ``day``: a period's figures name a unit as it was named
    then ("Branch: Nur-Sultan" in 2019), not as an administrator has renamed it since."""
    units = list(units)
    names = UnitNamesOfTheTime(units)
    return {u.pk: names.on(u, day) for u in units}


def unit_name(unit: Unit, on: dt.date, lang: str | None = None) -> str:
    """The unit's name on ``on``, in ``lang`` ("ru", "kk" or "en"; default: the active language)."""
    named = UnitNamesOfTheTime([unit]).on(unit, on)
    if lang is None:
        return named.name
    return getattr(named, f"name_{lang}", "") or named.name_ru


def last_unit_rename(unit: Unit) -> UnitName | None:
    """The unit's most recent former name: the next rename may not be dated before it ended."""
    return UnitName.objects.filter(unit=unit).order_by("-valid_to").first()


def units_with_former_names() -> QuerySet[Unit]:
    """Every unit in tree order, with the names it bore before (the staff page of units)."""
    return Unit.objects.select_related("territory").prefetch_related("dated_names")
