from django import forms
from django.utils import timezone

from .models import SubjectAccessRequest


class SubjectAccessRequestForm(forms.ModelForm):
    class Meta:
        model = SubjectAccessRequest
        fields = ["received_on", "requested_by", "received_how", "notes"]
        widgets = {
            "received_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_received_on(self):
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError(
                "The date received cannot be in the future.", code="future"
            )
        if received.year < 2000:
            raise forms.ValidationError(
                "Enter the date the request reached you.", code="too_early"
            )
        return received


class AnswerForm(forms.Form):
    sent_how = forms.CharField(
        label="How the copy was sent",
        max_length=200,
        help_text="E.g. by secure e-mail to the address they gave; handed over in "
        "person.",
        error_messages={"required": "Say how the copy was sent."},
    )
