"""The one error summary every form uses (the GOV.UK pattern).

``base.html`` asks ``{% page_errors as page_errors %}`` once: it finds the forms and
formsets in the page's context by itself, so a new form gets its summary with no work,
puts "Error: " before the page title, and shows ``components/error_summary.html`` at
the top of the main content. A fragment swapped by htmx names its forms instead:
``{% error_summary s.form s.formset level=3 %}``.

Each error links to its field (the first box of a group of radios or ticks), so a
keyboard or screen-reader user goes straight to what needs correcting.
"""

from dataclasses import dataclass

from django import template
from django.forms import (
    BaseForm,
    BaseFormSet,
    CheckboxSelectMultiple,
    MultiWidget,
    RadioSelect,
)
from django.template.loader import render_to_string

register = template.Library()

_FORMISH = (BaseForm, BaseFormSet)
# What a formset's row calls itself in the summary, when its form says: a form may set
# ``summary_label``; the assessment's outcome rows already carry ``domain_label``.
# Otherwise "row 2".
ROW_NAMES = ("summary_label", "domain_label")


@dataclass(frozen=True)
class PageError:
    message: str
    label: str = ""
    target: str = ""  # the id of the input to link to, "" for none


def _is_formish(value):
    # type(), not isinstance(): isinstance would evaluate a lazy object (the CSRF
    # token, the user) just to look at it.
    return issubclass(type(value), _FORMISH)


def _forms_in(context):
    """Forms and formsets in the template context, and lists of them (or of
    ``(label, form)`` pairs, as a page of one form per role passes), once each."""
    found = {}
    for value in context.flatten().values():
        if _is_formish(value):
            found[id(value)] = value
        elif type(value) in (list, tuple):
            for item in value:
                if type(item) is tuple:
                    for part in item:
                        if _is_formish(part):
                            found[id(part)] = part
                elif _is_formish(item):
                    found[id(item)] = item
    return list(found.values())


def _input_id(bound_field):
    widget = bound_field.field.widget
    if not bound_field.auto_id:
        return ""
    if isinstance(widget, RadioSelect | CheckboxSelectMultiple | MultiWidget):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def _first_input_id(form):
    for bound_field in form.visible_fields():
        if target := _input_id(bound_field):
            return target
    return ""


def _form_errors(form, row=None):
    if not form.is_bound:
        return
    for message in form.non_field_errors():
        yield PageError(message, target=_first_input_id(form))
    for bound_field in form.hidden_fields():
        for message in bound_field.errors:
            yield PageError(message)
    for bound_field in form.visible_fields():
        label = str(bound_field.label)
        if row is not None:
            label = f"{label} ({row})"
        for message in bound_field.errors:
            yield PageError(message, label=label, target=_input_id(bound_field))


def _row_name(form, number):
    for attribute in ROW_NAMES:
        if name := getattr(form, attribute, None):
            return str(name)
    return f"row {number}"


def errors_of(forms):
    """Every error of these forms and formsets, in page order, each once."""
    seen = set()
    for form in forms:
        if form is None or not getattr(form, "is_bound", False):
            continue
        if isinstance(form, BaseFormSet):
            items = [PageError(m) for m in form.non_form_errors()]
            for row, member in enumerate(form.forms, start=1):
                items.extend(_form_errors(member, _row_name(member, row)))
        else:
            items = list(_form_errors(form))
        for item in items:
            if item not in seen:
                seen.add(item)
                yield item


@register.simple_tag(takes_context=True)
def page_errors(context):
    """The errors of every form on the page (for base.html)."""
    return list(errors_of(_forms_in(context)))


@register.simple_tag
def error_summary(*forms, errors=None, level=2):
    """The summary for these forms (or for ``errors`` already gathered)."""
    if errors is None:
        errors = list(errors_of(forms))
    if not errors:
        return ""
    return render_to_string(
        "components/error_summary.html", {"errors": errors, "level": level}
    )
