"""Atom feeds of the portal: the road map's confirmed progress, and the period reports once the report
module registers where they come from.

The period reports are built by another module; this one only knows an interface: a callable, given to
``register_period_reports``, that returns the published reports, newest first, each with ``title``,
``date`` (a date or datetime) and ``link`` (and an optional ``summary``). Until one is registered the
feed answers 404 rather than an empty feed that looks as if no report was ever issued.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import formats
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from adal.core.workdays import local_zone
from adal.roadmap.models import ProgressReport
from adal.roadmap.selectors import confirmed_reports


class RoadmapProgressFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Road map progress")

    def subtitle(self) -> str:
        return _("Progress reports on the road map's measures, confirmed by a second signature.")

    def link(self) -> str:
        return reverse("roadmap:home")

    def feed_url(self) -> str:
        return reverse("portal:feed_roadmap")

    def items(self) -> list[ProgressReport]:
        return confirmed_reports()

    def item_title(self, report: ProgressReport) -> str:
        percent = formats.number_format(report.percent, decimal_pos=0 if report.percent % 1 == 0 else 1)
        return f"{report.measure.title}: {percent}%"

    def item_description(self, report: ProgressReport) -> str:
        day = formats.date_format(report.as_of, "SHORT_DATE_FORMAT")
        text = _("As of %(date)s.") % {"date": day} + "\n\n" + Truncator(report.text).words(120)
        return linebreaks(text, autoescape=True)

    def item_link(self, report: ProgressReport) -> str:
        measure = report.measure
        return reverse("roadmap:measure", args=[measure.programme.code, measure.pk])

    def item_guid(self, report: ProgressReport) -> str:
        return f"{self.item_link(report)}#progress-{report.pk}"  # one measure has many reports

    item_guid_is_permalink = False

    def item_pubdate(self, report: ProgressReport):
        return report.confirmation.confirmed_at

    def item_updateddate(self, report: ProgressReport):
        return report.confirmation.confirmed_at

    def item_author_name(self, report: ProgressReport) -> str | None:
        return report.measure.responsible or None


# ---------------------------------------------------------------- period reports


@dataclass(frozen=True)
class ReportEntry:
    """One published period report, as the feed needs it; a model with these attributes will do too."""

    title: str
    date: dt.date | dt.datetime
    link: str
    summary: str = ""


_period_reports: list[Callable[[], Iterable]] = []


def register_period_reports(source: Callable[[], Iterable]) -> None:
    """Where the period-report feed takes its entries: called by the report module (once, at start)."""
    _period_reports[:] = [source]


def period_reports_source() -> Callable[[], Iterable] | None:
    return _period_reports[0] if _period_reports else None


def _moment(day: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(day, dt.datetime):
        return day
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_zone())


class PeriodReportsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        source = period_reports_source()
        if source is None:
            raise Http404("no period reports yet")
        return source

    def title(self) -> str:
        return _("Period reports")

    def subtitle(self) -> str:
        return _("Reports on the anti-corruption programme for a period, as they are issued.")

    def link(self) -> str:
        return reverse("portal:opendata")

    def feed_url(self) -> str:
        return reverse("portal:feed_reports")

    def items(self, source):
        return list(source())[:50]

    def item_title(self, entry) -> str:
        return str(entry.title)

    def item_description(self, entry) -> str:
        return linebreaks(getattr(entry, "summary", "") or "", autoescape=True)

    def item_link(self, entry) -> str:
        return entry.link

    def item_pubdate(self, entry):
        return _moment(entry.date)

    def item_updateddate(self, entry):
        return _moment(entry.date)
