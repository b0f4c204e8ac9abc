"""What the legal record's tests share: dates around today, the address of a
person's legal-record page, and the errors of a form that must be invalid."""

from datetime import date, timedelta

from django.urls import reverse

TODAY = date.today()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()


def url(name, person, *args, site="alpha"):
    return reverse(name, args=[site, person.code, *args])


def form_errors(form):
    assert not form.is_valid()
    return form.errors
