"""Forms for retention: the periods, legal holds and the deletion review."""

import re

from django import forms
from django.utils import timezone

from .retention import LegalHold, RecordType


class RetentionPeriodsForm(forms.Form):
    """One period per kind of record, in whole years after the last contact."""

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        for record_type in RecordType:
            self.fields[record_type.value] = forms.IntegerField(
                label=record_type.label,
                min_value=1,
                max_value=100,
                initial=years[record_type.value],
                help_text="Years kept after the last contact.",
            )


class LegalHoldForm(forms.ModelForm):
    class Meta:
        model = LegalHold
        fields = ["reason", "until"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 3}),
            "until": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_until(self):
        until = self.cleaned_data.get("until")
        if until is not None and until < timezone.localdate():
            raise forms.ValidationError(
                "The date the records are kept until cannot be in the past."
            )
        return until


class ReleaseHoldForm(forms.Form):
    note = forms.CharField(
        label="Why the hold is released",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="E.g. the claim was settled on a given date.",
    )


class DeletionForm(forms.Form):
    """The senior manager's review: a reason, and a confirmation of what they saw."""

    reason = forms.CharField(
        label="Why these records are being deleted",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text="This stays in the audit trail after the records are gone: do not "
        "write the person's name or any of their details here.",
    )
    confirm = forms.BooleanField(
        label="I have checked the details above and these records are to be deleted "
        "for good",
        error_messages={"required": "Tick the box to confirm you have checked."},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        words = set(re.findall(r"[\w']+", reason.lower()))
        squashed = re.sub(r"\s", "", reason.lower())
        for person in self.people:
            names = {
                person.given_name.lower(),
                person.family_name.lower(),
                (person.preferred_name or "").lower(),
            } - {""}
            numbers = {person.nhs_number, (person.postcode or "").replace(" ", "")}
            if names & words or any(n and n.lower() in squashed for n in numbers):
                raise forms.ValidationError(
                    "The reason names the person or gives one of their details. "
                    "Write it without them: it is kept after the records are gone."
                )
        return reason
