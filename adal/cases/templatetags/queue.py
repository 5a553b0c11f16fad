"""The queue's table rows, written out in Python.

A page of the queue is fifty rows of eight cells. Through the template engine they cost more than all of
the page's queries (3.6 of 17 ms at 20,000 cases), and the page is the one staff reload all day.
"""

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


class _Dates(dict):
    """Local dates in the short format, each formatted once: a page's deadlines fall on a few days."""

    def __init__(self):
        super().__init__()
        self.zone = timezone.get_current_timezone()

    def of(self, moment) -> str:
        day = moment.astimezone(self.zone).date()
        if day not in self:
            self[day] = formats.date_format(day, "SHORT_DATE_FORMAT")
        return self[day]


def _retaliation_badges(row) -> str:
    """A high retaliation risk, and the protection cases (named only where the reader may open them)."""
    html = mark_safe("")
    if row.retaliation_risk == "high":
        html += format_html(' <span class="badge overdue">{}</span>', gettext("high retaliation risk"))
    if row.protections or row.protected_elsewhere:
        named = format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            ((reverse("cases:case", args=[pk]), number, state) for pk, number, state in row.protections),
        )
        html += format_html(
            ' <span class="badge protection">{}{}</span>',
            gettext("protection case"),
            format_html(": {}", named) if row.protections else "",
        )
    return html


def _overdue_level(row, now) -> int:
    """As the sweep will record it: a case past its deadline is overdue before the sweep has come by (as the
    queue's overdue count says), e.g. a letter registered after its triage deadline."""
    if not row.is_open:
        return 0
    return row.overdue_level or int(row.due_at < now)


@register.simple_tag
def queue_rows(rows) -> str:
    badges = {1: gettext("overdue"), 2: gettext("very overdue")}
    dates = _Dates()
    now = timezone.now()
    return format_html_join(
        "\n",
        '<tr{}><td><a href="{}">{}</a>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
        "<td>{}</td><td>{}{}</td></tr>",
        (
            (
                mark_safe(' class="overdue-row"') if level else "",
                reverse("cases:case", args=[row.pk]),
                row.registration_number,
                _retaliation_badges(row)
                if row.retaliation_risk or row.protections or row.protected_elsewhere
                else "",
                row.state_label,
                row.category_label,
                row.region,
                row.channel_label,
                row.officer,
                dates.of(row.registered_at),
                dates.of(row.due_at),
                format_html(' <span class="badge overdue">{}</span>', badges[level]) if level else "",
            )
            for row in rows
            for level in (_overdue_level(row, now),)
        ),
    )
