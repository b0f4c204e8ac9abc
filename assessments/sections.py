"""The sections of an assessment. Each is saved on its own, so nothing waits for the
whole form and two officers can work on different sections of one draft."""

from dataclasses import dataclass

from . import forms as f
from .models import Assessment

NEEDS, CARER = Assessment.Kind.NEEDS, Assessment.Kind.CARER


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    kinds: tuple = (NEEDS, CARER)
    form_class: type | None = None  # a ModelForm on the assessment itself
    formset_class: type | None = None  # rows belonging to the assessment
    rows: str = ""  # related name of those rows (for the formset queryset)
    intro: str = ""

    def applies_to(self, assessment) -> bool:
        return assessment.kind in self.kinds


SECTIONS = [
    Section(
        "involvement",
        "Who was involved",
        form_class=f.InvolvementForm,
        intro="Everyone who took part, and the date of the assessment.",
    ),
    Section(
        "what_matters",
        "What matters to them",
        form_class=f.WhatMattersForm,
    ),
    Section(
        "strengths",
        "Strengths and support already around them",
        form_class=f.StrengthsForm,
    ),
    Section(
        "carer",
        "Their caring role",
        kinds=(CARER,),
        form_class=f.CarerSectionForm,
        intro="Whether they are able and willing to care, now and in future, and what "
        "caring means for the rest of their life.",
    ),
    Section(
        "outcomes",
        "Care Act outcomes",
        form_class=f.OutcomesConditionForm,
        formset_class=f.OutcomeRatingFormSet,
        rows="outcome_ratings",
        intro="For each outcome: can they achieve it? If not, why (the statutory reasons).",
    ),
    Section(
        "wellbeing",
        "Impact on wellbeing",
        formset_class=f.WellbeingFormSet,
        rows="wellbeing_impacts",
        intro="The areas of wellbeing in section 1 of the Care Act, in no order of "
        "priority.",
    ),
    Section(
        "eligibility",
        "Eligibility",
        form_class=f.EligibilityConfirmForm,
        intro="Worked out from the answers above by the Eligibility Regulations 2015. "
        "Check the reasoning, then confirm it.",
    ),
    Section(
        "needs",
        "Needs, and what would usually be offered",
        formset_class=f.NeedFormSet,
        rows="needs",
        intro="Each need in plain words, the outcomes it relates to, and the standard "
        "service the team would usually offer — so the plan can later be compared "
        "with it.",
    ),
    Section(
        "desired_outcomes",
        "What they want, in their own words",
        formset_class=f.DesiredOutcomeFormSet,
        rows="desired_outcomes",
        intro="Write down what the person (and their carer) said they want, as they said "
        "it. Not the service: the outcome.",
    ),
]

BY_KEY = {section.key: section for section in SECTIONS}


def sections_for(assessment):
    return [s for s in SECTIONS if s.applies_to(assessment)]


@dataclass
class BoundSection:
    """A section's form and/or formset, bound to POST data or to the saved values."""

    section: Section
    form: object = None
    formset: object = None
    version: int = 0
    stale: bool = False
    saved: bool = False

    @property
    def key(self):
        return self.section.key

    @property
    def title(self):
        return self.section.title

    def is_valid(self) -> bool:
        valid = True
        if self.form is not None:
            valid = self.form.is_valid() and valid
        if self.formset is not None:
            valid = self.formset.is_valid() and valid
        return valid

    def write(self, locked):
        """Save the validated input onto the (locked, fresh) assessment."""
        if self.form is not None and self.section.key != "eligibility":
            for name in self.form.Meta.fields:
                if name in self.form.cleaned_data:
                    setattr(locked, name, self.form.cleaned_data[name])
            locked.save(update_fields=[*self.form.cleaned_data.keys(), "updated_at"])
        if self.formset is not None:
            self.formset.instance = locked
            self.formset.save()


def bind(section, assessment, data=None):
    prefix = section.key
    bound = BoundSection(section, version=assessment.section_version(section.key))
    if section.form_class is not None:
        bound.form = section.form_class(data, instance=assessment, prefix=prefix)
    if section.formset_class is not None:
        rows = getattr(assessment, section.rows).all()
        if issubclass(section.formset_class, f.forms.BaseInlineFormSet):
            bound.formset = section.formset_class(
                data, instance=assessment, prefix=prefix
            )
        else:
            bound.formset = section.formset_class(
                data,
                queryset=rows,
                prefix=prefix,
                form_kwargs={"carer": assessment.is_carer}
                if section.key == "outcomes"
                else {},
            )
    return bound
