"""Browser journey: an instance administrator restores the demo's site from its
archive in the admin, beside the original, and sees every count verified."""

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from sites.models import Site, User
from sites.portability.export import export_site

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def test_a_superuser_restores_a_site_from_the_admin(page, demo, tmp_path):
    User.objects.create_superuser("root-admin", "root@example.org", "carehub-demo")
    archive = tmp_path / "northshire.zip"
    with scopes_disabled():
        export_site(Site.objects.get(slug="northshire"), archive)

    sign_in(page, "root-admin")
    page.goto("/admin/sites/site/")
    page.get_by_role("link", name="Restore a site from an archive").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Restore a site from an archive"
    )
    page.get_by_label("Site archive").set_input_files(archive)
    page.get_by_label("Restore under the short name").fill("northshire-copy")
    page.screenshot(path=tmp_path / "restore-form.png", full_page=True)
    page.get_by_role("button", name="Check the archive").click()

    expect(page.get_by_text("The archive is sound.")).to_be_visible()
    page.screenshot(path=tmp_path / "restore-check.png", full_page=True)
    page.get_by_role("button", name="Restore as northshire-copy").click()

    expect(page).to_have_url(re.compile(r"/admin/sites/site/restore/[0-9a-f-]+/$"))
    expect(page.get_by_text("Restored, and every count verified.")).to_be_visible()
    expect(page.get_by_text("Differs")).to_have_count(0)
    page.screenshot(path=tmp_path / "restore-done.png", full_page=True)
    page.get_by_role("link", name=re.compile(r"\(northshire-copy\)")).first.click()
    expect(page).to_have_url(re.compile(r"/admin/sites/site/\d+/change/$"))
