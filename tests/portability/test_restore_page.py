"""An instance administrator restores a site from the browser (issue 13 item 3): the
upload is checked first and its manifest shown, the restore runs as a background job
after confirming, every count is verified, the upload is deleted; tampered archives
and short names in use are refused with nothing written; only superusers may."""

import re

import pytest
from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.urls import reverse
from django_scopes import scopes_disabled

from sites.models import AuditEvent, Job, Site
from sites.portability import restore_views
from sites.portability.catalogue import catalogue
from sites.portability.export import export_site
from sites.portability.jobs import REFUSED_ACTION, RESTORED_ACTION, UPLOADS
from sites.portability.restore_views import SALT
from tests.factories import UserFactory
from tests.portability.conftest import rewrite_archive

pytestmark = pytest.mark.django_db

START = reverse("admin:sites_site_restore")
CONFIRM = reverse("admin:sites_site_restore_confirm")


@pytest.fixture(autouse=True)
def own_files(settings, tmp_path):
    """Each test its own storage folder, so no upload is left for the next one."""
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def superuser():
    return UserFactory(username="root-admin", is_staff=True, is_superuser=True)


@pytest.fixture
def archive(records, site_a, tmp_path):
    """Site A (one of every record) exported with the site exporter."""
    path = tmp_path / "alpha.zip"
    with scopes_disabled():
        export_site(site_a, path)
    return path


def _upload(client, path, **fields):
    with path.open("rb") as handle:
        return client.post(START, {"archive": handle, "slug": "", "name": "", **fields})


def _token(page):
    return re.search(r'name="token" value="([^"]+)"', page.text).group(1)


def _uploads():
    try:
        folders, _files = default_storage.listdir(UPLOADS)
    except FileNotFoundError:
        return []
    return [f for f in folders if default_storage.exists(f"{UPLOADS}/{f}/archive.zip")]


def _counts(site):
    return {
        entry.label: entry.model._base_manager.filter(site=site).count()
        for entry in catalogue()
    }


def _refusals():
    with scopes_disabled():
        return list(
            AuditEvent.objects.filter(action=REFUSED_ACTION).values_list(
                "details", flat=True
            )
        )


def test_a_superuser_restores_a_site_from_the_browser_and_every_count_is_verified(
    client, superuser, site_a, archive
):
    client.force_login(superuser)
    sites = client.get(reverse("admin:sites_site_changelist"))
    assert START in sites.text
    assert "Restore a site from an archive" in client.get(START).text

    checked = _upload(client, archive, slug="alpha-copy", name="Alpha restored")
    assert checked.status_code == 200
    assert "The archive is sound." in checked.text
    assert "Alpha Council (alpha)" in checked.text
    assert "Alpha restored (alpha-copy)" in checked.text
    assert "People" in checked.text
    # Verifying wrote nothing but the upload, kept for the restore.
    assert not Site.objects.filter(slug="alpha-copy").exists()
    token = _token(checked)
    upload = signing.loads(token, salt=SALT)["upload"]
    assert default_storage.exists(upload)

    started = client.post(CONFIRM, {"token": token})
    with scopes_disabled():
        job = Job.objects.get(site=None, kind="site_restore")
    assert started.status_code == 302
    assert started["Location"] == reverse(
        "admin:sites_site_restore_job", kwargs={"code": job.code}
    )
    # The immediate backend ran it before the page answered.
    assert job.status == Job.Status.DONE, job.error
    assert job.user == superuser
    assert job.outcome["verified"] is True
    assert not default_storage.exists(upload)
    assert _uploads() == []

    restored = Site.objects.get(slug="alpha-copy")
    assert restored.name == "Alpha restored"
    with scopes_disabled():
        original, copy = _counts(site_a), _counts(restored)
    # The restored site's trail also says it was restored.
    copy["sites.AuditEvent"] -= 1
    assert copy == original
    assert sum(original.values()) > 30
    for row in job.outcome["counts"]:
        assert row["expected"] == row["restored"], row

    result = client.get(started["Location"])
    assert "Restored, and every count verified." in result.text
    assert reverse("admin:sites_site_change", args=[restored.pk]) in result.text
    assert "Matches" in result.text
    assert "Differs" not in result.text
    with scopes_disabled():
        event = AuditEvent.objects.get(action=RESTORED_ACTION)
    assert (event.site, event.user) == (restored, superuser)
    assert event.details["verified"] is True


