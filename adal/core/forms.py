from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape

_OPTION = "django/forms/widgets/select_option.html"

# Django's templates that merely include the plain <input> template.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "checkbox", "color", "date", "datetime", "email", "file", "hidden",
        "number", "password", "search", "tel", "text", "time", "url",
    )
)  # fmt: skip


def _attrs(attrs: dict) -> str:
    """As ``django/forms/widgets/attrs.html``: False leaves the attribute out, True writes it bare."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
    name = conditional_escape(widget["name"])
    kind = conditional_escape(widget["type"])
    return f'<input type="{kind}" name="{name}"{value}{_attrs(widget["attrs"])}>'


def _select(widget: dict) -> str | None:
    if any(o["template_name"] != _OPTION for _g, options, _i in widget["optgroups"] for o in options):
        return None  # an option template of the widget's own
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(
            f'\n  <option value="{conditional_escape(str(o["value"]))}"{_attrs(o["attrs"])}>'
            f"{conditional_escape(o['label'])}</option>"
            for o in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _error_list(context: dict) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    field_id = f' id="{conditional_escape(errors.field_id)}_error"' if errors.field_id else ""
    items = "".join(f"<li>{conditional_escape(e)}</li>" for e in errors)
    return f'<ul class="{conditional_escape(context["error_class"])}"{field_id}>{items}</ul>'


def _label(context: dict) -> str:
    label = conditional_escape(context["label"])
    if not context["use_tag"]:
        return label
    tag = conditional_escape(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


class FormRenderer(TemplatesSetting):
    """Django's renderer, with each field group wrapped so that layouts can place it whole.

    The smallest templates — an input, a select and its options, a label, a field's error list — are
    written out here, to the same markup as Django's templates. Through the template engine each option of
    a select costs two template renders: a filter form of sixty options, drawn on every page of a staff
    queue, cost more than the queue's rows. Only Django's own template names are taken over, so a widget
    with a template of its own still gets it.
    """

    field_template_name = "adal/forms/field.html"

    _FAST = {
        "django/forms/widgets/select.html": lambda c: _select(c["widget"]),
        "django/forms/label.html": _label,
        "django/forms/errors/list/default.html": _error_list,
        "django/forms/errors/list/ul.html": _error_list,
    } | {name: (lambda c: _input(c["widget"])) for name in _INPUT_TEMPLATES}

    def render(self, template_name, context, request=None):
        fast = self._FAST.get(template_name)
        html = fast(context) if fast else None
        return super().render(template_name, context, request) if html is None else html
