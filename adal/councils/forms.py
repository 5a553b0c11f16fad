"""Forms of the councils' pages. They check what a person can get wrong in a field; the rules of the
councils themselves (quorum, states, dates, scope) are the services' and come back as form errors."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from adal.cases.models import Case
from adal.core.models import LANGUAGES, Territory, Unit
from adal.core.texts import Texts, TextsForm, in_three_languages
from adal.councils.models import (
    PROPOSAL_OUTCOMES,
    AgendaItem,
    Council,
    Meeting,
    Person,
    Position,
    Proposal,
    Topic,
)
from adal.councils.selectors import attendance_candidates, chosen_period


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseNumbersField(forms.CharField):
    """Registration numbers of hotline cases, separated by spaces, commas or new lines; each must be a
    case handled within the council's part of the organisation."""

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Registration numbers, e.g. AC-2026-000123, one or more."))
        super().__init__(**kwargs)
        self.council: Council | None = None

    def clean(self, value):
        numbers = list(dict.fromkeys(n.upper() for n in re.split(r"[\s,;]+", super().clean(value)) if n))
        cases = {
            c.report.registration_number: c
            for c in Case.objects.filter(
                report__registration_number__in=numbers, unit__path__startswith=self.council.unit.path
            ).select_related("report", "unit")
        }
        missing = [n for n in numbers if n not in cases]
        if missing:
            raise ValidationError(
                _("No case %(numbers)s is handled within this council's part of the organisation."),
                params={"numbers": ", ".join(missing)},
            )
        return [cases[n] for n in numbers]


class CouncilForm(TextsForm):
    """A form whose choices come from one council."""

    def __init__(self, *args, council: Council, **kwargs):
        super().__init__(*args, **kwargs)
        self.council = council
        for field in self.fields.values():
            if isinstance(field, CaseNumbersField):
                field.council = council
        for name in ("meeting", "meetings"):
            if name in self.fields:
                self.fields[name].queryset = council.meetings.select_related("council").order_by(
                    "-planned_at"
                )
                self.fields[name].label_from_instance = meeting_label


class MeetingPlanForm(TextsForm):
    # A meeting held online needs no place: the place or the link is checked in ``clean``.
    texts = optional_texts = ("place",)

    planned_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Kazakhstan's time."),
    )
    place_ru, place_kk, place_en = in_three_languages(_("Place"), max_length=255)
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("For a meeting held online, or broadcast."),
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not (data["place"] or data.get("online_url")):
            raise ValidationError(_("Give the place of the meeting or its online link."))
        return data


class AgendaItemForm(CouncilForm):
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.all())
    texts = ("title",)
    title_ru, title_kk, title_en = in_three_languages(_("Title"), max_length=500)
    rapporteur = forms.CharField(label=_("Rapporteur"), max_length=255, required=False)
    cases = CaseNumbersField(label=_("Hotline cases"))


class MeetingHeldForm(TextsForm):
    """Who was present, a decision for each item on the agenda (``decision_<item id>_<language>``) and
    the minutes, each in any of the three languages."""

    held_on = forms.DateField(label=_("Held on"), widget=_date_input())
    present = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The quorum is counted from the members on the day of the meeting."),
    )
    minutes_ru, minutes_kk, minutes_en = in_three_languages(
        _("Minutes"), rows=6, help_text=_("May be written now or before publishing.")
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = attendance_candidates(meeting)
        self.fields["present"].label_from_instance = lambda m: f"{m.person.name} ({m.get_position_display()})"
        self.items: list[AgendaItem] = list(meeting.agenda_items.select_related("topic"))
        for item in self.items:
            label = _("Decision on item %(order)s: %(title)s") % {"order": item.order, "title": item.title}
            for lang, field in zip(LANGUAGES, in_three_languages(label, rows=3), strict=True):
                self.fields[f"decision_{item.pk}_{lang}"] = field

    def texts_named(self) -> tuple[str, ...]:
        return ("minutes", *(f"decision_{item.pk}" for item in self.items))

    @property
    def optional_texts(self) -> tuple[str, ...]:
        return self.texts_named()

    def decision_fields(self):
        return [self[f"decision_{item.pk}_{lang}"] for item in self.items for lang in LANGUAGES]

    def decisions(self) -> dict[int, Texts]:
        return {item.pk: self.cleaned_data[f"decision_{item.pk}"] for item in self.items}


class MinutesForm(TextsForm):
    texts = ("minutes",)

    minutes_ru, minutes_kk, minutes_en = in_three_languages(_("Minutes"), rows=10)
    visibility = forms.ChoiceField(
        label=_("Who may read the minutes"),
        choices=Meeting.Visibility.choices,
        initial=Meeting.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )


class ProposalForm(CouncilForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Proposal.Kind.choices)
    addressee_ru, addressee_kk, addressee_en = in_three_languages(
        _("Addressee"), max_length=255, help_text=_("The state body or the faction the proposal is sent to.")
    )
    texts = ("addressee", "title", "text")
    title_ru, title_kk, title_en = in_three_languages(_("Title"), max_length=500)
    text_ru, text_kk, text_en = in_three_languages(_("Text"), rows=8)
    meetings = forms.ModelMultipleChoiceField(
        label=_("Meetings that discussed it"),
        queryset=Meeting.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cases = CaseNumbersField(label=_("Hotline cases behind it"))


class ProposalSubmitForm(forms.Form):
    submitted_on = forms.DateField(label=_("Submitted on"), widget=_date_input())


class ProposalConsiderForm(forms.Form):
    on = forms.DateField(label=_("Under consideration from"), widget=_date_input())


class ProposalAnswerForm(TextsForm):
    texts = ("answer",)

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(value, label) for value, label in Proposal.State.choices if value in PROPOSAL_OUTCOMES],
        widget=forms.RadioSelect,
    )
    answer_ru, answer_kk, answer_en = in_three_languages(_("The addressee's reasoned answer"), rows=6)
    answered_on = forms.DateField(label=_("Answered on"), widget=_date_input())


