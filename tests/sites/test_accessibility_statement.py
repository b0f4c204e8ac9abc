"""The accessibility statement: public, linked from every page's footer, and true to
the checks CI runs (the axe-core version it names is the one vendored)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse


def _vendored_axe_version():
    path = settings.BASE_DIR / "static" / "vendor" / "axe-core" / "axe.min.js"
    with path.open(encoding="utf-8") as source:
        return re.match(r"/\*! axe v(\S+)", source.readline()).group(1)


@pytest.mark.django_db
def test_anyone_can_read_the_statement_without_signing_in(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html
    assert "Accessibility statement for CareHub" in html
    assert "partially compliant" in html
    assert "Enforcement procedure" in html


@pytest.mark.django_db
def test_the_statement_names_the_axe_core_version_the_tests_run(client):
    html = client.get(reverse("accessibility")).content.decode()
    assert f"axe-core {_vendored_axe_version()}" in html


@pytest.mark.django_db
def test_the_footer_links_to_it_before_and_after_signing_in(client, officer):
    link = f'href="{reverse("accessibility")}"'
    assert link in client.get(reverse("login")).content.decode()
    client.force_login(officer)
    assert link in client.get(reverse("site_home", args=["alpha"])).content.decode()
