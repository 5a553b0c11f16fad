from django import forms
from django.utils.translation import gettext_lazy as _

from adal.core.texts import TextsForm, in_three_languages
from adal.councils.models import Council, Membership
from adal.councils.primaries.models import Nomination
from adal.councils.selectors import members_current
from adal.discipline.models import PartyMember


class MomentInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PrimaryForm(TextsForm):
    texts = ("title", "description")
    optional_texts = ("description",)
    council = forms.ModelChoiceField(label=_("Council"), queryset=Council.objects.none())
    title_ru, title_kk, title_en = in_three_languages(_("Title"), max_length=300)
    description_ru, description_kk, description_en = in_three_languages(
        _("Description"), rows=4, help_text=_("What the primary is for and who may be nominated.")
    )
    seats = forms.IntegerField(
        label=_("Candidates to select"),
        min_value=1,
        max_value=100,
        error_messages={"min_value": _("A primary selects at least one candidate.")},
    )
    nominations_close = forms.DateTimeField(label=_("Nominations close"), widget=MomentInput())
    voting_starts = forms.DateTimeField(label=_("Voting starts"), widget=MomentInput())
    voting_ends = forms.DateTimeField(label=_("Voting ends"), widget=MomentInput())

    def __init__(self, *args, councils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils


class NominationForm(forms.Form):
    candidate = forms.CharField(
        label=_("Candidate's party membership number"),
        max_length=40,
        help_text=_("The candidate must be registered as a voter in this council's territory."),
    )
    nominator = forms.ModelChoiceField(label=_("Nominated by"), queryset=Membership.objects.none())

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        current = members_current(council)
        self.fields["nominator"].queryset = Membership.objects.filter(pk__in=[m.pk for m in current])
        self.fields["nominator"].label_from_instance = lambda m: (
            f"{m.person.name} — {m.get_position_display()}"
        )

    def clean_candidate(self) -> PartyMember:
        number = self.cleaned_data["candidate"].strip()
        member = PartyMember.objects.filter(membership_number=number).first()
        if member is None:
            raise forms.ValidationError(_("No party member has this membership number."))
        return member


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        widget=forms.RadioSelect,
        choices=[("consent", _("I consent to stand as a candidate")), ("decline", _("I decline"))],
    )
    statement = forms.CharField(
        label=_("Statement for the voters"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: shown next to your name on the ballot page."),
    )


class BallotForm(forms.Form):
    nomination = forms.ModelChoiceField(
        label=_("Your choice"),
        queryset=Nomination.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose one candidate."),
            "invalid_choice": _("Choose one of the candidates on the ballot."),
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = candidates
        self.fields["nomination"].label_from_instance = lambda n: n.candidate.full_name
