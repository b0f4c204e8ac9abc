"""The sections of an assessment, each an object that owns its form, its template
fragments and its save.

Each section is saved on its own, so nothing waits for the whole form and two officers
can work on different sections of one draft. The section view binds one to the
posted data, saves it and renders it; nothing compares section names. A section's
version (the optimistic lock) is its ``AssessmentSection`` row.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, Form

from sites.forms import error_text
from sites.versioning import STALE, VersionedEdit

from . import forms as f
from . import legal_forms, services
from .models import Assessment, AssessmentSection

Key = AssessmentSection.Key
BOTH_KINDS = (Assessment.Kind.NEEDS, Assessment.Kind.CARER)
CARERS_ONLY = (Assessment.Kind.CARER,)
TEMPLATES = "assessments/sections"


@dataclass(frozen=True)
class Section:
    """A section whose form edits fields of the assessment itself."""

    key: Key
    read_template: str  # the section as saved, for reading (and beside a stale save)
    form_class: type | None = None  # a ModelForm on the assessment
    form_template: str = f"{TEMPLATES}/_form.html"
    intro: str = ""
    kinds: tuple = BOTH_KINDS
    submit_label: str = "Save this section"

    @property
    def title(self) -> str:
        return self.key.label

    @property
    def feeds_eligibility(self) -> bool:
        return self.key in AssessmentSection.ELIGIBILITY_INPUTS

    def applies_to(self, assessment) -> bool:
        return assessment.kind in self.kinds

    def bind(self, assessment, data=None):
        """The section's forms bound to ``data`` (posted, or kept across a time-out)
        or to the saved values, at the version they were loaded at."""
        return BoundSection(
            section=self,
            assessment=assessment,
            form=self.make_form(assessment, data),
            formset=self.make_formset(assessment, data),
            edit=VersionedEdit.start(assessment.section_version(self.key), data),
        )

    def read_only(self, assessment):
        """The section shown, not edited (a completed assessment, or a reader)."""
        return BoundSection(section=self, assessment=assessment)

    def make_form(self, assessment, data):
        if self.form_class is None:
            return None
        return self.form_class(data, instance=assessment, prefix=self.key)

    def make_formset(self, assessment, data):
        return None

    def write(self, bound, locked):
        """Store the validated input on the locked, freshly read assessment."""
        form = bound.form
        names = [name for name in form.Meta.fields if name in form.cleaned_data]
        for name in names:
            setattr(locked, name, form.cleaned_data[name])
        locked.save(update_fields=[*names, "updated_at"])

    def save(self, bound, *, by):
        """Save validated input through the services (which refuse a stale save)."""
        return services.save_section(
            bound.assessment,
            section=self.key,
            expected_version=bound.edit.version,
            by=by,
            write=lambda locked: self.write(bound, locked),
        )


@dataclass(frozen=True)
class OutcomesSection(Section):
    """The Care Act outcomes grid, and the condition questions beside it."""

    def make_formset(self, assessment, data):
        return f.OutcomeRatingFormSet(
            data,
            queryset=assessment.outcome_ratings.all(),
            prefix=self.key,
            form_kwargs={"carer": assessment.is_carer},
        )

    def write(self, bound, locked):
        super().write(bound, locked)
        bound.formset.save()


@dataclass(frozen=True)
class WellbeingSection(Section):
    """One row per area of wellbeing; nothing on the assessment itself."""

    def make_formset(self, assessment, data):
        return f.WellbeingFormSet(
            data, queryset=assessment.wellbeing_impacts.all(), prefix=self.key
        )

    def write(self, bound, locked):
        bound.formset.save()


@dataclass(frozen=True)
class RowsSection(Section):
    """Rows that belong to the assessment, added, changed and removed together."""

    formset_class: type | None = None
    row_label: str = ""  # "Need" 1, 2...
    new_row_label: str = ""  # "Add a need"
    form_template: str = f"{TEMPLATES}/_rows.html"

    def make_formset(self, assessment, data):
        return self.formset_class(data, instance=assessment, prefix=self.key)

    def write(self, bound, locked):
        bound.formset.instance = locked
        bound.formset.save()


@dataclass(frozen=True)
class EligibilitySection(Section):
    """Worked out from the answers; the officer confirms it (its own service)."""

    submit_label: str = "Confirm eligibility"

    def save(self, bound, *, by):
        return services.confirm_eligibility(
            bound.assessment,
            by=by,
            expected_version=bound.edit.version,
            note=bound.form.cleaned_data.get("eligibility_note", ""),
        )


@dataclass(slots=True)
class BoundSection:
    """One section of one assessment on a page: its forms (none when only read), the
    version they carry, and how the last save went."""

    section: Section
    assessment: Assessment
    form: Form | None = None
    formset: BaseFormSet | None = None
    edit: VersionedEdit | None = None  # None when the section is only read
    error: str = ""  # why the last save was refused
    saved: bool = False  # just saved (the page says so)

    @property
    def key(self):
        return self.section.key

    @property
    def title(self):
        return self.section.title

    @property
    def editable(self) -> bool:
        return self.edit is not None

    def is_valid(self) -> bool:
        valid = True
        if self.form is not None:
            valid = self.form.is_valid() and valid
        if self.formset is not None:
            valid = self.formset.is_valid() and valid
        return valid

    def save(self, *, by, latest) -> bool:
        """Validate and save. A refusal is kept for the page; when it is stale,
        ``latest()`` reads the assessment as now saved, to show beside the input."""
        if not self.is_valid():
            return False
        try:
            self.section.save(self, by=by)
        except ValidationError as error:
            self.error = error_text(error)
            if error.code == STALE:
                now = latest()
                self.edit.refused(
                    error, latest=now, version=now.section_version(self.key)
                )
            return False
        return True


INVOLVEMENT = Section(
    Key.INVOLVEMENT,
    read_template=f"{TEMPLATES}/involvement.html#read",
    form_class=f.InvolvementForm,
    intro="Everyone who took part, and the date of the assessment.",
)
WHAT_MATTERS = Section(
    Key.WHAT_MATTERS,
    read_template=f"{TEMPLATES}/what_matters.html#read",
    form_class=f.WhatMattersForm,
)
STRENGTHS = Section(
    Key.STRENGTHS,
    read_template=f"{TEMPLATES}/strengths.html#read",
    form_class=f.StrengthsForm,
)
CARING_ROLE = Section(
    Key.CARER,
    read_template=f"{TEMPLATES}/carer.html#read",
    form_class=f.CarerSectionForm,
    kinds=CARERS_ONLY,
    intro="Whether they are able and willing to care, now and in future, and what "
    "caring means for the rest of their life.",
)
OUTCOMES = OutcomesSection(
    Key.OUTCOMES,
    read_template=f"{TEMPLATES}/outcomes.html#read",
    form_class=f.OutcomesConditionForm,
    form_template=f"{TEMPLATES}/outcomes.html#form",
    intro="For each outcome: can they achieve it? If not, why (the statutory reasons).",
)
WELLBEING = WellbeingSection(
    Key.WELLBEING,
    read_template=f"{TEMPLATES}/wellbeing.html#read",
    form_template=f"{TEMPLATES}/wellbeing.html#form",
    intro="The areas of wellbeing in section 1 of the Care Act, in no order of "
    "priority.",
)
ELIGIBILITY = EligibilitySection(
    Key.ELIGIBILITY,
    read_template=f"{TEMPLATES}/eligibility.html#read",
    form_class=f.EligibilityConfirmForm,
    form_template=f"{TEMPLATES}/eligibility.html#form",
    intro="Worked out from the answers above by the Eligibility Regulations 2015. "
    "Check the reasoning, then confirm it.",
)
NEEDS = RowsSection(
    Key.NEEDS,
    read_template=f"{TEMPLATES}/needs.html#read",
    formset_class=f.NeedFormSet,
    row_label="Need",
    new_row_label="a need",
    intro="Each need in plain words, the outcomes it relates to, and the standard "
    "service the team would usually offer — so the plan can later be compared "
    "with it.",
)
FLUCTUATION = Section(
    Key.FLUCTUATION,
    read_template=f"{TEMPLATES}/fluctuation.html#read",
    form_class=legal_forms.FluctuationForm,
    kinds=(Assessment.Kind.NEEDS,),
    intro="Where needs fluctuate, eligibility looks at their circumstances over a "
    "period long enough to establish their overall level of need (Eligibility "
    "Regulations 2015, reg. 2(3)). Rate the outcomes above on that period.",
)
RISKS = RowsSection(
    Key.RISKS,
    read_template=f"{TEMPLATES}/risks.html#read",
    formset_class=legal_forms.RiskFormSet,
    row_label="Risk",
    new_row_label="a risk",
    intro="Each risk, how likely and how serious, what reduces it, and the person's "
    "own view of the risk they choose to take. The plan's contingency answers these.",
)
DESIRED_OUTCOMES = RowsSection(
    Key.DESIRED_OUTCOMES,
    read_template=f"{TEMPLATES}/desired_outcomes.html#read",
    formset_class=f.DesiredOutcomeFormSet,
    row_label="Outcome",
    new_row_label="an outcome",
    intro="Write down what the person (and their carer) said they want, as they said "
    "it. Not the service: the outcome.",
)

SECTIONS = [
    INVOLVEMENT,
    WHAT_MATTERS,
    STRENGTHS,
    CARING_ROLE,
    OUTCOMES,
    WELLBEING,
    FLUCTUATION,
    ELIGIBILITY,
    NEEDS,
    RISKS,
    DESIRED_OUTCOMES,
]
BY_KEY = {section.key: section for section in SECTIONS}


def sections_for(assessment):
    return [s for s in SECTIONS if s.applies_to(assessment)]
