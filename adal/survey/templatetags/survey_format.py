"""Numbers of the survey pages, in the reader's locale: scores with one decimal, signed changes."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


def _absent(value) -> bool:
    """None, or what a template makes of a missing variable (e.g. the estimate of an absent index)."""
    return value is None or value == ""


@register.filter
def score(value, digits: int = 1) -> str:
    """54.321 → "54.3" (or "54,3"); an absent value is a dash."""
    if _absent(value):
        return "—"
    return number_format(round(float(value), digits), digits, force_grouping=True)


@register.filter
def gap(value) -> str:
    """A relative gap to a margin, as a percentage: "0.02 %", or "< 0.01 %" (never "1.50e-11")."""
    if _absent(value):
        return "—"
    if abs(float(value)) < 0.0001:
        return "< " + number_format(0.01, 2) + " %"
    return number_format(round(float(value) * 100, 2), 2) + " %"


@register.filter
def signed(value, digits: int = 1) -> str:
    """A change with its sign: "+2.3", "−1.0"."""
    if _absent(value):
        return "—"
    rounded = round(float(value), digits)
    text = number_format(abs(rounded), digits)
    return f"+{text}" if rounded > 0 else (f"−{text}" if rounded < 0 else text)


@register.filter
def interval(estimate) -> str:
    """The confidence interval of an estimate: "52.1–56.5"."""
    if not estimate:
        return "—"
    return f"{score(estimate['ci_low'])}–{score(estimate['ci_high'])}"


@register.filter
def pvalue(value) -> str:
    """The p-value as shown: "p = 0.042", or "p < 0.001" where three decimals would show nothing."""
    if _absent(value):
        return "—"
    if value < 0.001:
        return "p < " + number_format(0.001, 3)
    return "p = " + number_format(round(float(value), 3), 3)


@register.filter
def percent(value, digits: int = 0) -> str:
    return "—" if _absent(value) else number_format(round(float(value) * 100, digits), digits) + " %"


@register.filter
def significance(change) -> str:
    if not change:
        return ""
    return _("significant") if change["significant"] else _("not significant")
