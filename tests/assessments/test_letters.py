"""Letters the law requires (issue 12, item 9): the eligibility determination, from the
site's own wording, recorded on the person's record and audited, in large print where
the person prefers it."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments import legal_services, services
from assessments.legal_forms import LetterTemplateForm
from assessments.letters import Letter, LetterTemplate, fill
from sites.models import AuditEvent
from sites.permissions import Role
from tests.factories import CarerLinkFactory, PersonFactory, member
from tests.helpers import pdf_text
from tests.plan_factories import completed_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(site_a, officer):
    with scopes_disabled():
        return completed_assessment(site_a, officer)


def test_placeholders_are_filled_by_name_only():
    assert fill("Dear {name}, {unknown}", {"name": "Ann"}) == "Dear Ann, {unknown}"
    # No attribute access: a template cannot reach into the values.
    assert fill("{name.__class__}", {"name": "Ann"}) == "{name.__class__}"


def test_a_template_with_an_unknown_name_is_refused():
    form = LetterTemplateForm(
        {"subject": "About {name}", "body": "Dear {name}, {secret}"},
        kind="eligibility",
    )
    assert not form.is_valid()
    assert "{secret}" in form.errors["body"][0]


@pytest.mark.parametrize("field", ["subject", "body"])
def test_a_template_needs_a_subject_and_a_body(field):
    data = {"subject": "About {name}", "body": "Dear {name}"} | {field: ""}
    form = LetterTemplateForm(data, kind="eligibility")
    assert not form.is_valid()
    assert "required" in form.errors[field][0]


def test_an_officer_sends_the_eligibility_letter_and_it_is_recorded(
    client, officer, done
):
    client.force_login(officer)
    response = client.post(reverse("letter_send", args=["alpha", done.code]))
    assert response.status_code == 302
    with scopes_disabled():
        letter = Letter.objects.get(person=done.person)
        assert AuditEvent.objects.filter(
            object_code=str(letter.code),
            action="Letter sent: eligibility determination",
        ).exists()
    assert "you have eligible needs" in letter.body
    assert "needs assessment" in letter.subject
    page = client.get(reverse("person_detail", args=["alpha", done.person.code]))
    assert letter.subject in page.content.decode()
    pdf = client.get(reverse("letter_pdf", args=["alpha", letter.code]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf)
    assert "Why we decided this" in text
    assert "Care Act 2014" in text
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            object_code=str(letter.code), kind=AuditEvent.Kind.PRINT
        ).exists()


def test_an_unconfirmed_decision_sends_no_letter(client, officer, site_a):
    with scopes_disabled():
        draft = services.start_assessment(
            person=PersonFactory(site=site_a), kind="needs", by=officer
        )
    client.force_login(officer)
    response = client.post(reverse("letter_send", args=["alpha", draft.code]))
    assert response.status_code == 302
    with scopes_disabled():
        assert not Letter.objects.exists()


def test_the_site_words_its_own_letter_and_the_next_letter_uses_it(
    client, site_a, manager, officer, done
):
    client.force_login(manager)
    url = reverse("letter_template_edit", args=["alpha"]) + "?kind=eligibility"
    page = client.get(url).content.decode()
    assert "{greeting}" in page  # the default, to start from
    response = client.post(
        url,
        {
            "version": "0",
            "subject": "Our decision, {name}",
            "body": "Dear {name},\n\n{decision}\n\nThe Alpha team",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        letter = legal_services.send_eligibility_letter(done, by=officer)
        assert LetterTemplate.objects.get(site=site_a).version == 1
    assert letter.subject == f"Our decision, {done.person.full_name}"
    assert letter.body.endswith("The Alpha team")


def test_officers_cannot_change_the_wording(client, site_a):
    client.force_login(member(site_a, Role.ASSESSING_OFFICER))
    url = reverse("letter_template_edit", args=["alpha"]) + "?kind=eligibility"
    assert client.get(url).status_code == 403


def test_an_unknown_kind_of_letter_is_not_found(client, manager):
    client.force_login(manager)
    url = reverse("letter_template_edit", args=["alpha"]) + "?kind=ransom"
    assert client.get(url).status_code == 404


def test_the_letter_is_in_large_print_when_the_person_prefers_it(officer, done):
    with scopes_disabled():
        legal_services.save_equality(
            person=done.person,
            by=officer,
            expected_version=0,
            preferred_format="large_print",
        )
        assert legal_services.send_eligibility_letter(done, by=officer).large_print


def test_a_carers_letter_goes_to_the_carer(site_a, officer):
    with scopes_disabled():
        link = CarerLinkFactory(site=site_a)
        carers = completed_assessment(
            site_a, officer, person=link.carer, kind="carer", cared_for=link.cared_for
        )
        letter = legal_services.send_eligibility_letter(carers, by=officer)
    assert letter.person == link.carer
    assert "carer's assessment" in letter.subject
