"""Forms for the programme's figures, meetings and evaluation. They validate and
normalise; the services act."""

import datetime

from django import forms

from sites.programmes import EvaluationQuestion

from .figures import MEASURE_CHOICES
from .programme import PublishedCaseStudy


class MonthField(forms.DateField):
    """A month, typed as 2026-03 (a month picker) or as a date; kept as its 1st."""

    widget = forms.DateInput(attrs={"type": "month"})
    default_error_messages = {
        "invalid": "Enter a month as year and month, e.g. 2026-03.",
    }

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip()
            try:
                return datetime.datetime.strptime(text, "%Y-%m").date()
            except ValueError:
                pass
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class RebaseForm(forms.Form):
    measure = forms.ChoiceField(label="Measure", choices=MEASURE_CHOICES)
    from_period = MonthField(
        label="New limits from (month)",
        help_text="The first month whose points start the new limits.",
    )
    reason = forms.CharField(
        label="Why re-base now?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="E.g. the new practitioner brief was issued, and the process has "
        "changed. Re-base only for a real, lasting change.",
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why the limits are being re-based.")
        return reason


class MeetingCaseStudiesForm(forms.Form):
    case_studies = forms.ModelMultipleChoiceField(
        queryset=PublishedCaseStudy.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Case studies to bring",
        help_text="Only case studies approved for sharing are listed.",
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["case_studies"]
        field.queryset = (
            PublishedCaseStudy.objects.for_programme(programme)
            .shared()
            .select_related("site")
            .order_by("-approved_on", "-id")
        )
        field.label_from_instance = lambda s: (
            f"{s.pseudonym} ({s.age_band}) · {s.site.name} · approved "
            f"{s.approved_on:%-d %B %Y}"
        )


class EvaluationForm(forms.Form):
    """The guide's four questions, each with the version its answer was loaded at."""

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        for question in EvaluationQuestion:
            current = answers.get(question.value)
            self.fields[question.value] = forms.CharField(
                label=question.label,
                required=False,
                initial=current.answer if current else "",
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.fields[f"version_{question.value}"] = forms.IntegerField(
                widget=forms.HiddenInput,
                initial=current.version if current else 0,
                required=False,
            )

    def answers(self):
        return {q.value: self.cleaned_data[q.value] for q in EvaluationQuestion}

    def versions(self):
        return {
            q.value: (
                -1
                if self.cleaned_data.get(f"version_{q.value}") is None
                else self.cleaned_data[f"version_{q.value}"]
            )
            for q in EvaluationQuestion
        }
