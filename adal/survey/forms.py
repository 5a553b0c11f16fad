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


TABLE_HELP = _("CSV (UTF-8) or XLSX, in the columns of the template; at most 5 MB.")


class InstrumentUploadForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Latin letters, digits and hyphens, e.g. ncpi-2026.")
    )
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=255)
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255)
    min_age = forms.IntegerField(label=_("Youngest respondent's age"), min_value=0, max_value=120, initial=18)
    max_age = forms.IntegerField(label=_("Oldest plausible age"), min_value=1, max_value=130, initial=110)
    file = forms.FileField(
        label=_("Instrument file"),
        help_text=TABLE_HELP,
        error_messages={"required": _("Choose the file to import."), "empty": _("The file is empty.")},
    )

    def clean(self):
        data = super().clean()
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and high <= low:
            self.add_error("max_age", _("The oldest age must be above the youngest."))
        return data


class MarginsUploadForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    source = forms.CharField(
        label=_("Source"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who published the figures, and which table: e.g. the Bureau of National Statistics."),
    )
    source_url = forms.URLField(label=_("Source address"), required=False, assume_scheme="https")
    reference_date = forms.DateField(
        label=_("Reference date"),
        widget=DateInput(),
        help_text=_("The day the figures count the population on; its map of regions is used."),
    )
    file = forms.FileField(
        label=_("Margins file"),
        help_text=TABLE_HELP,
        error_messages={"required": _("Choose the file to import."), "empty": _("The file is empty.")},
    )
