"""How the portal writes its figures, in the reader's locale: "72% (65–78%), n = 180"."""

import datetime as dt

from django import template
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from adal.stats.rates import Share

register = template.Library()

HIDDEN = "—"


def whole(n: int, grouped: bool = False) -> str:
    """A whole number in the reader's locale. Below a thousand every locale writes it as Python does, and
    a statistics page writes a thousand of them: those skip the locale's formatter."""
    if isinstance(n, int) and -1000 < n < 1000:
        return str(n)
    return number_format(n, 0, force_grouping=grouped)


@register.filter
def percent(value) -> str:
    if value is None:
        return HIDDEN
    return f"{whole(round(value * 100))}%"


@register.filter
def share_with_interval(share) -> str:
    """A share with its Wilson interval and the count it rests on."""
    if share is None:
        return HIDDEN
    low, high = round(share.low * 100), round(share.high * 100)
    return _("%(share)s (%(low)s–%(high)s%%), n = %(n)s") % {
        "share": percent(share.share),
        "low": whole(low),
        "high": whole(high),
        "n": whole(share.n, grouped=True),
    }


@register.filter
def days(value) -> str:
    if value is None or value == "":  # an absent quartile resolves to "" in a template
        return HIDDEN
    if float(value).is_integer():
        return whole(int(value))
    return number_format(round(value, 1), 1)


@register.filter
def count(value) -> str:
    return HIDDEN if value is None or value == "" else whole(value, grouped=True)


# ---------------------------------------------------------------- the period report's data (plain JSON)


@register.filter
def tr(text) -> str:
    """A label of the report's data, {"ru": …, "kk": …, "en": …}, in the reader's language."""
    if not isinstance(text, dict):
        return "" if text is None else str(text)
    return text.get(get_language()) or text.get("ru") or next(iter(text.values()), "")


@register.filter
def as_share(row) -> Share | None:
    """A share stored as a dict (its fields) back as a Share, for `share_with_interval`."""
    return Share(**row) if row else None


@register.filter
def day(iso: str) -> str:
    """An ISO date of the report's data in the reader's date format."""
    return date_format(dt.date.fromisoformat(iso), "DATE_FORMAT") if iso else HIDDEN


@register.filter
def change(now, before) -> str:
    """The signed difference of two counts: "+12", "−3", "0"; a dash when either is hidden."""
    if now is None or before is None or now == "" or before == "":
        return HIDDEN
    difference = now - before
    text = number_format(abs(difference), 0, force_grouping=True)
    return f"+{text}" if difference > 0 else (f"−{text}" if difference < 0 else text)
