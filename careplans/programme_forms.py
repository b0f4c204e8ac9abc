"""Forms for programme work at a site: including a case, consent, case studies,
wanted-but-not-arranged and delivery at review. They validate; services act."""

from django import forms
from django_scopes.forms import SafeModelChoiceField

from assessments.models import DesiredOutcome
from sites.forms import LimitTextMixin

from .programme import Barrier, CaseStudy, ProgrammeCase, ResponseDelivery, UnmetWant
from .programme_services import EDITABLE_FIELDS


class IncludeForm(forms.Form):
    programme = forms.UUIDField(widget=forms.HiddenInput)
    living_at_home = forms.BooleanField(
        required=False, label="They live in their own home"
    )


class ConsentForm(LimitTextMixin, forms.Form):
    consent = forms.ChoiceField(
        choices=ProgrammeCase.Consent.choices,
        widget=forms.RadioSelect,
        label="Did they agree to a case study about them?",
        error_messages={"required": "Choose one of the answers."},
    )
    consent_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Who agreed, or why consent is not needed",
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("consent") == ProgrammeCase.Consent.NOT_NEEDED
            and not cleaned.get("consent_note", "").strip()
        ):
            self.add_error("consent_note", "Say why consent is not needed.")
        return cleaned


class CaseStudyForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = CaseStudy
        fields = EDITABLE_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 4}) for name, _ in CaseStudy.SECTIONS
        }
        labels = dict(CaseStudy.SECTIONS)
        help_texts = {
            "pseudonym": "How the case study names them, e.g. “Mr and Mrs E”. "
            "Never their name.",
            "age_band": "A five-year band, e.g. 85\u201389; never a date of birth.",
            "situation": "No address, postcode, NHS number, phone, or names of staff, "
            "services or places. Say “week 3” (after first contact), not a date.",
        }


class CaseStudyReviewForm(LimitTextMixin, forms.Form):
    recognisable = forms.ChoiceField(
        choices=CaseStudy.Recognisable.choices,
        widget=forms.RadioSelect,
        label="Could a practitioner from a neighbouring council recognise them?",
        help_text="Think of a rare condition, a locally unique service, or an event in "
        "the news (the ICO's motivated-intruder test).",
        error_messages={"required": "Answer the question before you sign it off."},
    )
    recognisable_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Why"
    )


class UnmetWantForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = UnmetWant
        fields = ["what_wanted", "desired_outcome", "barrier", "note"]
        field_classes = {"desired_outcome": SafeModelChoiceField}
        widgets = {
            "what_wanted": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "what_wanted": {"required": "Say what they wanted."},
            "barrier": {"required": "Say what stood in the way."},
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [plan.assessment_id, plan.carer_assessment_id]
        self.fields["desired_outcome"].queryset = DesiredOutcome.objects.filter(
            site=plan.site_id, assessment_id__in=[i for i in ids if i]
        )
        self.fields["desired_outcome"].label_from_instance = lambda o: (
            f"“{o.in_own_words}”"
        )
        self.fields["desired_outcome"].empty_label = "None in particular"
        self.fields["barrier"].choices = [("", "Choose"), *Barrier.choices]


class DeliveryForm(LimitTextMixin, forms.Form):
    # Optional, so a review can be recorded before anyone knows; nothing is
    # preselected, so an unanswered response is not counted as delivered.
    delivered = forms.ChoiceField(
        choices=ResponseDelivery.Delivered.choices,
        widget=forms.RadioSelect,
        required=False,
        label="Delivered?",
    )
    barrier = forms.ChoiceField(
        choices=[("", "Nothing: it was delivered"), *Barrier.choices],
        required=False,
        label="What stood in the way",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 1}), required=False, label="Note"
    )

    def __init__(self, *args, response, **kwargs):
        super().__init__(*args, **kwargs)
        self.response = response

    def clean(self):
        cleaned = super().clean()
        delivered = cleaned.get("delivered")
        if (
            delivered
            and delivered != ResponseDelivery.Delivered.AS_PLANNED
            and not cleaned.get("barrier")
        ):
            self.add_error(
                "barrier", "Say what stood in the way when it was not delivered."
            )
        return cleaned
