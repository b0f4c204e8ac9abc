from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_scopes.forms import SafeModelChoiceField

from sites.forms import LimitTextMixin
from sites.money import amount_validators, format_gbp
from sites.text import shorten

from .models import Decision, PanelMeeting
from .services import MEETING_WINDOW, decision_problems, meeting_date_problem


class MeetingForm(forms.ModelForm):
    class Meta:
        model = PanelMeeting
        fields = ["panel", "starts_at", "place"]
        field_classes = {"panel": SafeModelChoiceField}
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, panels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = panels
        self.fields["panel"].empty_label = None

    def clean_starts_at(self):
        starts = self.cleaned_data["starts_at"]
        if starts < timezone.now() - timezone.timedelta(days=1):
            raise forms.ValidationError("A new meeting cannot be in the past.")
        if timezone.localtime(starts).date() > timezone.localdate() + MEETING_WINDOW:
            raise forms.ValidationError("Choose a date within the next two years.")
        return starts


class RescheduleForm(LimitTextMixin, forms.Form):
    starts_at = forms.DateTimeField(
        label="New date and time",
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why it is moved",
        help_text="Recorded in the audit trail with the old and new dates.",
    )

    def clean_starts_at(self):
        starts = self.cleaned_data["starts_at"]
        problem = meeting_date_problem(starts)
        if problem:
            raise forms.ValidationError(problem)
        return starts


class InterestForm(LimitTextMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Your interest",
        help_text="E.g. “The person is my neighbour.” You take no part in this "
        "decision.",
    )


class AddItemForm(LimitTextMixin, forms.Form):
    plan = forms.UUIDField(widget=forms.HiddenInput)
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="The question put to the panel",
        help_text="E.g. “Will the panel fund dial-a-ride to lunch twice a week in place "
        "of community meals?”",
    )


class MoveItemForm(forms.Form):
    to = forms.ModelChoiceField(queryset=PanelMeeting.objects.none(), label="Move to")

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = meetings
        self.fields["to"].label_from_instance = lambda m: (
            f"{timezone.localtime(m.starts_at):%d %B %Y, %H:%M} · {m.place}"
        )


class OpenMeetingForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Who is present",
        required=False,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = people
        self.fields["present"].label_from_instance = lambda u: u.display_name


class DecisionForm(LimitTextMixin, forms.Form):
    """A panel decision. The same rules as the service (reasons, conditions, amount,
    review date), checked here so each message sits beside its field."""

    outcome = forms.ChoiceField(
        choices=Decision.Outcome.choices, widget=forms.RadioSelect, label="Decision"
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reasons for the decision",
        help_text="Required. Written reasons: the person and officer will read them.",
    )
    conditions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Conditions"
    )
    authorised_weekly = forms.DecimalField(
        label="Authorised weekly amount (£)",
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text="Required for an approval.",
        validators=amount_validators(
            not_negative="The authorised amount cannot be below zero."
        ),
        widget=forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
    )
    declined = forms.MultipleChoiceField(
        label="Responses the panel declines",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to decide on the plan as a whole. Declining any "
        "means “approved in part”.",
    )
    difference_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="What differs from the plan, and why",
        help_text="Required when the amount is not the plan's cost or a response is "
        "declined.",
    )
    review_by = forms.DateField(
        label="Review by",
        required=False,
        help_text="Optional: bring the first review forward to this date (within a "
        "year).",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, responses=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The plan's funded responses: the panel may decide on each.
        self.responses = responses
        choices = [
            (
                str(r.code),
                f"{shorten(r.description, 80)} ({format_gbp(r.weekly_cost)} a week)",
            )
            for r in responses or []
        ]
        if choices:
            self.fields["declined"].choices = choices
        else:
            del self.fields["declined"]

    def clean(self):
        cleaned = super().clean()
        if "outcome" in cleaned and "rationale" in cleaned:
            problems = decision_problems(
                cleaned["outcome"],
                cleaned["rationale"],
                cleaned.get("conditions", ""),
                cleaned.get("authorised_weekly"),
                cleaned.get("review_by"),
                responses=self.responses,
                declined=cleaned.get("declined", ()),
                difference_reason=cleaned.get("difference_reason", ""),
            )
            for field, message in problems.items():
                if field not in self.errors:
                    self.add_error(field, message)
        return cleaned


class ChairsActionForm(DecisionForm):
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="The question decided",
    )
    urgency = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why it could not wait for the next meeting",
        help_text="Required. Reported to the next meeting with the decision.",
        error_messages={
            "required": "Say why this could not wait for the next meeting, in a "
            "sentence or more."
        },
    )
    field_order = ["question", "urgency", "outcome", "rationale", "conditions"]


class PersonToldForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["person_told_on"]
        widgets = {
            "person_told_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_told_on"].required = True


def site_users(ids):
    return (
        get_user_model().objects.filter(pk__in=ids).order_by("first_name", "last_name")
    )
