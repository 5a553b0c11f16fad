"""The period a portal page shows: read from ?from=…&to=…, defaulting to one that has data, and the
map of regions as it stood then."""

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Q, QuerySet

from adal.core.models import Territory
from adal.councils.forms import PeriodForm
from adal.portal.figures import default_period


def period_query(first: dt.date, last: dt.date, **more) -> str:
    return urlencode({"from": first.isoformat(), "to": last.isoformat(), **more})


def period_from(request, default=default_period) -> tuple[PeriodForm, tuple[dt.date, dt.date] | None]:
    """The bound form and the period; None when the visitor's period is invalid (the form says why).
    With no period asked for, `default()`: by default the last full half-year that has hotline cases."""
    if "from" not in request.GET and "to" not in request.GET:
        first, last = default()
        return PeriodForm(initial={"from": first, "to": last}), (first, last)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, (form.cleaned_data["from"], form.cleaned_data["to"])


def regions_of_period(on: dt.date) -> QuerySet[Territory]:
    """The regions and cities of republican significance that existed on `on` (17 in 2019, 20 today);
    `adal.core.selectors.names_on` names them as they were named then (Nur-Sultan in 2019–2022)."""
    began = Q(valid_from__isnull=True) | Q(valid_from__lte=on)
    not_ended = Q(valid_to__isnull=True) | Q(valid_to__gt=on)
    kinds = [Territory.Kind.REGION, Territory.Kind.CITY]
    return Territory.objects.filter(began & not_ended, kind__in=kinds).order_by("kato")


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def previous_period(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The period of equal length just before: as many whole months when the period is whole months
    (July–December 2019 → January–June 2019), else as many days."""
    if first.day == 1 and last == _month_end(last):
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        start = first.year * 12 + first.month - 1 - months
        return dt.date(start // 12, start % 12 + 1, 1), first - dt.timedelta(days=1)
    length = last - first
    end = first - dt.timedelta(days=1)
    return end - length, end


class PeriodConverter:
    """A period in a path, ``2019-07-01_2019-12-31``: the open data of a period has its own addresses,
    so the relative paths in its datapackage.json lead to the files of the same period."""

    regex = r"\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> tuple[dt.date, dt.date]:
        first, last = (dt.date.fromisoformat(part) for part in value.split("_"))  # ValueError: a 404
        if first > last:
            raise ValueError("the period ends before it starts")
        return first, last

    def to_url(self, value: tuple[dt.date, dt.date]) -> str:
        first, last = value
        return f"{first.isoformat()}_{last.isoformat()}"
