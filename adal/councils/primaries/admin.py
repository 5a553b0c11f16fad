"""Voters are registered here through the service (so every registration is audited and checked);
primaries and nominations are shown read-only, since they change only through their pages.

Participations and ballots are not shown at all: the public page publishes the turnout and the
count, and a list of either in one place would only invite putting the two side by side."""

from django import forms
from django.contrib import admin

from adal.core.admin import ServiceModelAdmin
from adal.councils.admin import ReadOnlyAdmin
from adal.councils.primaries.models import Nomination, Primary, Voter
from adal.councils.primaries.services import PrimaryActionRefused, check_registration, voter_register


class VoterForm(forms.ModelForm):
    class Meta:
        model = Voter
        fields = ["member", "user", "territory"]

    def clean(self):
        d = super().clean()
        if all(d.get(name) for name in self.Meta.fields):
            try:
                check_registration(d["member"], d["user"], d["territory"])
            except PrimaryActionRefused as e:
                raise forms.ValidationError(str(e)) from e
        return d


@admin.register(Voter)
class VoterAdmin(ServiceModelAdmin):
    form = VoterForm
    list_display = ["member", "user", "territory", "created_at"]
    search_fields = ["member__full_name", "member__membership_number", "user__username"]
    raw_id_fields = ["member", "user"]
    autocomplete_fields = ["territory"]
    fields = ["member", "user", "territory"]

    def service_create(self, request, obj, form):
        d = form.cleaned_data
        return voter_register(member=d["member"], user=d["user"], territory=d["territory"], by=request.user)


@admin.register(Primary)
class PrimaryAdmin(ReadOnlyAdmin):
    list_display = ["title", "council", "seats", "nominations_close", "voting_starts", "voting_ends"]
    search_fields = ["title_ru", "title_kk", "title_en", "council__name_ru"]
    date_hierarchy = "voting_starts"


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "primary", "nominated_by", "state", "nominated_at", "answered_at"]
    list_filter = ["state"]
    search_fields = ["candidate__full_name", "primary__title_ru"]
