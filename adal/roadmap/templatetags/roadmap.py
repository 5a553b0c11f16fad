from django import template

from adal.roadmap.models import Status

register = template.Library()


@register.filter
def status_label(status: str) -> str:
    """A computed status, in the page's language."""
    return Status(status).label
