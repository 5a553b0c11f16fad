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
    """The dated names of some territories, or of some units, read in one query: ``names.on(named, day)``
    is what names it on that day (a ``TerritoryName`` or ``UnitName``, or the territory or unit itself
    when no dated name covers the day); either has ``name`` (in the active language) and ``name_ru`` /
    ``name_kk`` / ``name_en``."""

    def __init__(self, named: Iterable[Territory] | Iterable[Unit]):
        self.named = list(named)
        self.dated: dict[int, list[TerritoryName | UnitName]] = defaultdict(list)
        if not self.named:
            return
        link = type(self.named[0]).dated_names.field  # the dated name's foreign key to what it names
        for name in link.model.objects.filter(**{f"{link.name}__in": [n.pk for n in self.named]}):
            self.dated[getattr(name, link.attname)].append(name)

    def on(self, named: Territory | Unit, day: dt.date) -> Territory | TerritoryName | Unit | UnitName:
        return next((n for n in self.dated[named.pk] if n.is_valid_on(day)), named)

    def by(self, key: str, day: dt.date) -> dict:
        """What names each on ``day``, by its attribute ``key``."""
        return {getattr(named, key): self.on(named, day) for named in self.named}


def names_on(territories: Iterable[Territory], day: dt.date) -> dict[str, Territory | TerritoryName]:
    """By KATO code, what names each territory on ``day``: a period's pages and figures name the
    regions as they were named then (Nur-Sultan in 2019, Astana since September 2022)."""
    return NamesOfTheTime(territories).by("kato", day)


def unit_names_on(units: Iterable[Unit], day: dt.date) -> dict[int, Unit | UnitName]:
    """By primary key, what names each unit on ``day``: a period's figures name a unit as it was named
    then ("Branch: Nur-Sultan" in 2019), not as an administrator has renamed it since."""
    return NamesOfTheTime(units).by("pk", day)


def name_on(named: Territory | Unit, on: dt.date, lang: str | None = None) -> str:
    """The territory's or unit's name on ``on``, in ``lang`` ("ru", "kk" or "en"; default: the active
    language)."""
    name = NamesOfTheTime([named]).on(named, on)
    if lang is None:
        return name.name
    return getattr(name, f"name_{lang}", "") or name.name_ru


def last_unit_rename(unit: Unit) -> UnitName | None:
    """The unit's most recent former name: the next rename may not be dated before it ended."""
    return UnitName.objects.filter(unit=unit).order_by("-valid_to").first()


def units_with_former_names() -> QuerySet[Unit]:
    """Every unit in tree order, with the names it bore before (the staff page of units)."""
    return Unit.objects.select_related("territory").prefetch_related("dated_names")
