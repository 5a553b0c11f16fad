from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from adal.core.selectors import districts_current, regions_current
from adal.core.workdays import local_zone
from adal.hotline.files import read_upload
from adal.hotline.models import (
    PUBLIC_CATEGORIES,
    Channel,
    IdentityMode,
    RetaliationKind,
    Transcript,
)
from adal.hotline.services import (
    MESSAGE_MAX,
    ORAL_CHANNELS,
    STAFF_CHANNELS,
    ReportDraft,
    RetaliationDraft,
    UploadedFile,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


# Told before sending: which files lose their hidden data and which keep it (see hotline.files).
METADATA_NOTE = _(
    "Hidden data (location, author, software, dates) is removed from PDF, JPEG, PNG, WEBP, DOCX, XLSX "
    "and ODT files; HEIC pictures, audio and video keep theirs."
)

IDENTITY_HELP = {
    IdentityMode.ANONYMOUS: _(
        "Nobody learns who you are, not even us. We store no address, device or browser data. "
        "We can only reach you through your inbox with the receipt you will get."
    ),
    IdentityMode.CONFIDENTIAL: _(
        "Your name and contacts are sealed apart from your report. They are disclosed only to one officer, "
        "for a limited time, on a reasoned request approved by an identity custodian and logged; you are "
        "told first."
    ),
    IdentityMode.OPEN: _(
        "Your name may be given to the bodies that check your report. Choose this if you are ready to act "
        "as a witness or applicant."
    ),
}


class ServiceFormMixin:
    """Shared by the forms whose data goes to a hotline service."""

    def uploaded_files(self) -> list[UploadedFile]:
        return [UploadedFile(name=f.name, data=read_upload(f)) for f in self.cleaned_data.get("files") or []]

    def add_service_errors(self, error_dict: dict[str, list[str]]) -> None:
        for name, messages in error_dict.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class ReportForm(ServiceFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("What is it about?"), choices=[("", "—"), *PUBLIC_CATEGORIES])
    region = forms.ChoiceField(label=_("Region"))
    district = forms.ChoiceField(label=_("District (if you know it)"), required=False)
    description = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Who did what, when and where. Facts you saw or know help most."),
    )
    occurred = forms.CharField(
        label=_("When did it happen?"),
        required=False,
        max_length=200,
        help_text=_('A date or a period, e.g. "March 2026".'),
    )
    place = forms.CharField(
        label=_("Where did it happen?"),
        required=False,
        max_length=500,
        help_text=_("Organisation, address or town."),
    )
    persons = forms.CharField(
        label=_("People involved"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name and position, if you know them."),
    )
    organisations = forms.CharField(
        label=_("Organisations involved"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    bribe_amount = forms.DecimalField(
        label=_("Amount of the bribe, if any (tenge)"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
    )
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=format_lazy(
            "{} {}",
            _("Up to 5 files of 10 MB each: PDF, pictures, audio, video, DOCX, XLSX, ODT."),
            METADATA_NOTE,
        ),
    )
    identity_mode = forms.ChoiceField(
        label=_("How do you want to report?"),
        widget=forms.RadioSelect,
        choices=IdentityMode.choices,
        initial=IdentityMode.ANONYMOUS,
    )
    name = forms.CharField(label=_("Full name"), required=False, max_length=200)
    iin = forms.CharField(
        label=_("IIN"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.CharField(
        label=_("Email"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = list(regions_current())
        self.fields["region"].choices = [("", "—")] + [(r.kato, r.name) for r in regions]
        by_region: dict[str, list] = {}
        for d in districts_current().order_by("name_ru"):
            by_region.setdefault(d.parent.kato, []).append((d.kato, d.name))
        self.fields["district"].choices = [("", "—")] + [
            (r.name, by_region[r.kato]) for r in regions if r.kato in by_region
        ]

    def identity_choices(self):
        return [(value, label, IDENTITY_HELP[value]) for value, label in IdentityMode.choices]

    def draft(self, language: str) -> ReportDraft:
        d = self.cleaned_data
        return ReportDraft(
            category=d["category"],
            region=d["region"],
            district=d.get("district") or "",
            description=d["description"],
            occurred=d.get("occurred", ""),
            place=d.get("place", ""),
            persons=d.get("persons", "").splitlines(),
            organisations=d.get("organisations", "").splitlines(),
            bribe_amount=d.get("bribe_amount"),
            identity_mode=d["identity_mode"],
            name=d.get("name", ""),
            iin=d.get("iin", ""),
            phone=d.get("phone", ""),
            email=d.get("email", ""),
            language=language,
        )


class StaffReportForm(ReportForm):
    channel = forms.ChoiceField(
        label=_("How did the report arrive?"),
        choices=[(c.value, c.label) for c in Channel if c in STAFF_CHANNELS],
    )
    language = forms.ChoiceField(
        label=_("Reporter's language"),
        choices=[("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))],
    )
    received_on = forms.DateField(
        label=_("Received on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "For a letter: the date of the postmark or the reception stamp (required); its deadlines run "
            "from that day. For a call or a visit: only if it came before today."
        ),
    )
    transcript_kind = forms.ChoiceField(
        label=_("For a call or a visit: what you wrote down"),
        required=False,
        widget=forms.RadioSelect,
        choices=Transcript.Kind.choices,
        help_text=_(
            "Write the transcript or the minutes in “What happened?” below, once. The reporter reads it in "
            "the inbox with the receipt, and may correct and confirm it."
        ),
    )

    field_order = ["channel", "language", "received_on", "transcript_kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.now().astimezone(local_zone()).date()
        self.fields["received_on"].widget.attrs["max"] = today.isoformat()
        self.fields["description"].help_text = _(
            "For a letter: what it says. For a call or a visit: the transcript (word for word) or accurate "
            "minutes of what the reporter said."
        )

    def draft(self, language: str) -> ReportDraft:
        draft = super().draft(language)
        draft.received_on = self.cleaned_data.get("received_on")
        # A kind left chosen before the channel changed means nothing for a letter.
        if self.cleaned_data["channel"] in ORAL_CHANNELS:
            draft.transcript_kind = self.cleaned_data.get("transcript_kind") or ""
        return draft


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your 16-digit receipt"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )


class MessageForm(ServiceFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Your message or additional information"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    files = MultipleFileField(
        label=_("Add files"),
        required=False,
        help_text=format_lazy("{} {}", _("Up to 5 files of 10 MB each."), METADATA_NOTE),
    )


class TranscriptCorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("What should be corrected?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MESSAGE_MAX,
        help_text=_(
            "Say what is wrong or missing and how it should read. Your correction is kept beside the "
            "transcript, which itself stays as it was written."
        ),
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("If you disagree with the answer, say why (you may appeal once)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(choices=[(n, n) for n in range(1, 6)], coerce=int)


class RetaliationForm(ServiceFormMixin, forms.Form):
    """Retaliation for a report, told from that report's inbox (EU Directive 2019/1937, art. 19)."""

    kind = forms.ChoiceField(label=_("What was done to you?"), choices=[("", "—"), *RetaliationKind.choices])
    occurred_on = forms.DateField(
        label=_("When did it happen (or begin)?"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("Describe what happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who did it, what they did or said, and why you think it is because of your report."),
    )
    files = MultipleFileField(
        label=_("Evidence files (an order, a letter, messages)"),
        required=False,
        help_text=format_lazy("{} {}", _("Up to 5 files of 10 MB each."), METADATA_NOTE),
    )

    def draft(self, language: str) -> RetaliationDraft:
        d = self.cleaned_data
        return RetaliationDraft(
            kind=d["kind"], occurred_on=d["occurred_on"], description=d["description"], language=language
        )
