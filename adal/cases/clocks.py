"""Deadlines of a case under its policy: working or calendar days, months, reminders, escalation."""

import calendar as monthcal
import datetime as dt
from dataclasses import dataclass

from adal.core.workdays import Calendar, local_zone

END_OF_DAY = dt.time(23, 59, 59)
REMIND_AT = dt.time(9, 0)


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=local_zone())


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(local_zone()).date()


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, monthcal.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Clock:
    """A policy's rules applied on a calendar."""

    day_kind: str  # "working" or "calendar"
    triage_days: int
    forward_days: int
    answer_days: int | None
    answer_months: int | None
    extension_total_months: int | None
    remind_before_days: int
    very_overdue_days: int
    close_after_days: int
    calendar: Calendar

    @classmethod
    def of(cls, policy, cal: Calendar) -> "Clock":
        return cls(
            policy.day_kind,
            policy.triage_days,
            policy.forward_days,
            policy.answer_days,
            policy.answer_months,
            policy.extension_total_months,
            policy.remind_before_days,
            policy.very_overdue_days,
            policy.close_after_days,
            cal,
        )

    def after_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """End of the day ``days`` (working or calendar) after ``start``; counting starts the next day."""
        if self.day_kind == "working":
            return self.calendar.deadline(start, days)
        return end_of_day(local_date(start) + dt.timedelta(days=days))

    def triage_due(self, registered_at: dt.datetime) -> dt.datetime:
        return self.after_days(registered_at, self.triage_days)

    def answer_due(self, start: dt.datetime) -> dt.datetime:
        if self.answer_months:
            return end_of_day(add_months(local_date(start), self.answer_months))
        return self.after_days(start, self.answer_days or 0)

    def extension_limit(self, registered_at: dt.datetime) -> dt.datetime | None:
        if not self.extension_total_months:
            return None
        return end_of_day(add_months(local_date(registered_at), self.extension_total_months))

    def remind_at(self, due_at: dt.datetime) -> dt.datetime:
        """The morning ``remind_before_days`` working days before the due day."""
        day, counted = local_date(due_at), 0
        while counted < self.remind_before_days:
            day -= dt.timedelta(days=1)
            counted += self.calendar.is_working_day(day)
        return dt.datetime.combine(day, REMIND_AT, tzinfo=local_zone())

    def escalate_at(self, due_at: dt.datetime) -> dt.datetime:
        return self.calendar.deadline(due_at, self.very_overdue_days)

    def close_at(self, answered_at: dt.datetime) -> dt.datetime:
        return self.calendar.deadline(answered_at, self.close_after_days)

    def working_days_taken(self, start: dt.datetime, end: dt.datetime) -> int:
        return self.calendar.working_days_between(local_date(start), local_date(end))
