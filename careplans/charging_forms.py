"""Forms for what a person pays (issue 12 item 7): they validate, never act."""

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone

from .charging import FinancialAssessment
from .charging_services import AMOUNT_TOO_LARGE, contribution_problems

# A direct payment agreement is signed within a year either side of today.
AGREEMENT_WINDOW = relativedelta(years=1)


def check_agreement_date(agreed_on):
    """The direct payment agreement's date, refused more than a year away."""
    today = timezone.localdate()
    if agreed_on and agreed_on > today + AGREEMENT_WINDOW:
        raise forms.ValidationError(
            "The agreement date is more than a year ahead: enter the date it was (or "
            "will be) signed."
        )
    if agreed_on and agreed_on < today - relativedelta(years=10):
        raise forms.ValidationError(
            "The agreement date is more than ten years ago: check the year."
        )
    return agreed_on


class FinancialAssessmentForm(forms.ModelForm):
    class Meta:
        model = FinancialAssessment
        fields = ["outcome", "weekly_contribution", "assessed_on"]
        widgets = {
            "outcome": forms.RadioSelect,
            "assessed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "outcome": "“Pays the full cost” when their capital is above the upper "
            "limit, or they chose not to have their finances assessed.",
            "weekly_contribution": "Only for “Pays a weekly contribution”: the amount "
            "the financial assessment found, a week. They never pay more than their "
            "personal budget.",
        }
        error_messages = {
            "outcome": {"required": "Choose what the financial assessment found."},
            "assessed_on": {
                "required": "Enter the date of the financial assessment.",
                "invalid": "Enter the date as day, month and year.",
            },
            "weekly_contribution": {
                "invalid": "Enter the contribution in pounds and pence, e.g. 28.40.",
                "max_value": AMOUNT_TOO_LARGE,
                "max_digits": AMOUNT_TOO_LARGE,
                "max_whole_digits": AMOUNT_TOO_LARGE,
                "max_decimal_places": "Enter pounds and pence: at most two figures "
                "after the point.",
                "min_value": "A contribution cannot be below zero.",
            },
        }

    def __init__(self, *args, budget=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget = budget
        self.fields["outcome"].choices = FinancialAssessment.Outcome.choices
        amount = self.fields["weekly_contribution"]
        amount.widget.attrs.update(min="0", step="0.01", inputmode="decimal")
        if not self.is_bound and not self.initial.get("assessed_on"):
            self.initial["assessed_on"] = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        problems = contribution_problems(
            outcome,
            cleaned.get("weekly_contribution"),
            cleaned.get("assessed_on"),
            budget=self.budget,
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        if outcome and outcome != FinancialAssessment.Outcome.CONTRIBUTES:
            cleaned["weekly_contribution"] = None
        return cleaned
