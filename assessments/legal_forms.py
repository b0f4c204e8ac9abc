"""Forms for the legal record: they validate and normalise, never act."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from sites.forms import LimitTextMixin
from sites.phones import format_phone

from .forms import MAX_ROWS, _AssessmentRowFormSet
from .legal import (
    Advocacy,
    Attorney,
    CapacityAssessment,
    Consent,
    Contact,
    EqualityRecord,
    Language,
    Risk,
    SafeguardingConcern,
    YesNo,
)
from .letters import LetterTemplate, unknown_placeholders
from .models import Assessment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OFF = {"autocomplete": "off"}


def _not_future(day, what="This date"):
    if day and day > timezone.localdate():
        raise ValidationError(f"{what} cannot be in the future.")
    return day


class RecordForm(LimitTextMixin, forms.ModelForm):
    """Shared by the legal record's forms: dates not in the future, phones formatted,
    nothing for the browser to remember (the details are someone else's)."""

    PHONE_FIELDS: tuple = ()
    PAST_DATES: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.DateInput):
                field.widget = DATE
            elif isinstance(field.widget, forms.Textarea):
                if field.widget.attrs.get("rows") in (None, 10):  # Django's default
                    field.widget.attrs["rows"] = 3
            elif isinstance(field.widget, forms.TextInput | forms.EmailInput):
                field.widget.attrs.update(OFF)
            if isinstance(field.widget, forms.RadioSelect) and hasattr(
                field, "choices"
            ):
                # A radio list needs no "------" button: none chosen is blank.
                field.choices = [c for c in field.choices if c[0] != ""]
            if name in self.PHONE_FIELDS:
                field.widget.attrs["inputmode"] = "tel"

    def clean(self):
        cleaned = super().clean()
        for name in self.PHONE_FIELDS:
            if cleaned.get(name):
                try:
                    cleaned[name] = format_phone(cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
        for name in self.PAST_DATES:
            try:
                _not_future(cleaned.get(name))
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def _post_clean(self):
        # The model's phone validator sees the formatted number, not the typing.
        super()._post_clean()


class ConsentForm(RecordForm):
    PAST_DATES = ("decided_on", "withdrawn_on")

    class Meta:
        model = Consent
        fields = [
            "purpose",
            "agreed",
            "shared_with",
            "given_by",
            "decided_on",
            "notes",
            "withdrawn_on",
            "withdrawal_note",
        ]
        widgets = {
            "purpose": forms.RadioSelect,
            "agreed": forms.RadioSelect,
            "given_by": forms.RadioSelect,
            "shared_with": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "withdrawal_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # Withdrawal is recorded on a consent already given.
            del self.fields["withdrawn_on"]
            del self.fields["withdrawal_note"]

    def clean(self):
        cleaned = super().clean()
        sharing = cleaned.get("purpose") == Consent.Purpose.SHARING
        if sharing and not cleaned.get("shared_with", "").strip():
            self.add_error(
                "shared_with", "Say with whom they agree (or refuse) to share it."
            )
        withdrawn = cleaned.get("withdrawn_on")
        if withdrawn:
            if cleaned.get("agreed") != YesNo.YES:
                self.add_error(
                    "withdrawn_on", "Only consent that was given can be withdrawn."
                )
            decided = cleaned.get("decided_on")
            if decided and withdrawn < decided:
                self.add_error(
                    "withdrawn_on",
                    "Consent cannot be withdrawn before the date it was given.",
                )
        elif cleaned.get("withdrawal_note", "").strip():
            self.add_error("withdrawn_on", "Give the date they withdrew their consent.")
        return cleaned


class CapacityForm(RecordForm):
    PAST_DATES = ("assessed_on", "best_interests_on")
    STAGE_TWO = ("understands", "retains", "uses_or_weighs", "communicates")
    BEST_INTERESTS = ("wishes", "consulted", "options", "best_interests_decision")

    class Meta:
        model = CapacityAssessment
        fields = [
            "decision",
            "assessed_on",
            "practicable_steps",
            "impairment",
            "impairment_detail",
            "understands",
            "retains",
            "uses_or_weighs",
            "communicates",
            "because_of_impairment",
            "evidence",
            "wishes",
            "consulted",
            "options",
            "best_interests_decision",
            "best_interests_on",
        ]
        widgets = dict.fromkeys(
            (
                "impairment",
                "understands",
                "retains",
                "uses_or_weighs",
                "communicates",
                "because_of_impairment",
            ),
            forms.RadioSelect,
        ) | {"decision": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*self.STAGE_TWO, "because_of_impairment"):
            # A radio list with no blank: "not answered" is no button chosen.
            self.fields[name].choices = YesNo.choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("impairment") == YesNo.YES:
            if not cleaned.get("impairment_detail", "").strip():
                self.add_error("impairment_detail", "Say what the impairment is.")
            for name in self.STAGE_TWO:
                if not cleaned.get(name):
                    self.add_error(name, "Answer each question of stage 2.")
            unable = any(cleaned.get(n) == YesNo.NO for n in self.STAGE_TWO)
            if unable and not cleaned.get("because_of_impairment"):
                self.add_error(
                    "because_of_impairment",
                    "Say whether they cannot decide because of the impairment.",
                )
        elif cleaned.get("impairment") == YesNo.NO:
            # No impairment: they have capacity; stage 2 does not apply.
            for name in (*self.STAGE_TWO, "because_of_impairment"):
                cleaned[name] = ""
        probe = CapacityAssessment(
            **{n: cleaned.get(n) or "" for n in (*self.STAGE_TWO, "impairment")},
            because_of_impairment=cleaned.get("because_of_impairment") or "",
        )
        has_best_interests = any(
            cleaned.get(n, "").strip() for n in self.BEST_INTERESTS
        ) or cleaned.get("best_interests_on")
        if has_best_interests and not probe.lacks_capacity and not self.errors:
            self.add_error(
                "best_interests_decision",
                "They have capacity for this decision, so the decision is theirs: "
                "a best-interests decision is only for someone who lacks capacity "
                "for it. Clear the best-interests answers, or check the test above.",
            )
        if cleaned.get("best_interests_decision", "").strip():
            if not cleaned.get("consulted", "").strip():
                self.add_error(
                    "consulted", "Say who was consulted before the decision."
                )
            if not cleaned.get("best_interests_on"):
                self.add_error("best_interests_on", "Give the date of the decision.")
        return cleaned


class AttorneyForm(RecordForm):
    PHONE_FIELDS = ("phone",)
    PAST_DATES = ("registered_on",)

    class Meta:
        model = Attorney
        fields = [
            "kind",
            "name",
            "relationship",
            "phone",
            "email",
            "address",
            "scope",
            "registered_on",
            "seen_document",
        ]
        widgets = {"kind": forms.RadioSelect, "address": forms.Textarea}

    def clean(self):
        cleaned = super().clean()
        if not any(
            (cleaned.get(n) or "").strip() for n in ("phone", "email", "address")
        ) and not {"phone", "email"} & set(self.errors):
            self.add_error("phone", "Give at least one way to reach them.")
        return cleaned


class AdvocacyForm(RecordForm):
    PHONE_FIELDS = ("advocate_phone",)
    PAST_DATES = ("considered_on", "referred_on")

    class Meta:
        model = Advocacy
        fields = [
            "process",
            "considered_on",
            "difficulty_understanding",
            "difficulty_retaining",
            "difficulty_weighing",
            "difficulty_communicating",
            "appropriate_person",
            "appropriate_person_name",
            "referred_on",
            "referred_to",
            "advocate_name",
            "advocate_phone",
            "advocate_email",
        ]
        widgets = {
            "process": forms.RadioSelect,
            "appropriate_person": forms.RadioSelect,
        }

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("appropriate_person") == YesNo.YES
            and not cleaned.get("appropriate_person_name", "").strip()
        ):
            self.add_error("appropriate_person_name", "Name the appropriate person.")
        if cleaned.get("referred_on") and not cleaned.get("referred_to", "").strip():
            self.add_error("referred_to", "Say which advocacy service was asked.")
        advocate = any(
            (cleaned.get(n) or "").strip() for n in ("advocate_phone", "advocate_email")
        )
        if advocate and not cleaned.get("advocate_name", "").strip():
            self.add_error("advocate_name", "Give the advocate's name.")
        return cleaned


class SafeguardingRaiseForm(RecordForm):
    """Raising a concern: anyone who can open the record."""

    PAST_DATES = ("raised_on",)

    class Meta:
        model = SafeguardingConcern
        fields = ["raised_by", "raised_on", "concern", "referred_to"]
        widgets = {"concern": forms.Textarea(attrs={"rows": 4})}


class SafeguardingForm(SafeguardingRaiseForm):
    """Following it up: the decision on an enquiry, the outcome, closing it."""

    PAST_DATES = ("raised_on", "closed_on")

    class Meta(SafeguardingRaiseForm.Meta):
        fields = [
            "raised_by",
            "raised_on",
            "concern",
            "referred_to",
            "enquiry",
            "outcome",
            "closed_on",
        ]
        widgets = SafeguardingRaiseForm.Meta.widgets | {"enquiry": forms.RadioSelect}

    def clean(self):
        cleaned = super().clean()
        closed, raised = cleaned.get("closed_on"), cleaned.get("raised_on")
        if closed:
            if raised and closed < raised:
                self.add_error("closed_on", "It cannot close before it was raised.")
            if not cleaned.get("outcome", "").strip():
                self.add_error("outcome", "Record the outcome before closing it.")
            if cleaned.get("enquiry") == SafeguardingConcern.Enquiry.UNDECIDED:
                self.add_error(
                    "enquiry", "Record the decision on an enquiry before closing it."
                )
        return cleaned


class ContactForm(RecordForm):
    PHONE_FIELDS = ("phone",)

    class Meta:
        model = Contact
        fields = [
            "kind",
            "name",
            "role",
            "also_emergency",
            "phone",
            "email",
            "address",
            "notes",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "address": forms.Textarea,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        if not any(
            (cleaned.get(n) or "").strip() for n in ("phone", "email", "address")
        ) and not {"phone", "email"} & set(self.errors):
            self.add_error(
                "phone",
                "Give at least one way to reach them: phone, e-mail or address.",
            )
        if (
            cleaned.get("also_emergency")
            and cleaned.get("kind") == Contact.Kind.EMERGENCY
        ):
            cleaned["also_emergency"] = False
        return cleaned


class EqualityForm(RecordForm):
    class Meta:
        model = EqualityRecord
        fields = [
            "ethnicity",
            "religion",
            "sex",
            "disability",
            "first_language",
            "first_language_other",
            "interpreter_needed",
            "interpreter_language",
            "preferred_format",
        ]
        help_texts = {
            "ethnicity": "As they describe themselves (NHS ethnic categories).",
            "first_language_other": "If another language: which.",
            "preferred_format": "Letters and plans are printed this way where we can.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if hasattr(field, "choices"):
                field.choices = [("", "Not recorded"), *list(field.choices)[1:]]
        self.fields["interpreter_language"].choices = [
            c
            for c in self.fields["interpreter_language"].choices
            if c[0] not in {Language.EN, Language.NOT_SAY}
        ]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("first_language") == Language.OTHER
            and not cleaned.get("first_language_other", "").strip()
        ):
            self.add_error("first_language_other", "Say which language.")
        if cleaned.get("first_language") != Language.OTHER:
            cleaned["first_language_other"] = ""
        needed = cleaned.get("interpreter_needed")
        if needed == YesNo.YES and not cleaned.get("interpreter_language"):
            self.add_error(
                "interpreter_language", "Say which language the interpreter speaks."
            )
        if needed != YesNo.YES and cleaned.get("interpreter_language"):
            self.add_error(
                "interpreter_needed",
                "You chose an interpreter's language: say that they need one, or "
                "clear the language.",
            )
        return cleaned


# --- in the assessment ----------------------------------------------------------------------


class FluctuationForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["needs_fluctuate", "fluctuation_period", "fluctuation_pattern"]
        widgets = {
            "needs_fluctuate": forms.RadioSelect,
            "fluctuation_period": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs_fluctuate"].choices = YesNo.choices
        self.fields["fluctuation_period"].choices = self.fields[
            "fluctuation_period"
        ].choices[1:]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("needs_fluctuate") == YesNo.YES:
            if not cleaned.get("fluctuation_period"):
                self.add_error(
                    "fluctuation_period",
                    "Say over what period their needs were considered.",
                )
            if not cleaned.get("fluctuation_pattern", "").strip():
                self.add_error("fluctuation_pattern", "Say how their needs vary.")
        else:
            cleaned["fluctuation_period"] = ""
            cleaned["fluctuation_pattern"] = ""
        return cleaned


class RiskForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = Risk
        fields = ["description", "likelihood", "severity", "reduced_by", "persons_view"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "reduced_by": forms.Textarea(attrs={"rows": 2}),
            "persons_view": forms.Textarea(attrs={"rows": 2}),
        }


RiskFormSet = forms.inlineformset_factory(
    Assessment,
    Risk,
    form=RiskForm,
    formset=_AssessmentRowFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)


class LetterTemplateForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 18})}
        help_texts = {
            "body": "Plain words. The names in {curly brackets} are filled in for each "
            "letter (listed beside the form)."
        }

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean(self):
        cleaned = super().clean()
        for name in ("subject", "body"):
            unknown = unknown_placeholders(self.kind, cleaned.get(name, ""))
            if unknown:
                self.add_error(
                    name,
                    "These names cannot be filled in: "
                    + ", ".join(f"{{{u}}}" for u in unknown)
                    + ". Use only the names listed.",
                )
        return cleaned
