from dateutil.relativedelta import relativedelta
from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.formats import date_format
from django_scopes.forms import SafeModelChoiceField

from assessments.models import Assessment, StandardService
from sites.forms import LimitTextMixin
from sites.permissions import roles_allowed

from .charging_forms import check_agreement_date
from .models import CarePlan, DelegatedLimit, OutcomeReview, Response, Review
from .services import PLAN_START_AHEAD, limit_date_problems


class PlanCreateForm(forms.Form):
    assessment = forms.ModelChoiceField(
        queryset=Assessment.objects.none(),
        label="The assessment this plan answers",
        empty_label=None,
    )
    carer_assessment = forms.ModelChoiceField(
        queryset=Assessment.objects.none(),
        required=False,
        label="Also serve the outcomes of this carer's assessment",
        empty_label="No carer's assessment",
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        completed = Assessment.objects.filter(
            site=person.site, status=Assessment.Status.COMPLETED
        ).select_related("person")
        self.fields["assessment"].queryset = completed.filter(person=person)
        self.fields["carer_assessment"].queryset = completed.filter(
            kind=Assessment.Kind.CARER, cared_for=person
        )
        self.fields["assessment"].label_from_instance = _assessment_label
        self.fields["carer_assessment"].label_from_instance = _assessment_label


def _assessment_label(assessment):
    return (
        f"{assessment.get_kind_display()} of {assessment.person.display_name}, "
        f"{assessment.assessment_date:%d %b %Y}"
    )


class PlanForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = CarePlan
        fields = [
            "start_date",
            "person_views",
            "officer_recommendation",
            "prevention_advice",
            "contingency_plan",
            "direct_payment_notes",
            "direct_payment_agreed_on",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "direct_payment_agreed_on": forms.DateInput(
                attrs={"type": "date"}, format="%Y-%m-%d"
            ),
        }
        help_texts = {
            "person_views": "What the person and their carer think of the plan, in "
            "their words. A panel must see this.",
            "officer_recommendation": "What you recommend and why (for sign-off or "
            "panel).",
            "contingency_plan": "What happens if a response fails or a carer is ill.",
        }

    def clean_start_date(self):
        start = self.cleaned_data.get("start_date")
        # A calendar year back: on 29 February that is 28 February last year.
        if start and start < timezone.localdate() - relativedelta(years=1):
            raise forms.ValidationError("The start date is more than a year ago.")
        if start and start > timezone.localdate() + PLAN_START_AHEAD:
            raise forms.ValidationError(
                "The start date is more than a year ahead: plans are made for support "
                "starting within the year."
            )
        return start

    def clean_direct_payment_agreed_on(self):
        return check_agreement_date(self.cleaned_data.get("direct_payment_agreed_on"))


class ResponseForm(LimitTextMixin, forms.ModelForm):
    outcomes = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Which outcomes does this serve?",
        error_messages={
            "required": "Tick at least one outcome: every response must answer an "
            "outcome the person named."
        },
    )

    class Meta:
        model = Response
        fields = [
            "description",
            "kind",
            "origin",
            "outcomes",
            "replaces",
            "replaced_weekly_cost",
            "provider",
            "times",
            "period",
            "unit_cost",
            "paid_by_direct_payment",
            "start_date",
            "end_date",
        ]
        field_classes = {"replaces": SafeModelChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "origin": forms.RadioSelect,
        }
        help_texts = {
            "replaced_weekly_cost": "Leave blank to use the catalogue's typical cost. "
            "Enter 0 if it replaces nothing.",
            "unit_cost": "Enter 0 for unpaid help (family, friends, free groups).",
        }

    def __init__(self, *args, plan, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcomes"].queryset = outcomes
        self.fields["outcomes"].label_from_instance = lambda o: f"“{o.in_own_words}”"
        self.fields["replaces"].queryset = StandardService.objects.filter(
            site_id=plan.site_id, is_active=True
        )
        self.fields["replaces"].empty_label = "Nothing: it is new"
        self.fields["replaced_weekly_cost"].required = False
        if not self.instance.pk:
            # Blank, not the model's 0.00: blank means "the catalogue's typical cost".
            self.initial["replaced_weekly_cost"] = None
        for name in ("unit_cost", "replaced_weekly_cost"):
            field = self.fields[name]
            field.validators = [
                v for v in field.validators if not isinstance(v, MinValueValidator)
            ] + [
                MinValueValidator(
                    0,
                    message="A cost cannot be below zero. Enter 0 for help that "
                    "costs nothing.",
                )
            ]
            self.fields[name].widget.attrs.update(
                min="0", step="0.01", inputmode="decimal"
            )
        self.fields["times"].widget.attrs["min"] = "1"
        # "Whose idea" feeds the programme's figures: nothing is preselected, the
        # officer chooses (issue 9). A saved response shows its answer.
        self.fields["origin"].error_messages["required"] = (
            "Say whose idea this was: what the person asked for, or a service-led "
            "offer."
        )
        if not self.instance.pk:
            self.initial["origin"] = None
        if self.instance.pk:
            self.initial["outcomes"] = list(
                self.instance.outcomes.values_list("pk", flat=True)
            )

    def clean(self):
        cleaned = super().clean()
        replaces = cleaned.get("replaces")
        if cleaned.get("replaced_weekly_cost") is None:
            cleaned["replaced_weekly_cost"] = (
                replaces.typical_weekly_cost if replaces else 0
            )
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date is before the start date.")
        return cleaned


class ReasonForm(LimitTextMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reasons",
        min_length=10,
        error_messages={
            "min_length": "Give the reasons in a sentence or two (at least 10 characters)."
        },
    )


class SignOffForm(LimitTextMixin, forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Note (optional)",
    )


class ReviewForm(LimitTextMixin, forms.ModelForm):
    WHEN = [
        ("policy", "As the policy says"),
        ("3", "Again in 3 months"),
        ("6", "Again in 6 months"),
        ("date", "On a date I choose"),
    ]
    next_review = forms.ChoiceField(
        choices=WHEN,
        widget=forms.RadioSelect,
        label="When is the next review?",
        initial="policy",
    )
    next_review_date = forms.DateField(
        required=False,
        label="The date I choose",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a real date, such as 1 March 2026."},
    )

    class Meta:
        model = Review
        fields = ["person_view", "result", "notes"]
        widgets = {
            "person_view": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "result": forms.RadioSelect,
        }
        labels = {"result": "What happens to the plan now"}

    def __init__(self, *args, policy_due, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy_due = policy_due
        self.fields["result"].required = True
        self.fields["result"].error_messages["required"] = (
            "Say what happens to the plan now."
        )
        self.fields["next_review"].choices = [
            ("policy", f"As the policy says: {date_format(policy_due, 'j F Y')}"),
            *self.WHEN[1:],
        ]
        # Not posted (an older page, a script): as the policy says.
        self.fields["next_review"].required = False

    def clean(self):
        cleaned = super().clean()
        when, chosen = cleaned.get("next_review"), cleaned.get("next_review_date")
        today = timezone.localdate()
        if when == "date":
            if chosen is None:
                if "next_review_date" not in self.errors:
                    self.add_error("next_review_date", "Enter the date you chose.")
            elif not today < chosen <= self.policy_due:
                self.add_error(
                    "next_review_date",
                    "Choose a date after today and no later than "
                    f"{date_format(self.policy_due, 'j F Y')} (the site's policy: at "
                    "least yearly).",
                )
            else:
                cleaned["next_review_due"] = chosen
        elif when in ("3", "6"):
            cleaned["next_review_due"] = min(
                today + relativedelta(months=int(when)), self.policy_due
            )
        else:
            cleaned["next_review_due"] = self.policy_due
        return cleaned


class OutcomeRatingForm(LimitTextMixin, forms.Form):
    rating = forms.ChoiceField(
        choices=OutcomeReview.Rating.choices, widget=forms.RadioSelect, label="Met?"
    )
    person_view = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="In their words"
    )

    def __init__(self, *args, outcome, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome = outcome


class DelegatedLimitForm(LimitTextMixin, forms.ModelForm):
    class Meta:
        model = DelegatedLimit
        fields = ["role", "weekly_limit", "effective_from", "notes"]
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        }
        labels = {"weekly_limit": "Highest weekly cost (£)"}

    backdate_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Why it is backdated",
        help_text="Only for a limit starting before today.",
    )
    confirm_backdate = forms.BooleanField(
        required=False,
        label="I confirm this limit is backdated: it applies from that date to "
        "plans already decided",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Limits are for the roles that sign plans off.
        self.fields["role"].choices = [
            (role.value, role.label) for role in roles_allowed("sign_off_plans")
        ]
        self.fields["weekly_limit"].widget.attrs.update(min="0", step="0.01")

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("effective_from")
        if start is not None:
            problems = limit_date_problems(
                start,
                backdate_reason=cleaned.get("backdate_reason", ""),
                confirm_backdate=cleaned.get("confirm_backdate", False),
            )
            for field, message in problems.items():
                self.add_error(field, message)
        return cleaned


class WithdrawLimitForm(LimitTextMixin, forms.Form):
    limit = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="Why it is withdrawn"
    )
