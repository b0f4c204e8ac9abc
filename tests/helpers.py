"""Small helpers many test modules share: one home each, imported rather than copied
(issue 8, item 11). Fixtures live in conftest.py; builders in factories.py,
plan_factories.py and panels/factories.py."""

import html
import io
import re

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled

from sites.models import AuditEvent

SITE = "alpha"  # the slug of conftest's site_a


def url(name, *args, site=SITE):
    """The address of a site page, at site A unless ``site`` names another:
    ``url("plan_detail", plan.code)``."""
    return reverse(name, args=[site, *args])


def page_text_of(fragment):
    """Markup as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def page_text(response):
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return page_text_of(response.content.decode())


def links(response):
    """Every address a page links to, posts to or loads (href, action, src, htmx)."""
    markup = response.content.decode()
    return re.findall(r'(?:href|action|src|hx-get|hx-post)="([^"]*)"', markup)


def messages_of(response):
    """The messages (django.contrib.messages) a response shows, as text."""
    return [str(m) for m in response.context["messages"]]


def reload(obj):
    """A fresh copy of ``obj`` from the database, inside a site's scope or not."""
    with scopes_disabled():
        return type(obj).objects.get(pk=obj.pk)


def pdf_text(response):
    """All the text of a PDF response, with the line breaks of layout collapsed."""
    assert response.content.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def refused(code, call, *args, **kwargs):
    """``call`` raises a ValidationError with ``code``; its messages, in one string."""
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code
    return " ".join(caught.value.messages)


def transitions(obj):
    """The workflow audit events about a record, oldest first."""
    return list(
        AuditEvent.objects.filter(
            kind=AuditEvent.Kind.TRANSITION, object_code=str(obj.code)
        ).order_by("id")
    )
