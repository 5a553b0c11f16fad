import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from adal.core.models import Unit
from adal.roadmap.models import Indicator, IndicatorYear, LiveSource, Measure, Programme, Stage


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


# ---------------------------------------------------------------- editing the road map

TEXT = {"rows": 3}


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DatesInOrder(forms.ModelForm):
    """A form with ``starts_on`` and ``ends_on``: the end is not before the start."""

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["starts_on"] > data["ends_on"]:
            self.add_error("ends_on", _("The end cannot come before the start."))
        return data


class ProgrammeForm(DatesInOrder):
    class Meta:
        model = Programme
        fields = [
            "code",
            "title_ru",
            "title_kk",
            "title_en",
            "description_ru",
            "description_kk",
            "description_en",
            "starts_on",
            "ends_on",
            "working_days",
        ]
        widgets = {
            "starts_on": date_input(),
            "ends_on": date_input(),
            **{f"description_{lang}": forms.Textarea(attrs=TEXT) for lang in ("ru", "kk", "en")},
        }


class StageForm(DatesInOrder):
    class Meta:
        model = Stage
        fields = ["code", "number", "title_ru", "title_kk", "title_en", "starts_on", "ends_on"]
        widgets = {"starts_on": date_input(), "ends_on": date_input()}


class MeasureForm(forms.ModelForm):
    """A measure of ``programme``: its stage and parent are chosen from that programme, and never the
    measure itself or one of its parts as its parent."""

    class Meta:
        model = Measure
        fields = [
            "stage",
            "parent",
            "code",
            "order",
            "title_ru",
            "title_kk",
            "title_en",
            "description_ru",
            "description_kk",
            "description_en",
            "responsible_unit",
            "responsible_body_ru",
            "responsible_body_kk",
            "responsible_body_en",
            "starts_on",
            "deadline",
            "deadline_days",
            "weight",
            "rollup",
        ]
        widgets = {
            "starts_on": date_input(),
            "deadline": date_input(),
            **{f"description_{lang}": forms.Textarea(attrs=TEXT) for lang in ("ru", "kk", "en")},
        }

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["stage"].queryset = programme.stages.all()
        below = _parts_of(self.instance) if self.instance.pk else set()
        self.fields["parent"].queryset = programme.measures.exclude(pk__in=below).order_by("order", "code")
        self.fields["parent"].label_from_instance = lambda m: f"{m.code}. {m.title}"
        self.fields["responsible_unit"].queryset = Unit.objects.order_by("path")
        if programme.working_days:
            self.fields["deadline"].required = False
            self.fields["deadline"].help_text = _("Blank when the deadline is given in working days.")
        else:
            del self.fields["deadline_days"]

    def clean(self):
        data = super().clean()
        if self.instance.programme.working_days and not self.errors:
            if data.get("deadline_days"):
                # A stand-in the service replaces by the day the working days run out.
                data["deadline"] = data.get("starts_on") or data["stage"].starts_on
            elif not data.get("deadline"):
                self.add_error("deadline", _("Give the deadline as a date or in working days."))
        return data


def _parts_of(measure: Measure) -> set[int]:
    """The measure and every measure under it, at any depth."""
    found, level = {measure.pk}, {measure.pk}
    while level:
        level = set(Measure.objects.filter(parent__in=level).values_list("pk", flat=True)) - found
        found |= level
    return found


class CancelForm(forms.Form):
    on = forms.DateField(label=_("Cancelled on"), initial=dt.date.today, widget=date_input())


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "order",
            "title_ru",
            "title_kk",
            "title_en",
            "unit_ru",
            "unit_kk",
            "unit_en",
            "higher_is_better",
            "decimals",
            "source",
            "source_key",
            "source_note",
        ]

    def clean(self):
        data = super().clean()
        kind = data.get("source")
        if kind in (LiveSource.RATING_SCORE, LiveSource.RATING_RANK) and not data.get("source_key"):
            self.add_error("source_key", _("Name the rating by its code, e.g. cpi."))
        return data


class IndicatorYearForm(forms.ModelForm):
    class Meta:
        model = IndicatorYear
        fields = ["year", "baseline", "target", "actual", "source"]
        widgets = {"year": forms.NumberInput(attrs={"min": 1990, "max": 2100})}


IndicatorYears = forms.inlineformset_factory(
    Indicator, IndicatorYear, form=IndicatorYearForm, extra=2, can_delete=False
)
