from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from .models import AuditEvent, Membership

TEXT_LIMIT = 10_000


class LimitTextMixin:
    """Every multi-line text field gets a length limit with a clear message, and
    three rows rather than Django's ten (a form of empty boxes)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and isinstance(
                field.widget, forms.Textarea
            ):
                if field.max_length is None:
                    # A field with its own max_length already has its validator.
                    field.max_length = TEXT_LIMIT
                    field.validators.append(MaxLengthValidator(TEXT_LIMIT))
                if str(field.widget.attrs.get("rows", "10")) == "10":
                    field.widget.attrs["rows"] = 3
                field.widget.attrs["maxlength"] = field.max_length


class AuditFilterForm(forms.Form):
    """Filters for the site's audit events. Every field is optional."""

    user = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Anyone", label="Member of staff"
    )
    kind = forms.ChoiceField(required=False, label="What happened")
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    # The person whose records the events are about, by public id: never a name in
    # the address (names are looked up with a POST, see FindPersonForm).
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)

        member_ids = Membership.objects.filter(site=site).values("user_id")
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(pk__in=member_ids)
            .order_by("first_name", "last_name", "username")
        )
        self.fields["user"].label_from_instance = lambda u: u.display_name
        self.fields["kind"].choices = [("", "Any"), *AuditEvent.Kind.choices]

    # A sensible window (issue 10 item 9): the trail starts this century and ends
    # today; 9999-12-31 once crashed the search ("the day after" overflows).
    EARLIEST = date(2000, 1, 1)

    def _in_window(self, name):
        day = self.cleaned_data.get(name)
        if day is not None and not (self.EARLIEST <= day <= timezone.localdate()):
            raise forms.ValidationError(
                "Choose a date between 1 January 2000 and today."
            )
        return day

    def clean_date_from(self):
        return self._in_window("date_from")

    def clean_date_to(self):
        return self._in_window("date_to")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned


class FindPersonForm(forms.Form):
    """Whose record: a name, NHS number or postcode, posted (kept out of the address)."""

    find = forms.CharField(
        label="Person",
        max_length=100,
        help_text="A name, NHS number or postcode.",
        error_messages={"required": "Type a name, NHS number or postcode to search."},
    )


def error_text(error) -> str:
    """A service's ValidationError as one plain sentence for a message or a form."""
    return " ".join(error.messages)


def add_service_errors(form, error):
    """Put a service's ValidationError beside the fields it names (else at the top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error_text(error))
