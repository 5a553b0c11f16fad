import datetime as dt

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import get_language

from adal.core.models import language_shown
from adal.core.selectors import name_on
from adal.core.workdays import local_zone

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def person(user) -> str:
    """A staff member as people call them: full name, else username; a dash for nobody."""
    if not user:
        return "—"
    return user.get_full_name() or user.get_username()


@register.simple_tag(takes_context=True)
def may(context, capability: str, obj=None) -> bool:
    """``{% may "council.manage" council as can_manage %}``: the page asks the permissions table and only
    renders the answer."""
    from adal.core.permissions import may as permitted

    return permitted(context["request"].user, capability, obj)


@register.filter
def named_on(territory, when) -> str:
    """``{{ case.region|named_on:case.received_at }}``: the territory as it was named on that day (a date,
    or a moment read in the country's time zone); a dash for none."""
    if not territory:
        return "—"
    if isinstance(when, dt.datetime):
        when = when.astimezone(local_zone()).date()
    return name_on(territory, when) if when else territory.name


@register.filter
def num(value) -> str:
    """A count in the reader's locale, its thousands grouped: "12 345" in Russian, "12,345" in English."""
    if value is None or value == "":
        return "—"
    return number_format(value, force_grouping=True)


@register.filter
def actor(record) -> str:
    """Who did it, as a timeline names them in the reader's language: "Reporter", "System", or the staff
    member's name. Takes a record with ``actor`` and ``actor_label`` (an event, an assessment) or the label
    alone; the log keeps the username, which is what "operator" or "officer-153200000" are. A record whose
    ``actor`` is loaded costs no query: a case's timeline names the same few people on every row."""
    from django.utils.translation import gettext as _

    from adal.core.models import User

    label = getattr(record, "actor_label", record)
    if not label:
        return "—"
    if label == "reporter":
        return _("Reporter")
    if label.startswith("system:") or label == "demo-bulk-loader":
        return _("System")
    if getattr(record, "actor_id", None) and type(record).actor.is_cached(record):
        return person(record.actor)
    user = User.objects.filter(username=label).only("first_name", "last_name", "username").first()
    return person(user) if user else label


@register.filter
def lang_attr(obj, field: str) -> str:
    """``<h1{{ post|lang_attr:"title" }}>``: ` lang="kk"` when the text shown is not in the page's
    language (it was written in another one only), so that screen readers read it right; else nothing."""
    shown = language_shown(obj, field, any_language=True)
    return format_html(' lang="{}"', shown) if shown != (get_language() or "ru")[:2] else ""
