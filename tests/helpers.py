"""Small helpers many test modules share: one home each, imported rather than copied
(issue 8, item 11). Fixtures live in conftest.py; builders in factories.py,
plan_factories.py and panels/factories.py."""

import io

import pypdf
from django.urls import reverse
from django_scopes import scopes_disabled

SITE = "alpha"  # the slug of conftest's site_a


def url(name, *args):
    """The address of a site page at site A: ``url("plan_detail", plan.code)``."""
    return reverse(name, args=[SITE, *args])


def reload(obj):
    """A fresh copy of ``obj`` from the database, inside a site's scope or not."""
    with scopes_disabled():
        return type(obj).objects.get(pk=obj.pk)


def pdf_text(response):
    """All the text of a PDF response, with the line breaks of layout collapsed."""
    assert response.content.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())
