"""How the portal writes its figures, in the reader's locale: "72% (65–78%), n = 180"."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

HIDDEN = "—"


@register.filter
def percent(value) -> str:
    if value is None:
        return HIDDEN
    return f"{number_format(round(value * 100), 0)}%"


@register.filter
def share_with_interval(share) -> str:
    """A share with its Wilson interval and the count it rests on."""
    if share is None:
        return HIDDEN
    low, high = round(share.low * 100), round(share.high * 100)
    return _("%(share)s (%(low)s–%(high)s%%), n = %(n)s") % {
        "share": percent(share.share),
        "low": number_format(low, 0),
        "high": number_format(high, 0),
        "n": number_format(share.n, 0, force_grouping=True),
    }


@register.filter
def days(value) -> str:
    if value is None or value == "":  # an absent quartile resolves to "" in a template
        return HIDDEN
    return number_format(round(value, 1), 0 if float(value).is_integer() else 1)


@register.filter
def count(value) -> str:
    return HIDDEN if value is None or value == "" else number_format(value, 0, force_grouping=True)
