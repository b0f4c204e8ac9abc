"""Documents where the work is (issue 12, item 8): an assessment's page lists the
documents attached to it, attaches to it directly and comes back to it; the person's
page keeps them all, each labelled with what it is attached to."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from assessments.documents import Document, attach_document, attached_to
from tests.assessments.assessment_pages.test_access_and_starting import (
    READ_ONLY_PAGE_QUERIES,
)
from tests.helpers import page_text, url
from tests.plan_factories import completed_assessment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def attach(person, by, description, **where):
    with scopes_disabled():
        return attach_document(
            person=person,
            upload=SimpleUploadedFile("report.pdf", PDF),
            kind=Document.Kind.CLINIC_REPORT,
            description=description,
            by=by,
            **where,
        )


@pytest.fixture
def assessment(site_a, officer):
    with scopes_disabled():
        return completed_assessment(site_a, officer)


def test_the_assessment_page_lists_its_own_documents(client, officer, assessment):
    person = assessment.person
    report = attach(person, officer, "Memory clinic letter", assessment=assessment)
    attach(person, officer, "Tenancy agreement")  # the person's, not the assessment's
    client.force_login(officer)
    response = client.get(url("assessment_detail", assessment.code))
    text = page_text(response)
    assert "Memory clinic letter" in text
    assert "Tenancy agreement" not in text
    assert "Clinic or medical report · report.pdf · 1 KB" in text
    assert f"attached {report.created_at:%-d %b %Y} by {officer.display_name}" in text
    assert url("document_file", report.code) in response.text
    # Deleting from here comes back here.
    assert f"{url('document_delete', report.code)}?from=record" in response.text


def test_attaching_from_the_assessment_page_chooses_it_and_comes_back(
    client, officer, assessment
):
    client.force_login(officer)
    page = client.get(url("assessment_detail", assessment.code)).text
    attach_url = f"{url('document_attach', assessment.person.code)}?assessment="
    attach_url += str(assessment.code)
    assert attach_url in page
    form = client.get(attach_url).text
    assert f'value="{assessment.code}" selected' in form
    assert f'href="{url("assessment_detail", assessment.code)}#documents"' in form
    response = client.post(
        attach_url,
        {
            "file": SimpleUploadedFile("clinic.pdf", PDF),
            "kind": "clinic_report",
            "description": "Memory clinic letter",
            "attach_to": str(assessment.code),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == (
        url("assessment_detail", assessment.code) + "#documents"
    )
    with scopes_disabled():
        assert Document.objects.get().assessment == assessment


def test_a_refused_file_stays_on_the_form_that_goes_back_to_the_assessment(
    client, officer, assessment
):
    client.force_login(officer)
    attach_url = f"{url('document_attach', assessment.person.code)}?assessment="
    attach_url += str(assessment.code)
    response = client.post(
        attach_url,
        {
            "file": SimpleUploadedFile("notes.exe", b"MZ\x90\x00"),
            "kind": "other",
            "description": "Notes from the visit",
            "attach_to": str(assessment.code),
        },
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "“.exe” files cannot be attached" in text
    assert "Choose the file again: it is not kept" in text
    assert 'value="Notes from the visit"' in response.text
    assert f'href="{url("assessment_detail", assessment.code)}#documents"' in (
        response.text
    )


def test_an_unknown_assessment_in_the_address_goes_back_to_the_person(
    client, officer, assessment
):
    client.force_login(officer)
    form = client.get(
        url("document_attach", assessment.person.code) + "?assessment=not-a-code"
    ).text
    assert f'href="{url("person_detail", assessment.person.code)}#documents"' in form


def test_deleting_from_the_assessment_page_comes_back_to_it(
    client, officer, assessment
):
    report = attach(assessment.person, officer, "Wrong letter", assessment=assessment)
    client.force_login(officer)
    response = client.post(
        f"{url('document_delete', report.code)}?from=record",
        {"reason": "It is about someone else"},
    )
    assert response["Location"] == (
        url("assessment_detail", assessment.code) + "#documents"
    )
    # Without it (from the person's page), back to the person's page.
    other = attach(assessment.person, officer, "Second", assessment=assessment)
    response = client.post(
        url("document_delete", other.code), {"reason": "Not needed after all"}
    )
    assert response["Location"] == (
        url("person_detail", assessment.person.code) + "#documents"
    )


def test_the_person_page_labels_each_document_with_what_it_is_attached_to(
    client, officer, assessment
):
    attach(assessment.person, officer, "Memory clinic letter", assessment=assessment)
    attach(assessment.person, officer, "Tenancy agreement")
    client.force_login(officer)
    text = page_text(client.get(url("person_detail", assessment.person.code)))
    when = f"{assessment.assessment_date:%-d %b %Y}"
    assert (
        "Memory clinic letter Clinic or medical report · report.pdf · 1 KB · with "
        f"the needs assessment of {when}"
    ) in text
    assert (
        "Tenancy agreement Clinic or medical report · report.pdf · 1 KB · on the "
        "person's record"
    ) in text


def test_documents_of_a_record_need_the_record():
    with pytest.raises(ValueError, match="not both or neither"):
        attached_to(None)


@pytest.mark.parametrize("rows", [1, 5])
def test_the_assessment_page_lists_documents_in_fixed_queries(
    client, officer, assessment, rows, django_assert_num_queries
):
    for i in range(rows):
        attach(assessment.person, officer, f"Report {i}", assessment=assessment)
    client.force_login(officer)
    with django_assert_num_queries(READ_ONLY_PAGE_QUERIES):
        response = client.get(url("assessment_detail", assessment.code))
    assert len(response.context["documents"]) == rows
