from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_scopes.forms import SafeModelChoiceField

from assessments.forms import LimitTextMixin

from .models import Decision, PanelMeeting
from .services import decision_problems


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
        return starts


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
        widget=forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
    )
    review_by = forms.DateField(
        label="Review by",
        required=False,
        help_text="Optional: bring the first review forward to this date.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        cleaned = super().clean()
        if "outcome" in cleaned and "rationale" in cleaned:
            problems = decision_problems(
                cleaned["outcome"],
                cleaned["rationale"],
                cleaned.get("conditions", ""),
                cleaned.get("authorised_weekly"),
                cleaned.get("review_by"),
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
    field_order = ["question", "outcome", "rationale", "conditions"]


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
