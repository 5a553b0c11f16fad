from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from adal.survey.models import CensusMargins, Instrument, Wave


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class WaveForm(forms.Form):
    instrument = forms.ModelChoiceField(label=_("Instrument"), queryset=Instrument.objects.all())
    margins = forms.ModelChoiceField(
        label=_("Census margins for raking"), queryset=CensusMargins.objects.all()
    )
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Latin letters, digits and hyphens, e.g. 2026-autumn.")
    )
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=255)
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255)
    fieldwork_start = forms.DateField(label=_("Fieldwork from"), widget=DateInput())
    fieldwork_end = forms.DateField(label=_("Fieldwork to"), widget=DateInput())
    design_ru = forms.CharField(label=_("Sample design (Russian)"), widget=forms.Textarea(attrs={"rows": 3}))
    design_kk = forms.CharField(label=_("Sample design (Kazakh)"), widget=forms.Textarea(attrs={"rows": 3}))
    design_en = forms.CharField(label=_("Sample design (English)"), widget=forms.Textarea(attrs={"rows": 3}))
    base_weight = forms.ChoiceField(
        label=_("The weight column holds"), choices=Wave.BaseWeight.choices, initial=Wave.BaseWeight.WEIGHT
    )
    trim_lower = forms.DecimalField(
        label=_("Lowest weight, times the mean"),
        min_value=Decimal(0),
        max_value=Decimal(1),
        decimal_places=3,
        initial=Decimal("0.2"),
    )
    trim_upper = forms.DecimalField(
        label=_("Highest weight, times the mean"),
        min_value=Decimal(1),
        max_value=Decimal(100),
        decimal_places=3,
        initial=Decimal("6"),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("fieldwork_start"), data.get("fieldwork_end")
        if start and end and end < start:
            self.add_error("fieldwork_end", _("The fieldwork cannot end before it starts."))
        return data


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Microdata file"),
        help_text=_(
            "CSV (UTF-8, separated by commas or semicolons), XLSX (the first sheet) or SPSS .sav: one row "
            "per respondent, with the columns region, sex, age, settlement, psu, weight and one per item."
        ),
        error_messages={"required": _("Choose the file to import."), "empty": _("The file is empty.")},
    )
