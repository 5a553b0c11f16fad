from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's renderer, with each field group wrapped so that layouts can place it whole."""

    field_template_name = "adal/forms/field.html"
