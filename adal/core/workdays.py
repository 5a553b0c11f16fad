"""Working days on the country's calendar (``ADAL_COUNTRY``, Kazakhstan by default): weekends and
public holidays from ``holidays``, overridden by the admin-edited ``WorkdayException`` table (late
decrees, working Saturdays). Days begin and end in the country's time zone (``TIME_ZONE``, from
``ADAL_TIME_ZONE``, Asia/Almaty by default): ``local_zone()``."""

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings


def local_zone() -> ZoneInfo:
    """The time zone whose days deadlines, periods and statistics count (``settings.TIME_ZONE``)."""
    return ZoneInfo(settings.TIME_ZONE)  # ZoneInfo keeps one instance per key: this is cheap


@lru_cache(maxsize=64)
def _country_year(country: str, year: int) -> tuple[frozenset[dt.date], frozenset[int]]:
    days = holidays.country_holidays(country, years=year)
    return frozenset(days.keys()), frozenset(days.weekend)


class Calendar:
    def __init__(self, exceptions: dict[dt.date, bool] | None = None, country: str | None = None):
        # exceptions: date -> True for a working day, False for a day off
        self.exceptions = exceptions or {}
        self.country = country or settings.ADAL_COUNTRY

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        public_holidays, weekend = _country_year(self.country, day.year)
        return day.weekday() not in weekend and day not in public_holidays

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start``; counting begins the day after it."""
        day, counted = start, 0
        while counted < n:
            day += dt.timedelta(days=1)
            counted += self.is_working_day(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end is earlier)."""
        sign = 1 if end >= start else -1
        lo, hi = sorted((start, end))
        return sign * sum(
            self.is_working_day(lo + dt.timedelta(days=i)) for i in range(1, (hi - lo).days + 1)
        )

    def deadline(self, registered_at: dt.datetime, n: int) -> dt.datetime:
        """The end of the n-th working day after registration, in the country's time."""
        zone = local_zone()
        last_day = self.add_working_days(registered_at.astimezone(zone).date(), n)
        return dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=zone)


def calendar() -> Calendar:
    """The calendar with the exceptions table as it is now."""
    from adal.core.models import WorkdayException

    rows = WorkdayException.objects.values_list("date", "kind")
    return Calendar({d: kind == WorkdayException.Kind.WORKING_DAY for d, kind in rows})
