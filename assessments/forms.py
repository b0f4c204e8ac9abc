from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django_scopes.forms import SafeModelChoiceField

from sites.forms import LimitTextMixin
from sites.models import Membership
from sites.permissions import roles_allowed

from .domains import (
    CARER_UNABLE_REASONS,
    OUTCOME_LABELS,
    UnableReason,
    WellbeingImpactLevel,
)
from .models import (
    Addendum,
    Assessment,
    CarerLink,
    DesiredOutcome,
    Need,
    OutcomeRating,
    Person,
    StandardService,
    WellbeingImpact,
)
from .validators import normalise_nhs_number, normalise_postcode

# Long enough for a full account in someone's own words, short enough to stop a paste
# of a whole document by mistake.


def site_staff(site, rule):
    """Active members of ``site`` holding a role that the named rule allows."""
    roles = roles_allowed(rule)
    ids = (
        Membership.objects.active().filter(site=site, role__in=roles).values("user_id")
    )
    return (
        get_user_model()
        .objects.filter(pk__in=ids, is_active=True)
        .order_by("first_name", "last_name")
    )


class PersonForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "preferred_name",
            "date_of_birth",
            "nhs_number",
            "address",
            "postcode",
            "phone",
            "communication_needs",
            "advocate_involved",
            "allocated_worker",
        ]
        # autocomplete="off" throughout: the form is about someone else, so the
        # browser's own tokens (bday, street-address, tel) would offer the officer's
        # own details, and remembering what was typed would leave people's details in
        # a shared computer's autofill (see docs/security.md).
        widgets = {
            "given_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "family_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "preferred_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "date_of_birth": forms.DateInput(
                attrs={"type": "date", "autocomplete": "off"}, format="%Y-%m-%d"
            ),
            "nhs_number": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off"}
            ),
            "address": forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        labels = {"allocated_worker": "Allocated worker"}

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.site = site
        worker = self.fields["allocated_worker"]
        worker.queryset = site_staff(site, "keep_a_caseload")
        worker.label_from_instance = lambda u: u.display_name
        worker.empty_label = "Not allocated"
        # Spaces are allowed when typing (e.g. 943 476 5919): the model's limit of 10
        # applies to the digits, so the typed text may be longer.
        nhs = self.fields["nhs_number"]
        nhs.max_length = 12
        nhs.validators = [
            v for v in nhs.validators if not isinstance(v, MaxLengthValidator)
        ] + [MaxLengthValidator(12)]
        nhs.widget.attrs["maxlength"] = 12

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born < date(today.year - 125, 1, 1):
            raise forms.ValidationError(
                "This date of birth makes the person over 125; please check the year."
            )
        return born

    def clean_nhs_number(self):
        number = normalise_nhs_number(self.cleaned_data.get("nhs_number", ""))
        if number:
            clash = Person.objects.filter(site=self.site, nhs_number=number)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(
                    "Someone with this NHS number is already recorded at this site. "
                    "Search for them instead of adding them again."
                )
        return number

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data.get("postcode", ""))

    def _post_clean(self):
        # The model's own validators see the normalised values.
        super()._post_clean()