class NewsForm(CouncilForm):
    texts = ("title", "body")
    title_ru, title_kk, title_en = in_three_languages(_("Title"), max_length=300)
    body_ru, body_kk, body_en = in_three_languages(_("Text"), rows=8)
    meeting = forms.ModelChoiceField(
        label=_("About the meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="—",
    )


class CaseAgendaForm(TextsForm):
    """A case officer puts a case on a planned meeting of a council that may consider it."""

    texts = optional_texts = ("title",)
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.none())
    title_ru, title_kk, title_en = in_three_languages(
        _("Title of the agenda item"),
        max_length=500,
        help_text=_("Leave empty for a title from the case's category."),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        required=False,
        help_text=_("Leave empty for the topic of the case's category."),
    )
    rapporteur = forms.CharField(label=_("Rapporteur"), max_length=255, required=False)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = meeting_label


def meeting_label(meeting: Meeting) -> str:
    when = formats.date_format(timezone.localtime(meeting.planned_at), "SHORT_DATETIME_FORMAT")
    return f"{meeting.council.name} · {when}"


class PeriodForm(forms.Form):
    """The period of the statistics page; the query reads as the API's, ``?from=…&to=…``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=_date_input())
        self.fields["to"] = forms.DateField(label=_("To (included)"), required=False, widget=_date_input())

    def clean(self):
        data = super().clean()
        if not self.errors:
            data["from"], data["to"] = chosen_period(data.get("from"), data.get("to"))
        return data


# ---------------------------------------------------------------- the councils' register


class CouncilCreateForm(forms.Form):
    """A new council: the unit's choices are those the user may create a council for."""

    unit = forms.ModelChoiceField(
        label=_("Organisation unit"),
        queryset=Unit.objects.none(),
        help_text=_("Only units whose unit above already has a council are listed: councils form a tree."),
        error_messages={"required": _("Choose the unit the council belongs to.")},
    )
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=255)
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255)
    slug = forms.SlugField(
        label=_("Address of the public page"),
        max_length=80,
        required=False,
        help_text=_("Latin letters, digits and hyphens; leave empty for one made from the English name."),
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        queryset=Territory.objects.filter(valid_to__isnull=True).order_by("kato"),
        required=False,
        help_text=_("Leave empty for the territory of the unit."),
    )
    quorum_fraction = forms.DecimalField(
        label=_("Quorum"),
        min_value=Decimal(0),
        max_value=Decimal("0.99"),
        decimal_places=2,
        initial=Decimal("0.50"),
        help_text=_("A meeting has a quorum when more than this share of the current members is present."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MemberAddForm(forms.Form):
    """Seat someone already known, or a new person named here."""

    person = forms.ModelChoiceField(
        label=_("Person already known"), queryset=Person.objects.all(), required=False, empty_label="—"
    )
    full_name = forms.CharField(label=_("Or a new person: full name"), max_length=255, required=False)
    full_name_latin = forms.CharField(label=_("Full name in Latin letters"), max_length=255, required=False)
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices, initial=Position.MEMBER)
    term_start = forms.DateField(label=_("Term starts"), widget=_date_input())
    term_end = forms.DateField(
        label=_("Term ends"),
        widget=_date_input(),
        required=False,
        help_text=_("The last day of the term; leave empty for a term with no set end."),
    )

    def clean(self):
        data = super().clean()
        person, name = data.get("person"), (data.get("full_name") or "").strip()
        if person and name:
            self.add_error("full_name", _("Choose a person already known or name a new one, not both."))
        elif not person and not name and "person" not in self.errors:
            self.add_error("person", _("Choose a person already known or name a new one."))
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("The term cannot end before it starts."))
        return data


class MemberCeaseForm(forms.Form):
    on = forms.DateField(
        label=_("No longer sits from"),
        widget=_date_input(),
        help_text=_("The first day the person no longer sits on the council."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)
