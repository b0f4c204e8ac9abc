"""What a browser posts to an assessment's pages, and their addresses: shared by
the assessment page tests (here and test_risks_and_fluctuation.py)."""

from django import forms
from django_scopes import scope, scopes_disabled

from assessments.domains import WellbeingArea
from assessments.models import Assessment
from assessments.sections import BY_KEY
from tests.helpers import url

NEEDS = Assessment.Kind.NEEDS
CARER = Assessment.Kind.CARER
HTMX = {"HTTP_HX_REQUEST": "true"}


# --- Helpers -------------------------------------------------------------------------


def field_values(form):
    """What a browser would post for ``form`` as rendered (initial values)."""
    data = {}
    for field in form:
        value = field.value()
        if isinstance(field.field, forms.BooleanField):
            if value:
                data[field.html_name] = "on"
        elif value is None:
            data[field.html_name] = ""
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        else:
            data[field.html_name] = str(value)
    return data


def section_post(assessment, key, **changes):
    """POST data for one section built from the unbound form/formset: the management
    form, every form's current values and the hidden version; then ``changes``
    (a value of None leaves the field out, as an unticked box is)."""
    with scope(site=assessment.site):
        current = Assessment.objects.get(pk=assessment.pk)
        bound = BY_KEY[key].bind(current)
        data = {"version": str(current.section_version(key))}
        if bound.form is not None:
            data |= field_values(bound.form)
        if bound.formset is not None:
            data |= field_values(bound.formset.management_form)
            for form in bound.formset.forms:
                data |= field_values(form)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def no_impact(changes=()):
    """Every wellbeing area answered "no impact" (nothing is preselected), then
    ``changes``."""
    answers = {f"wellbeing-{i}-level": "none" for i in range(len(WellbeingArea))}
    return answers | dict(changes)


def section_url(assessment, key):
    return url("assessment_section", assessment.code, key)


def detail_url(assessment):
    return url("assessment_detail", assessment.code)


def stored(assessment):
    """The assessment as saved, with its section versions (readable out of scope)."""
    with scopes_disabled():
        return Assessment.objects.prefetch_related("saved_sections").get(
            pk=assessment.pk
        )


def unable(index, reasons=("assistance",)):
    """Changes ticking outcome ``index`` as unachievable, with reasons."""
    return {
        f"outcomes-{index}-unable": "on",
        f"outcomes-{index}-reasons": list(reasons),
    }
