from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from adal.cases.models import OPEN_STATES, Case, MeasureKind, Outcome, RiskLevel, State
from adal.cases.services import Risk, measures_for, officers_for
from adal.core.models import Territory, Unit
from adal.core.selectors import regions_current, units_in_scope
from adal.hotline.models import PUBLIC_CATEGORIES, Category, Channel


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("open", pgettext_lazy("cases", "Open")), ("all", _("All")), *State.choices],
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Any")), *Category.choices]
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any")), *Channel.choices]
    )
    assignee = forms.ChoiceField(
        label=_("Officer"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("none", _("Not assigned"))],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    high_risk = forms.BooleanField(label=_("High retaliation risk only"), required=False)
    due_before = forms.DateField(
        label=_("Due before"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("due", _("Due date, earliest first")), ("-due", _("Due date, latest first"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("Any"))] + [(r.kato, r.name) for r in regions_current()]


class RiskAssessmentForm(forms.Form):
    """Every triage decision assesses the risk of retaliation against the reporter (ISO 37002, 8.3.2);
    the fields come last, after the decision's own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retaliation_risk"] = forms.ChoiceField(
            label=_("Risk of retaliation against the reporter"),
            choices=RiskLevel.choices,
            widget=forms.RadioSelect,
            help_text=_(
                "Could the persons concerned identify the reporter from the facts, and harm them "
                "(dismissal, threats, pressure)? Consider the reporter's dependence on them and any threats "
                "already made. A high risk is told to the unit head at once."
            ),
        )
        self.fields["risk_reason"] = forms.CharField(
            label=_("Why (kept encrypted, for staff only)"), widget=forms.Textarea(attrs={"rows": 2})
        )


def risk_of(cleaned_data: dict) -> Risk:
    return Risk(cleaned_data["retaliation_risk"], cleaned_data["risk_reason"])


class AcceptForm(RiskAssessmentForm):
    category = forms.ChoiceField(label=_("Category"), choices=PUBLIC_CATEGORIES)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Territory.objects.none(), to_field_name="kato"
    )
    concerns_corruption = forms.BooleanField(label=_("Concerns corruption"), required=False, initial=True)
    involves_official = forms.BooleanField(label=_("A party member or official is involved"), required=False)

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault(
            "initial", {"category": case.category, "region": case.region.kato, "concerns_corruption": True}
        )
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_current()
        if case.is_protection:  # stays retaliation, and goes above the original's unit
            del self.fields["category"]


class RedirectForm(RiskAssessmentForm):
    authority = forms.CharField(
        label=_("Competent authority"),
        max_length=255,
        help_text=_("E.g. the Anti-Corruption Agency, the prosecutor's office."),
    )
    reason = forms.CharField(
        label=_("Reason (shown to the reporter)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MergeForm(RiskAssessmentForm):
    into = forms.CharField(label=_("Registration number of the main case"), max_length=20)


class LeaveForm(RiskAssessmentForm):
    reason = forms.CharField(
        label=_("Reason (shown to the reporter)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class OfficerChoiceField(forms.ModelChoiceField):
    """An officer as the head chooses one: by name, with their unit and how many open cases they hold."""

    def label_from_instance(self, officer):
        name = officer.get_full_name() or officer.get_username()
        return ngettext(
            "%(name)s — %(unit)s, %(count)s open case",
            "%(name)s — %(unit)s, %(count)s open cases",
            officer.open_cases,
        ) % {"name": name, "unit": officer.unit, "count": officer.open_cases}


class AssignForm(forms.Form):
    officer = OfficerChoiceField(label=_("Officer"), queryset=None, empty_label=_("Choose an officer"))

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = (
            officers_for(case)
            .select_related("unit")
            .annotate(open_cases=Count("cases", filter=Q(cases__state__in=OPEN_STATES)))
        )


class RerouteForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_in_scope(user.unit) if user.unit else Unit.objects.all()


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    measures = forms.MultipleChoiceField(
        label=_("Measures"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    measure_details = forms.CharField(label=_("Details of the measures"), required=False, max_length=500)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].choices = [(k, MeasureKind(k).label) for k in measures_for(case)]
        if case.is_protection:
            self.fields["measures"].label = _("Measures to protect the reporter")


class AnswerForm(forms.Form):
    findings = forms.CharField(
        label=_("Answer to the reporter"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Inserted into the answer template for the outcome, in the reporter's language."),
    )


class ExtendForm(forms.Form):
    until = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("Reason (shown to the reporter)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}))


class RequestForm(forms.Form):
    addressee = forms.CharField(label=_("State body"), max_length=255)
    question = forms.CharField(label=_("Request"), widget=forms.Textarea(attrs={"rows": 3}))
    due_days = forms.IntegerField(
        label=_("Answer due in (working days)"), min_value=1, max_value=60, initial=10
    )


class RequestAnswerForm(forms.Form):
    request_id = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer received"), widget=forms.Textarea(attrs={"rows": 3}))


class LinkForm(forms.Form):
    other = forms.CharField(label=_("Registration number of the related case"), max_length=20)


class ClarifyForm(forms.Form):
    text = forms.CharField(
        label=_("Question to the reporter"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The reporter reads it in the inbox and answers there."),
    )


# ---------------------------------------------------------------- disclosure of a reporter's identity


class DisclosureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the investigation need the reporter's identity?"),
        help_text=_("The identity custodian decides on this reason; the reporter may be told of it."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DisclosureDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for your decision"),
        help_text=_("On an approval the reporter is sent this reason, unless you withhold the notice."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    withhold_notice_reason = forms.CharField(
        label=_("Withhold the notice to the reporter because"),
        help_text=_(
            "Only if telling the reporter would jeopardise the investigation; leave empty and the reporter "
            "is told in their inbox before the identity is disclosed."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HoldForm(forms.Form):
    """Placing or lifting a legal hold: the reason is kept encrypted with the hold, for staff only."""

    reason = forms.CharField(
        label=_("Reason (for staff; the reporter does not see it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