class NewPersonCheckForm(forms.Form):
    """What comes with "add a person" besides the details: the form's one-time token
    (a double click makes one record) and, once likely matches have been shown, the
    officer's answer that this is a different person."""

    creation_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    confirm_new = forms.BooleanField(
        required=False,
        label="None of these is the same person: add a new record",
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Find a person",
        required=False,
        max_length=100,
        help_text="Name, NHS number or postcode.",
        # Searches are names and NHS numbers: not for the browser to remember.
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class CarerLinkForm(LimitTextMixin, forms.ModelForm):
    """Who cares for whom, asked with both names and nothing chosen in advance: a
    preselected direction recorded the wrong person as carer when nobody noticed."""

    direction = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"required": "Say which of the two is the carer."},
    )

    class Meta:
        model = CarerLink
        fields = [
            "relationship",
            "lives_with",
            "willing_to_continue",
            "able_to_continue",
            "notes",
        ]
        labels = {
            "relationship": "What is the carer to the person they care for?",
        }
        help_texts = {
            "relationship": "For example their daughter, husband or neighbour."
        }

    def __init__(self, *args, person, other, **kwargs):
        super().__init__(*args, **kwargs)
        direction = self.fields["direction"]
        if other is not None:
            direction.label = (
                f"Who is the carer: {person.display_name} or {other.display_name}?"
            )
            direction.choices = [
                (
                    "carer_of",
                    f"{person.display_name} cares for {other.display_name}",
                ),
                (
                    "cared_for_by",
                    f"{other.display_name} cares for {person.display_name}",
                ),
            ]
        else:
            direction.choices = [("carer_of", ""), ("cared_for_by", "")]
        relationship = self.fields["relationship"]
        relationship.required = True
        relationship.choices = [("", "Choose…"), *CarerLink.Relationship.choices]
        relationship.error_messages["required"] = (
            "Say what the carer is to the person they care for "
            "(choose “Other” if none fits)."
        )
        self.fields["willing_to_continue"].error_messages["required"] = (
            "Say whether the carer is willing to carry on caring."
        )
        self.fields["able_to_continue"].error_messages["required"] = (
            "Say whether the carer is able to carry on caring."
        )


class StartAssessmentForm(forms.Form):
    kind = forms.ChoiceField(
        choices=Assessment.Kind.choices, widget=forms.RadioSelect, label="Type"
    )
    cared_for = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="The person they care for (carer's assessment)",
        empty_label="Choose…",
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        cared_for_ids = CarerLink.objects.filter(carer=person).values("cared_for_id")
        self.fields["cared_for"].queryset = Person.objects.filter(
            site_id=person.site_id, pk__in=cared_for_ids
        )
        self.fields["cared_for"].label_from_instance = lambda p: p.display_name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Assessment.Kind.CARER and not cleaned.get(
            "cared_for"
        ):
            self.add_error(
                "cared_for",
                "Choose who they care for. If nobody is listed, link the carer to "
                "the person they care for first.",
            )
        return cleaned


# --- Assessment sections -------------------------------------------------------------


class InvolvementForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["assessment_date", "involved"]
        widgets = {
            "assessment_date": forms.DateInput(
                attrs={"type": "date"}, format="%Y-%m-%d"
            ),
        }
        help_texts = {
            "involved": "The person, their carer, family, advocate, other professionals.",
        }

    def clean_assessment_date(self):
        day = self.cleaned_data["assessment_date"]
        if day > timezone.localdate():
            raise forms.ValidationError("The assessment date cannot be in the future.")
        return day


class WhatMattersForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["what_matters"]
        widgets = {"what_matters": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "what_matters": "In their words where you can: what a good day looks like, "
            "what they want to keep doing, what worries them."
        }


class StrengthsForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["strengths"]
        widgets = {"strengths": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "strengths": "Their own abilities, family, friends, neighbours, community "
            "groups and services already helping."
        }


class CarerSectionForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = [
            "carer_able_now",
            "carer_willing_now",
            "carer_able_future",
            "carer_willing_future",
            "carer_wellbeing_impact",
            "carer_work_wishes",
            "carer_leisure_wishes",
            "carer_support_could_help",
        ]


YES_NO_UNKNOWN = [("", "Not recorded yet"), ("true", "Yes"), ("false", "No")]


def _yes_no_field(label, help_text=""):
    return forms.TypedChoiceField(
        choices=YES_NO_UNKNOWN,
        coerce=lambda v: v == "true",
        empty_value=None,
        required=False,
        label=label,
        help_text=help_text,
        widget=forms.RadioSelect,
    )


