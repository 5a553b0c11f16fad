from django.utils.translation import gettext as _

# Pydantic writes its messages in English; a client gets them in the user's language instead.
MESSAGES = {
    "missing": lambda e: _("This field is required."),
    "enum": lambda e: _("Choose one of the listed values."),
    "literal_error": lambda e: _("Choose one of the listed values."),
    "string_type": lambda e: _("Enter text."),
    "string_too_long": lambda e: _("The text is too long."),
    "string_too_short": lambda e: _("The text is too short."),
    "decimal_parsing": lambda e: _("Enter a number."),
    "decimal_type": lambda e: _("Enter a number."),
    "greater_than_equal": lambda e: _("The value cannot be negative."),
    "list_type": lambda e: _("Enter a list."),
    "model_attributes_type": lambda e: _("Enter an object."),
    "model_type": lambda e: _("Enter an object."),
    "dict_type": lambda e: _("Enter an object."),
    "json_invalid": lambda e: _("The body is not valid JSON."),
    "extra_forbidden": lambda e: _("This field is not expected."),
}


def translate_pydantic_errors(errors: list[dict]) -> list[dict]:
    out = []
    for e in errors:
        kind = e.get("type", "")
        message = MESSAGES.get(kind, lambda e: _("This value is not valid."))(e)
        out.append({"loc": list(e.get("loc", [])), "msg": message, "type": kind})
    return out
