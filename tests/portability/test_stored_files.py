"""Attached documents' files travel in the archive with their records, checked by
size and SHA-256, and are copied into the storage under the restored site."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.documents import Document, attach_document, open_document
from assessments.models import Person
from sites.models import Site, User
from sites.portability.export import export_site
from sites.portability.restore import ArchiveRefused, restore_site
from tests.portability.conftest import rewrite_archive

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def archive_with_a_document(demo_archive, frozen, tmp_path):
    site = Site.objects.get(slug="valley")
    person = Person.objects.filter(site=site).first()
    document = attach_document(
        person=person,
        upload=SimpleUploadedFile("quote.pdf", PDF),
        kind="quote",
        description="Quote",
        by=User.objects.get(username="yusuf"),
    )
    path = tmp_path / "valley.zip"
    export_site(site, path)
    return path, document


def test_a_document_comes_back_with_its_file(archive_with_a_document):
    path, document = archive_with_a_document
    site = restore_site(path, slug="valley-copy").site
    copy = Document.objects.get(site=site)
    assert copy.storage_name != document.storage_name
    assert copy.storage_name.startswith(f"{site.pk}/")
    assert copy.original_name == document.original_name
    with open_document(copy) as handle:
        assert handle.read() == PDF


def test_a_changed_file_is_refused_and_no_file_is_kept(
    archive_with_a_document, tmp_path
):
    path, document = archive_with_a_document
    member = f"files/assessments.Document/{document.storage_name}"
    changed = rewrite_archive(
        path, tmp_path / "changed.zip", change={member: lambda d: d + b"x"}
    )
    with pytest.raises(ArchiveRefused, match="size and SHA-256"):
        restore_site(changed, slug="valley-copy")
    assert not Site.objects.filter(slug="valley-copy").exists()
