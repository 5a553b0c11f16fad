from django import template

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
