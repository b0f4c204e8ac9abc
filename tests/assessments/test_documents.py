"""Documents on a person's record (issue 12, item 8): attached to the person, an
assessment or a plan; type checked by content, size capped; downloaded only by members
who may open the record, audited; deleted with a reason."""

import io
import zipfile

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.documents import Document, attach_document, check_upload, sniff
from careplans.services import create_plan
from sites.models import AuditEvent
from sites.permissions import Role
from tests.factories import PersonFactory, member
from tests.plan_factories import completed_assessment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(kind):
    """A minimal office document of ``kind`` (docx, xlsx or odt)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            inner = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
            archive.writestr(inner, "<x/>")
    return buffer.getvalue()


def url(name, *args):
    return reverse(name, args=["alpha", *args])


@pytest.fixture
def person(site_a):
    with scopes_disabled():
        return PersonFactory(site=site_a)


def attach(client, person, name, content, **extra):
    data = {
        "file": SimpleUploadedFile(name, content),
        "kind": "quote",
        "description": "Quote for a stair rail",
        **extra,
    }
    return client.post(url("document_attach", person.code), data)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("quote.pdf", PDF, "pdf"),
        ("photo.PNG", PNG, "png"),
        ("scan.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 16, "jpeg"),
        ("letter.docx", office("docx"), "docx"),
        ("costs.xlsx", office("xlsx"), "xlsx"),
        ("report.odt", office("odt"), "odt"),
    ],
)
def test_each_kind_of_file_we_keep_is_known_by_its_contents(name, content, kind):
    assert sniff(io.BytesIO(content)) == kind
    assert check_upload(SimpleUploadedFile(name, content)) == kind


def test_an_officer_attaches_a_pdf_and_a_member_downloads_it_audited(
    client, officer, person, site_a, django_assert_num_queries
):
    client.force_login(officer)
    response = attach(client, person, "Stair rail quote (2).pdf", PDF)
    assert response.status_code == 302
    assert response["Location"].endswith("#documents")
    with scopes_disabled():
        document = Document.objects.get(person=person)
        assert AuditEvent.objects.filter(
            object_code=str(document.code), action="Document attached"
        ).exists()
    assert document.original_name == "Stair rail quote (2).pdf"
    assert document.content_type == "application/pdf"
    # A random name in the store: nothing of the person or the file's own name.
    assert "quote" not in document.storage_name
    assert person.family_name not in document.storage_name
    page = client.get(url("person_detail", person.code)).text
    assert "Quote for a stair rail" in page
    reader = member(site_a, Role.ADVISOR, "reader")  # may open the record
    client.force_login(reader)
    with django_assert_num_queries(5):
        download = client.get(url("document_file", document.code))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Stair rail quote (2).pdf" in download["Content-Disposition"]
    assert download["Cache-Control"] == "no-store"
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            object_code=str(document.code),
            action="Document downloaded",
            user=reader,
        ).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "“.exe” files cannot be attached"),
        ("notes", PDF, "Files without a type in the name cannot be attached"),
        ("quote.pdf", PNG, "name ends .pdf but it is not a PDF"),
        ("letter.docx", office("xlsx"), "not a Word document"),
        ("letter.docx", b"PK\x03\x04 broken", "not a Word document"),
        ("empty.pdf", b"", "The file is empty"),
    ],
)
def test_a_file_we_do_not_keep_gets_a_clear_message_and_keeps_the_typing(
    client, officer, person, name, content, message
):
    client.force_login(officer)
    response = attach(client, person, name, content)
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert message in html
    assert "Quote for a stair rail" in html  # what was typed is still there
    with scopes_disabled():
        assert not Document.objects.exists()


def test_the_size_limit_is_a_setting_and_the_message_says_it(
    client, officer, person, settings
):
    settings.DOCUMENT_MAX_MB = 1
    client.force_login(officer)
    response = attach(client, person, "big.pdf", PDF + b"0" * (1024 * 1024 + 10))
    assert "the largest CareHub keeps is 1 MB" in response.text
    with scopes_disabled():
        assert not Document.objects.exists()


def test_documents_attach_to_an_assessment_or_a_plan(client, site_a, officer):
    with scopes_disabled():
        done = completed_assessment(site_a, officer)
        plan = create_plan(person=done.person, assessment=done, by=officer)
    client.force_login(officer)
    form = client.get(
        url("document_attach", done.person.code) + f"?assessment={done.code}"
    )
    assert f'value="{done.code}" selected' in form.text
    attach(client, done.person, "clinic.pdf", PDF, attach_to=str(done.code))
    plan_form = url("plan_document_attach", plan.code)
    assert plan_form in client.get(url("plan_detail", plan.code)).text
    client.post(
        plan_form,
        {
            "file": SimpleUploadedFile("quote.pdf", PDF),
            "kind": "quote",
            "description": "Quote for the café lunches",
        },
    )
    with scopes_disabled():
        by_assessment = Document.objects.get(assessment=done)
        by_plan = Document.objects.get(plan_code=plan.code)
    assert by_plan.person == done.person
    page = client.get(url("person_detail", done.person.code)).text
    assert url("assessment_detail", done.code) in page
    assert url("plan_detail", plan.code) in page
    assert by_assessment.description in page


def test_another_sites_member_cannot_download_or_delete(
    client, officer, person, outsider
):
    with scopes_disabled():
        document = attach_document(
            person=person,
            upload=SimpleUploadedFile("quote.pdf", PDF),
            kind="quote",
            description="Quote",
            by=officer,
        )
    client.force_login(outsider)
    assert client.get(url("document_file", document.code)).status_code == 404
    assert (
        client.post(url("document_delete", document.code), {"reason": "x"}).status_code
        == 404
    )
    with scopes_disabled():
        assert not Document.objects.get().is_deleted


def test_deleting_needs_a_reason_removes_the_file_and_keeps_a_note(
    client, officer, person, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        document = attach_document(
            person=person,
            upload=SimpleUploadedFile("wrong.pdf", PDF),
            kind="letter",
            description="A letter about someone else",
            by=officer,
        )
    store = storages["documents"]
    assert store.exists(document.storage_name)
    client.force_login(officer)
    refused = client.post(url("document_delete", document.code), {"reason": " "})
    assert "Say why it is being deleted." in refused.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("document_delete", document.code),
            {"reason": "Attached to the wrong person"},
        )
    assert not store.exists(document.storage_name)
    with scopes_disabled():
        document.refresh_from_db()
        assert AuditEvent.objects.filter(
            object_code=str(document.code), action="Document deleted"
        ).exists()
    assert document.delete_reason == "Attached to the wrong person"
    assert client.get(url("document_file", document.code)).status_code == 404
    page = client.get(url("person_detail", person.code)).text
    assert "Attached to the wrong person" in page
    assert url("document_file", document.code) not in page


@pytest.mark.parametrize("rows", [1, 4])
def test_the_person_page_lists_documents_in_fixed_queries(
    client, officer, person, rows, django_assert_num_queries
):
    with scopes_disabled():
        for i in range(rows):
            attach_document(
                person=person,
                upload=SimpleUploadedFile(f"q{i}.pdf", PDF),
                kind="quote",
                description=f"Quote {i}",
                by=officer,
            )
    client.force_login(officer)
    client.get(url("person_detail", person.code))  # warm the session
    with django_assert_num_queries(PERSON_PAGE_QUERIES):
        page = client.get(url("person_detail", person.code)).text
    assert page.count("Quote ") >= rows


# The person page's count (tests/assessments/people/test_person_record.py says what each is).
PERSON_PAGE_QUERIES = 13