class OutcomesConditionForm(forms.ModelForm):
    """The eligibility inputs that sit beside the outcomes grid."""

    class Meta:
        model = Assessment
        fields = ["needs_arise_from_condition", "carer_health_at_risk"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_carer:
            self.fields["needs_arise_from_condition"] = _yes_no_field(
                "Do the carer's needs arise from providing necessary care to an adult?"
            )
            self.fields["carer_health_at_risk"] = _yes_no_field(
                "Is the carer's physical or mental health deteriorating, or at risk "
                "of deteriorating?"
            )
        else:
            self.fields["needs_arise_from_condition"] = _yes_no_field(
                "Do the needs arise from a physical or mental impairment or illness?"
            )
            del self.fields["carer_health_at_risk"]
        for name in self.fields:
            value = getattr(self.instance, name)
            # Into the form's initial data: the instance's True/False there would
            # otherwise win, match no radio button, and blank the answer on the next
            # save of the section.
            self.initial[name] = "" if value is None else ("true" if value else "false")


class OutcomeRatingForm(LimitTextMixin, forms.ModelForm):
    reasons = forms.MultipleChoiceField(
        choices=UnableReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Why",
    )

    class Meta:
        model = OutcomeRating
        fields = ["unable", "reasons", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, carer=False, **kwargs):
        super().__init__(*args, **kwargs)
        if carer:
            self.fields["reasons"].choices = CARER_UNABLE_REASONS
        self.fields["unable"].label = "Unable to achieve"

    @property
    def domain_label(self):
        return OUTCOME_LABELS[self.instance.domain]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("unable") and not cleaned.get("reasons"):
            self.add_error(
                "reasons",
                "Say why they cannot achieve this outcome (tick at least one).",
            )
        if not cleaned.get("unable") and cleaned.get("reasons"):
            self.add_error(
                "unable",
                "You ticked a reason but not 'Unable to achieve'. Tick it, or clear "
                "the reasons.",
            )
        return cleaned


class FixedRowsFormSet(forms.BaseModelFormSet):
    """A formset over a record's own fixed rows (one per Care Act outcome, one per
    area of wellbeing): its forms are those rows, in order, whatever a post says.

    A hostile run posted other assessments' row ids and counts from -1 to a million
    (issue 11, item 13): a row that is not this record's was rendered with no
    domain (a 500), and a million forms took seconds to build. Here the posted
    counts are ignored (the management form always says the record's own row
    count), each form is bound to the record's row at its position, and a posted id
    that is not that row's is refused beside the row with a plain message.
    """

    default_error_messages = {
        **forms.BaseModelFormSet.default_error_messages,
        "missing_management_form": "The page was incomplete: reload it and try again.",
    }

    def _rows(self):
        if not hasattr(self, "_fixed_rows"):
            self._fixed_rows = list(self.get_queryset())
        return self._fixed_rows

    def total_form_count(self):
        return len(self._rows())

    def initial_form_count(self):
        return len(self._rows())

    @property
    def management_form(self):
        count = len(self._rows())
        form = forms.formsets.ManagementForm(
            {
                f"{self.prefix}-TOTAL_FORMS": count,
                f"{self.prefix}-INITIAL_FORMS": count,
                f"{self.prefix}-MIN_NUM_FORMS": 0,
                f"{self.prefix}-MAX_NUM_FORMS": count,
            },
            auto_id=self.auto_id,
            prefix=self.prefix,
            renderer=self.renderer,
        )
        form.full_clean()
        return form

    def _construct_form(self, i, **kwargs):
        kwargs["instance"] = self._rows()[i]
        return forms.BaseFormSet._construct_form(self, i, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk = form.fields.get(self.model._meta.pk.name)
        if pk is not None:
            pk.error_messages["invalid_choice"] = (
                "This row is not part of this assessment: reload the page and enter "
                "it again."
            )
            pk.error_messages["required"] = pk.error_messages["invalid_choice"]

    def clean(self):
        super().clean()
        for form, row in zip(self.forms, self._rows(), strict=True):
            posted = form.cleaned_data.get(self.model._meta.pk.name)
            if posted is not None and posted.pk != row.pk:
                form.add_error(
                    None,
                    "This row is not part of this assessment: reload the page and "
                    "enter it again.",
                )


OutcomeRatingFormSet = forms.modelformset_factory(
    OutcomeRating,
    form=OutcomeRatingForm,
    formset=FixedRowsFormSet,
    extra=0,
    can_delete=False,
)


class WellbeingForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = WellbeingImpact
        fields = ["level", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 1})}
        labels = {"level": "Impact"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every area must be chosen: nothing is preselected (issue 9).
        level = self.fields["level"]
        level.required = True
        level.choices = [("", "Choose the impact"), *WellbeingImpactLevel.choices]
        level.error_messages["required"] = (
            f"Choose the impact on “{self.instance.get_area_display().lower()}”: no "
            "impact, some impact or significant impact."
        )

    @property
    def area_label(self):
        return self.instance.get_area_display()


WellbeingFormSet = forms.modelformset_factory(
    WellbeingImpact,
    form=WellbeingForm,
    formset=FixedRowsFormSet,
    extra=0,
    can_delete=False,
)


class EligibilityConfirmForm(LimitTextMixin, forms.ModelForm):
    confirm = forms.BooleanField(
        label="I have checked the answers above and confirm this eligibility decision.",
        error_messages={"required": "Tick the box to confirm the decision."},
    )

    class Meta:
        model = Assessment
        fields = ["eligibility_note"]
        widgets = {"eligibility_note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"eligibility_note": "Optional: anything a reader should know."}


class NeedForm(LimitTextMixin, forms.ModelForm):
    domains = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Outcomes this need relates to",
    )

    class Meta:
        model = Need
        fields = ["description", "domains", "usual_offer"]
        # The catalogue is scoped; its queryset is set per site in __init__.
        field_classes = {"usual_offer": SafeModelChoiceField}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, assessment, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].choices = assessment.outcome_domains().choices
        offer = self.fields["usual_offer"]
        offer.queryset = StandardService.objects.filter(
            site_id=assessment.site_id, is_active=True
        )
        # The catalogue is read once per formset, not once per row.
        offer.choices = [("", "Nothing standard would be offered")] + [
            (service.pk, str(service)) for service in services
        ]
        offer.help_text = (
            "The standard service the team would usually offer for this need."
        )


class DesiredOutcomeForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = DesiredOutcome
        fields = ["in_own_words", "expressed_by", "category", "priority"]
        widgets = {"in_own_words": forms.Textarea(attrs={"rows": 2})}
        labels = {"category": "Kind of outcome"}


# The most rows of one kind an assessment's page saves at once. Posted counts above it
# are cut to it before any form is built (a hostile post said a million).
MAX_ROWS = 50


class _AssessmentRowFormSet(forms.BaseInlineFormSet):
    """Rows belonging to one assessment; new rows take its site and go to the end."""

    default_error_messages = {
        **forms.BaseInlineFormSet.default_error_messages,
        "missing_management_form": "The page was incomplete: reload it and try again.",
        "too_many_forms": f"At most {MAX_ROWS} rows can be saved at once.",
    }

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if issubclass(self.form, NeedForm):
            if not hasattr(self, "_services"):
                self._services = list(
                    StandardService.objects.filter(
                        site_id=self.instance.site_id, is_active=True
                    )
                )
            kwargs.update(assessment=self.instance, services=self._services)
        return kwargs

    def save_new(self, form, commit=True):
        obj = super().save_new(form, commit=False)
        obj.site = self.instance.site
        taken = [row.position for row in self.get_queryset()]
        self._next_position = max(getattr(self, "_next_position", 0), *taken, 0) + 1
        obj.position = self._next_position
        if commit:
            obj.save()
        return obj


NeedFormSet = forms.inlineformset_factory(
    Assessment,
    Need,
    form=NeedForm,
    formset=_AssessmentRowFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)

DesiredOutcomeFormSet = forms.inlineformset_factory(
    Assessment,
    DesiredOutcome,
    form=DesiredOutcomeForm,
    formset=_AssessmentRowFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)


class AddendumForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = Addendum
        fields = ["reason", "text"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 2}),
            "text": forms.Textarea(attrs={"rows": 5}),
        }
