"""The renderer writes the small widget templates in Python: its markup must be Django's, to the byte
but for whitespace between tags, for every kind of field, value, error and escaping."""

import datetime as dt
import re

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting

from adal.core.forms import FormRenderer


class SpecialOption(forms.Select):
    option_template_name = "django/forms/widgets/radio_option.html"


class Everything(forms.Form):
    name = forms.CharField(label="Name & <title>", max_length=20, help_text="As in the passport")
    email = forms.EmailField(required=False)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    consent = forms.BooleanField(required=False)
    colour = forms.ChoiceField(
        choices=[("", "Any"), ("Warm", [("red", "Red <hot>"), ("amber", "Amber")]), ("blue", 'Blue "cool"')],
        required=False,
    )
    tags = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")], required=False)
    count = forms.IntegerField(min_value=1, required=False, disabled=True, initial=3)
    note = forms.CharField(widget=forms.Textarea, required=False)
    size = forms.ChoiceField(choices=[("s", "S"), ("m", "M")], widget=forms.RadioSelect, required=False)
    special = forms.ChoiceField(choices=[("x", "X")], widget=SpecialOption, required=False)


class ByTemplates(TemplatesSetting):
    """Django's rendering through templates, with the same field group template."""

    field_template_name = FormRenderer.field_template_name


def squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


def both(data=None, **kwargs):
    ours = Everything(data, renderer=FormRenderer(), **kwargs)
    django = Everything(data, renderer=ByTemplates(), **kwargs)
    return ours, django


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": 'O\'Brien "<b>"', "email": "x@example.org", "when": "2026-03-21", "consent": "on",
         "colour": "red", "tags": ["a", "c"], "note": "line\n<two>", "size": "m", "special": "x"},
        {"name": "", "email": "not an email", "when": "32.13.2026", "colour": "violet", "tags": ["z"]},
    ],
    ids=["unbound", "valid", "invalid"],
)  # fmt: skip
def test_every_field_renders_as_django_renders_it(data):
    ours, django = both(data, initial={"when": dt.date(2026, 1, 2)})
    if data is not None:
        assert ours.is_valid() == django.is_valid()
    for name in ours.fields:
        assert squeeze(ours[name].as_field_group()) == squeeze(django[name].as_field_group()), name
    assert squeeze(ours.as_div()) == squeeze(django.as_div())
    assert squeeze(ours.non_field_errors()) == squeeze(django.non_field_errors())


def test_errors_are_described_and_escaped():
    ours, _ = both({"name": "x" * 30, "email": "<script>"})
    ours.is_valid()
    html = ours["email"].as_field_group()
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_email_error"' in html
    assert 'value="&lt;script&gt;"' in html and "<script>" not in html
    assert '<ul class="errorlist" id="id_email_error">' in html


def test_attribute_names_and_input_types_are_escaped_as_django_escapes_them():
    class Odd(forms.Form):
        x = forms.CharField(widget=forms.TextInput(attrs={'x"><script>': 1, "type": 't"x'}))

    ours, django = Odd(renderer=FormRenderer()), Odd(renderer=ByTemplates())
    assert squeeze(ours["x"].as_field_group()) == squeeze(django["x"].as_field_group())
    assert "<script>" not in str(ours["x"])
