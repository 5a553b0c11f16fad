from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from adal.ratings.importers import MAX_BYTES, shown
from adal.ratings.models import Index, RatingImport


class CountryForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"))

    def __init__(self, *args, countries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [(c.iso3, c.name) for c in countries]


class ImportForm(forms.Form):
    index = forms.ModelChoiceField(Index.objects.all(), label=_("Index"), empty_label=None)
    format = forms.ChoiceField(
        label=_("Format"),
        choices=RatingImport.Format.choices,
        help_text=_(
            "TI results: TI's results and trends tables (one year, the time series, or both). "
            "TI sources: a CPI table with each source's rescaled score, recomputed here. "
            "Generic: columns iso3, year, score and optionally country, rank, countries, se, ci_low, "
            "ci_high, sources, note."
        ),
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("Only where the file does not state it."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV in UTF-8 (separated by commas, semicolons, tabs or |) or an Excel workbook, up to 5 MB."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB."), params={"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ScenarioForm(forms.Form):
    """What if one source scored differently: the change in points, on its 0–100 scale."""

    source = forms.ChoiceField(label=_("Source"))
    change = forms.DecimalField(
        label=_("Change in points"),
        max_digits=10,
        decimal_places=6,
        help_text=_("Positive raises the source's score, negative lowers it."),
    )

    def __init__(self, *args, scores: dict[str, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.scores = scores
        self.fields["source"].choices = [(s, s) for s in scores]

    def clean(self):
        data = super().clean()
        if "source" in data and data.get("change") is not None:
            moved = self.scores[data["source"]] + data["change"]
            if not 0 <= moved <= 100:
                raise forms.ValidationError(
                    _("The source's score would be %(score)s, outside the 0–100 scale."),
                    params={"score": shown(moved)},
                )
        return data
