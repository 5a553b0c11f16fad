"""Working days on Kazakhstan's calendar: weekends and public holidays from ``holidays`` (KZ),
overridden by the admin-edited ``WorkdayException`` table (late decrees, working Saturdays)."""

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

ALMATY = ZoneInfo("Asia/Almaty")


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("KZ", years=year).keys())


class Calendar:
    def __init__(self, exceptions: dict[dt.date, bool] | None = None):
        # exceptions: date -> True for a working day, False for a day off
        self.exceptions = exceptions or {}

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5 and day not in _public_holidays(day.year)

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
        """The end of the n-th working day after registration, in Almaty time."""
        last_day = self.add_working_days(registered_at.astimezone(ALMATY).date(), n)
        return dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=ALMATY)


def calendar() -> Calendar:
    """The calendar with the exceptions table as it is now."""
    from adal.core.models import WorkdayException

    rows = WorkdayException.objects.values_list("date", "kind")
    return Calendar({d: kind == WorkdayException.Kind.WORKING_DAY for d, kind in rows})
