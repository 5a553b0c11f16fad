import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from adal.roadmap.models import Programme


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ReportForm(forms.Form):
    percent = forms.DecimalField(
        label=_("Progress, %"),
        min_value=0,
        max_value=100,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1"}),
    )
    as_of = forms.DateField(
        label=_("As of"), initial=dt.date.today, widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    files = MultipleFileField(label=_("Evidence (PDF, PNG or JPEG)"), required=False)


class ImportForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.all())
    file = forms.FileField(label=_("File (CSV or XLSX)"))
