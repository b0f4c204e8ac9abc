"""Documents where the work is (issue 12, item 8): a plan's page lists the documents
attached to that plan (a quote for a response, say), attaches to it directly and comes
back to it."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from assessments.documents import Document, attach_document
from careplans import services
from tests.careplans.test_reviews_due_and_query_counts import DETAIL_QUERIES
from tests.factories import StandardServiceFactory
from tests.helpers import page_text, url
from tests.plan_factories import add_response, draft_plan

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def attach(plan, by, description, plan_code=None):
    with scopes_disabled():
        return attach_document(
            person=plan.person,
            upload=SimpleUploadedFile("quote.pdf", PDF),
            kind=Document.Kind.QUOTE,
            description=description,
            plan_code=plan_code or plan.code,
            by=by,
        )


@pytest.fixture
def plan(site_a, officer, site_limits):
    """A draft with one response, as the plan page's query count is measured."""
    with scopes_disabled():
        plan = draft_plan(site_a, officer)
        add_response(
            plan,
            officer,
            description="Lunch out twice a week",
            outcomes=list(services.plan_outcomes(plan)),
            replaces=StandardServiceFactory(site=site_a),
            replaced_weekly_cost=Decimal("10.00"),
        )
        return plan


def test_the_plan_page_lists_its_own_documents(client, officer, plan):
    quote = attach(plan, officer, "Dial-a-Ride quotation")
    with scopes_disabled():
        attach_document(
            person=plan.person,
            upload=SimpleUploadedFile("gp.pdf", PDF),
            kind=Document.Kind.LETTER,
            description="Letter from the GP",
            by=officer,
        )
    client.force_login(officer)
    response = client.get(url("plan_detail", plan.code))
    text = page_text(response)
    assert "Dial-a-Ride quotation Quote · quote.pdf · 1 KB · attached" in text
    assert officer.display_name in text
    assert "Letter from the GP" not in text  # the person's, not the plan's
    assert url("document_file", quote.code) in response.text
    assert f"{url('document_delete', quote.code)}?from=record" in response.text


def test_a_plan_without_documents_says_so_and_offers_to_attach(client, officer, plan):
    client.force_login(officer)
    response = client.get(url("plan_detail", plan.code))
    assert "No document attached to this plan yet." in page_text(response)
    assert url("plan_document_attach", plan.code) in response.text


def test_attaching_from_the_plan_page_comes_back_to_it(client, officer, plan):
    client.force_login(officer)
    form = client.get(url("plan_document_attach", plan.code)).text
    assert f'href="{url("plan_detail", plan.code)}#documents"' in form
    response = client.post(
        url("plan_document_attach", plan.code),
        {
            "file": SimpleUploadedFile("quote.pdf", PDF),
            "kind": "quote",
            "description": "Quote for the café lunches",
        },
    )
    assert response["Location"] == url("plan_detail", plan.code) + "#documents"
    with scopes_disabled():
        assert Document.objects.get().plan_code == plan.code
    page = client.get(response["Location"])
    assert "Quote for the café lunches" in page_text(page)


def test_a_reader_sees_the_documents_but_no_attach_or_delete(
    client, advisor, officer, plan
):
    quote = attach(plan, officer, "Dial-a-Ride quotation")
    client.force_login(advisor)
    response = client.get(url("plan_detail", plan.code))
    assert url("document_file", quote.code) in response.text
    assert url("plan_document_attach", plan.code) not in response.text
    assert url("document_delete", quote.code) not in response.text


@pytest.mark.parametrize("rows", [1, 5])
def test_the_plan_page_lists_documents_in_fixed_queries(
    client, officer, plan, rows, django_assert_num_queries
):
    for i in range(rows):
        attach(plan, officer, f"Quote {i}")
    client.force_login(officer)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(url("plan_detail", plan.code))
    assert len(response.context["documents"]) == rows
