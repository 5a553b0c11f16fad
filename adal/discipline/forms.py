"""Forms of the register's staff pages. They check what a person can get wrong in a field; the rules of
party responsibility (states, dates, reach) are the services', and come back as errors of the fields
they name."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from adal.cases.models import Case
from adal.core.models import Territory
from adal.discipline.models import TOP_LEVEL, Grounds, PositionLevel, Sanction, Status


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _regions():
    return Territory.objects.filter(**TOP_LEVEL).order_by("kato")


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=255)
    membership_number = forms.CharField(label=_("Membership number"), max_length=40)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=_regions(),
        help_text=_(
            "Where the member is registered in the party: a region or a city of republican significance."
        ),
    )
    position = forms.CharField(label=_("Position"), max_length=255, required=False)
    position_level = forms.ChoiceField(
        label=_("Position level"), choices=PositionLevel.choices, initial=PositionLevel.OTHER
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=255, required=False)
    is_public_official = forms.BooleanField(label=_("Public official"), required=False)


class ProceedingOpenForm(forms.Form):
    grounds = forms.ChoiceField(label=_("Grounds"), choices=Grounds.choices)
    grounds_details = forms.CharField(
        label=_("Grounds in detail"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the verdict's date and number; may stay empty for a hotline case."),
    )
    case_number = forms.CharField(
        label=_("Hotline case"),
        max_length=40,
        required=False,
        help_text=_("Its registration number, e.g. AC-2026-000123: the proceeding shows on the case."),
    )
    deciding_body = forms.CharField(
        label=_("Deciding body"),
        max_length=255,
        help_text=_("The party body that considers the case, as named in its decision."),
    )
    opened_on = forms.DateField(label=_("Opened on"), widget=DateInput())
    region = forms.ModelChoiceField(
        label=_("Region at the time"),
        queryset=_regions(),
        required=False,
        help_text=_("Leave empty for the member's present region."),
    )

    def clean_case_number(self) -> Case | None:
        number = self.cleaned_data["case_number"].strip().upper()
        if not number:
            return None
        case = Case.objects.filter(report__registration_number=number).first()
        if case is None:
            raise ValidationError(_("No hotline case has the number %(number)s."), params={"number": number})
        return case


class DecideForm(forms.Form):
    sanction = forms.ChoiceField(label=_("Sanction"), choices=Sanction.choices)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())


class AppealForm(forms.Form):
    filed_on = forms.DateField(label=_("Appeal filed on"), widget=DateInput())


class AppealOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome of the appeal"),
        choices=[(Status.UPHELD.value, Status.UPHELD.label), (Status.REVERSED.value, Status.REVERSED.label)],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Appeal decided on"), widget=DateInput())
    reversal_reason = forms.CharField(
        label=_("Reason for the reversal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for a reversal."),
    )