def test_a_tampered_archive_is_refused_with_nothing_written(
    client, superuser, archive, tmp_path
):
    tampered = rewrite_archive(
        archive,
        tmp_path / "tampered.zip",
        change={"assessments.Person.jsonl": lambda data: data.replace(b"a", b"b", 1)},
    )
    sites_before = Site.objects.count()
    client.force_login(superuser)

    page = _upload(client, tampered, slug="alpha-copy", name="Kept name")
    assert page.status_code == 200
    assert "Nothing was changed." in page.text
    assert "assessments.Person.jsonl does not match its SHA-256 checksum" in page.text
    # What was typed is kept; the file must be chosen again.
    assert 'value="alpha-copy"' in page.text
    assert 'value="Kept name"' in page.text
    assert Site.objects.count() == sites_before
    with scopes_disabled():
        assert not Job.objects.filter(site=None).exists()
    assert _uploads() == []
    (refusal,) = _refusals()
    assert refusal["stage"] == "check"
    assert "SHA-256" in refusal["reason"]


def test_a_manifest_shaped_unlike_ours_is_refused_not_an_error(
    client, superuser, archive, tmp_path
):
    def odd(manifest):
        manifest["files"].append({"file_of": "assessments.Document"})
        return manifest

    odd_archive = rewrite_archive(archive, tmp_path / "odd.zip", manifest=odd)
    client.force_login(superuser)
    page = _upload(client, odd_archive, slug="alpha-copy")
    assert page.status_code == 200
    assert "Nothing was changed." in page.text
    assert _uploads() == []


def test_a_file_that_is_not_an_archive_is_refused(client, superuser, tmp_path):
    path = tmp_path / "notes.zip"
    path.write_bytes(b"not a zip at all")
    client.force_login(superuser)
    page = _upload(client, path, slug="fresh")
    assert "it is not a readable ZIP file" in page.text
    assert _uploads() == []


def test_a_short_name_in_use_is_refused_before_the_archive_is_read(
    client, superuser, site_b, archive
):
    client.force_login(superuser)
    page = _upload(client, archive, slug="bravo")
    assert page.status_code == 200
    assert "A site called bravo already exists here." in page.text
    assert _uploads() == []
    assert _refusals()[0]["stage"] == "check"

    # No new short name: the archive's own (alpha) is in use here.
    page = _upload(client, archive)
    assert "A site called &#x27;alpha&#x27; already exists here." in page.text
    assert _uploads() == []
    assert len(_refusals()) == 2


def test_a_short_name_taken_after_the_check_is_refused_by_the_job(
    client, superuser, archive
):
    client.force_login(superuser)
    token = _token(_upload(client, archive, slug="alpha-copy"))
    Site.objects.create(slug="alpha-copy", name="Taken meanwhile", kind="nhs_trust")

    started = client.post(CONFIRM, {"token": token})
    with scopes_disabled():
        job = Job.objects.get(site=None)
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("Nothing was restored. A site called 'alpha-copy'")
    assert _uploads() == []
    page = client.get(started["Location"])
    assert "Nothing was restored." in page.text
    assert [r["stage"] for r in _refusals()] == ["restore"]


def test_a_changed_confirmation_restores_nothing(client, superuser, archive):
    client.force_login(superuser)
    token = _token(_upload(client, archive, slug="alpha-copy"))
    response = client.post(CONFIRM, {"token": token[:-2] + "xx"}, follow=True)
    assert "Upload the archive again." in response.text
    with scopes_disabled():
        assert not Job.objects.filter(site=None).exists()

    response = client.post(CONFIRM, {"token": token, "cancel": "1"}, follow=True)
    assert "Nothing was restored; the upload was deleted." in response.text
    assert _uploads() == []


def test_the_upload_goes_to_a_temporary_file_not_memory(
    client, superuser, archive, monkeypatch
):
    """Even a small archive: the temporary-file handler is the only one."""
    seen = []
    real = restore_views.verify

    def spy(path, **kwargs):
        seen.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(restore_views, "verify", spy)
    client.force_login(superuser)
    _upload(client, archive, slug="alpha-copy")
    (path,) = seen
    assert path.endswith(".upload.zip")


@pytest.mark.parametrize("name", ["staff", "member"])
def test_nobody_but_a_superuser_may_restore(client, officer, archive, name):
    user = officer
    if name == "staff":
        user = UserFactory(username="staff-not-super", is_staff=True)
    client.force_login(user)
    code = "00000000-0000-0000-0000-000000000000"
    job_page = reverse("admin:sites_site_restore_job", kwargs={"code": code})
    assert client.get(START).status_code == 403
    assert _upload(client, archive, slug="alpha-copy").status_code == 403
    assert client.post(CONFIRM, {"token": "x"}).status_code == 403
    assert client.get(job_page).status_code == 403
    assert _uploads() == []
    assert not Site.objects.filter(slug="alpha-copy").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, archive):
    for response in (client.get(START), _upload(client, archive, slug="x")):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    assert _uploads() == []


def test_another_superusers_restore_is_not_found(client, superuser, archive):
    client.force_login(superuser)
    started = client.post(
        CONFIRM, {"token": _token(_upload(client, archive, slug="c"))}
    )
    other = UserFactory(username="root-two", is_staff=True, is_superuser=True)
    client.force_login(other)
    assert client.get(started["Location"]).status_code == 404
