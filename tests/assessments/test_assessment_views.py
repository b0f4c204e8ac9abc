"""Assessments through the browser: starting, saving sections (plain and htmx), two
officers on one section, outcomes and eligibility, completion, addenda, query counts."""

import re

import pytest
from django import forms
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from assessments import services
from assessments.domains import WellbeingArea
from assessments.models import Addendum, Assessment
from assessments.sections import BY_KEY
from sites.models import AuditEvent
from sites.permissions import Role
from tests.factories import (
    CarerLinkFactory,
    DesiredOutcomeFactory,
    NeedFactory,
    PersonFactory,
    StandardServiceFactory,
    make_ready_to_complete,
    member,
)

pytestmark = pytest.mark.django_db

NEEDS = Assessment.Kind.NEEDS
CARER = Assessment.Kind.CARER
HTMX = {"HTTP_HX_REQUEST": "true"}


# --- Helpers -------------------------------------------------------------------------


def field_values(form):
    """What a browser would post for ``form`` as rendered (initial values)."""
    data = {}
    for field in form:
        value = field.value()
        if isinstance(field.field, forms.BooleanField):
            if value:
                data[field.html_name] = "on"
        elif value is None:
            data[field.html_name] = ""
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        else:
            data[field.html_name] = str(value)
    return data


def section_post(assessment, key, **changes):
    """POST data for one section built from the unbound form/formset: the management
    form, every form's current values and the hidden version; then ``changes``
    (a value of None leaves the field out, as an unticked box is)."""
    with scope(site=assessment.site):
        current = Assessment.objects.get(pk=assessment.pk)
        bound = BY_KEY[key].bind(current)
        data = {"version": str(current.section_version(key))}
        if bound.form is not None:
            data |= field_values(bound.form)
        if bound.formset is not None:
            data |= field_values(bound.formset.management_form)
            for form in bound.formset.forms:
                data |= field_values(form)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def no_impact(changes=()):
    """Every wellbeing area answered "no impact" (nothing is preselected), then
    ``changes``."""
    answers = {f"wellbeing-{i}-level": "none" for i in range(len(WellbeingArea))}
    return answers | dict(changes)


def url(name, *args, site="alpha"):
    return reverse(name, args=[site, *args])


def section_url(assessment, key):
    return url("assessment_section", assessment.code, key)


def detail_url(assessment):
    return url("assessment_detail", assessment.code)


def stored(assessment):
    """The assessment as saved, with its section versions (readable out of scope)."""
    with scopes_disabled():
        return Assessment.objects.prefetch_related("saved_sections").get(
            pk=assessment.pk
        )


def unable(index, reasons=("assistance",)):
    """Changes ticking outcome ``index`` as unachievable, with reasons."""
    return {
        f"outcomes-{index}-unable": "on",
        f"outcomes-{index}-reasons": list(reasons),
    }


@pytest.fixture
def second_officer(site_a):
    return member(site_a, Role.ASSESSING_OFFICER, "officer-a2")


@pytest.fixture
def person(site_a, officer):
    with scopes_disabled():
        return PersonFactory(
            site=site_a,
            given_name="Ada",
            family_name="Lovelace",
            allocated_worker=officer,
        )


@pytest.fixture
def draft(person, officer):
    with scopes_disabled():
        return services.start_assessment(person=person, kind=NEEDS, by=officer)


@pytest.fixture
def completed(draft, officer):
    with scope(site=draft.site):
        make_ready_to_complete(draft, officer)
        return services.complete_assessment(draft, by=officer)


# --- Permissions ---------------------------------------------------------------------

# Every role x every page (403 and nothing written, or served) is generated in
# tests/test_permissions.py. Here: real section data from an outsider changes nothing,
# and from a member who may, is saved.

# url name -> (method, a member who may use it, expected status)
VIEWS = {
    "assessment_create": ("post", "officer", 302),
    "assessment_detail": ("get", "advisor", 200),
    "assessment_section": ("post", "officer", 302),
    "assessment_complete": ("post", "manager", 302),
    "addendum_create": ("get", "officer", 200),
}


def view_request(name, draft):
    """(url, POST data) for one view, at site A."""
    if name == "assessment_create":
        return url(name, draft.person.code), {"kind": NEEDS}
    if name == "assessment_section":
        return section_url(draft, "what_matters"), section_post(
            draft, "what_matters", **{"what_matters-what_matters": "Home"}
        )
    return url(name, draft.code), {}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_member_of_another_site_gets_not_found(client, name, draft, outsider):
    address, data = view_request(name, draft)
    client.force_login(outsider)
    assert getattr(client, VIEWS[name][0])(address, data).status_code == 404
    assert stored(draft).what_matters == ""


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_member_with_the_capability_is_served(client, request, name, draft):
    method, with_it, status = VIEWS[name]
    address, data = view_request(name, draft)
    client.force_login(request.getfixturevalue(with_it))
    assert getattr(client, method)(address, data).status_code == status


def test_an_advisor_reads_the_assessment_but_gets_no_forms(client, advisor, draft):
    client.force_login(advisor)
    html = client.get(detail_url(draft)).content.decode()
    assert "Care Act outcomes" in html
    assert "Save this section" not in html
    assert 'name="version"' not in html
    assert "Complete the assessment" not in html


def test_an_assessment_of_another_site_is_not_found_here(client, officer, site_b):
    with scopes_disabled():
        there = PersonFactory(site=site_b)
        other = services.start_assessment(
            person=there, kind=NEEDS, by=member(site_b, Role.ASSESSING_OFFICER)
        )
    client.force_login(officer)
    assert client.get(detail_url(other)).status_code == 404
    response = client.post(
        section_url(other, "what_matters"),
        {"version": "0", "what_matters-what_matters": "x"},
    )
    assert response.status_code == 404
    assert stored(other).what_matters == ""


# --- Starting ------------------------------------------------------------------------


def test_starting_a_needs_assessment_opens_it(client, officer, person):
    client.force_login(officer)
    response = client.post(url("assessment_create", person.code), {"kind": NEEDS})
    with scopes_disabled():
        assessment = Assessment.objects.get(person=person)
        assert assessment.outcome_ratings.count() == 10
    assert response.status_code == 302
    assert response["Location"] == detail_url(assessment)
    assert assessment.started_by == officer


def test_starting_a_carers_assessment_without_a_link_explains_why_not(
    client, officer, person
):
    client.force_login(officer)
    response = client.post(
        url("assessment_create", person.code), {"kind": CARER}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == url("person_detail", person.code)
    assert "link the carer to the person they care for first" in (
        response.content.decode()
    )
    with scopes_disabled():
        assert not Assessment.objects.exists()


def test_a_carers_assessment_for_someone_they_do_not_care_for_is_refused(
    client, officer, person, site_a
):
    with scopes_disabled():
        stranger = PersonFactory(site=site_a)
    client.force_login(officer)
    response = client.post(
        url("assessment_create", person.code),
        {"kind": CARER, "cared_for": stranger.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with scopes_disabled():
        assert not Assessment.objects.exists()


def test_starting_a_carers_assessment_for_the_person_they_care_for(
    client, officer, person, site_a
):
    with scopes_disabled():
        cared_for = CarerLinkFactory(site=site_a, carer=person).cared_for
    client.force_login(officer)
    response = client.post(
        url("assessment_create", person.code),
        {"kind": CARER, "cared_for": cared_for.pk},
    )
    with scopes_disabled():
        assessment = Assessment.objects.get()
    assert response["Location"] == detail_url(assessment)
    assert (assessment.kind, assessment.cared_for) == (CARER, cared_for)
    page = client.get(detail_url(assessment)).content.decode()
    assert "Their caring role" in page
    assert f"Caring for {cared_for.display_name}" in page


@pytest.mark.parametrize("kind", ["", "holiday", "<script>"])
def test_starting_with_a_garbled_kind_gives_a_message_not_an_error(
    client, officer, person, kind
):
    client.force_login(officer)
    response = client.post(
        url("assessment_create", person.code), {"kind": kind}, follow=True
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    with scopes_disabled():
        assert not Assessment.objects.exists()


def test_starting_needs_a_post(client, officer, person):
    client.force_login(officer)
    assert client.get(url("assessment_create", person.code)).status_code == 405


# --- Saving a section ----------------------------------------------------------------


def test_a_section_is_saved_by_a_plain_post_and_redirects_with_a_message(
    client, officer, draft
):
    client.force_login(officer)
    data = section_post(draft, "what_matters", **{"what_matters-what_matters": "Tea"})
    assert data["version"] == "0"
    response = client.post(section_url(draft, "what_matters"), data)
    assert response.status_code == 302
    assert response["Location"] == detail_url(draft) + "#section-what_matters"
    saved = stored(draft)
    assert saved.what_matters == "Tea"
    assert saved.section_version("what_matters") == 1
    page = client.get(response["Location"]).content.decode()
    assert "“What matters to them” saved." in page
    assert "Tea</textarea>" in page


def test_a_section_is_saved_by_htmx_and_only_the_section_comes_back(
    client, officer, draft
):
    client.force_login(officer)
    data = section_post(draft, "what_matters", **{"what_matters-what_matters": "Tea"})
    response = client.post(section_url(draft, "what_matters"), data, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="section-what_matters"')
    assert "<html" not in html
    assert "Saved" in html
    assert "Tea</textarea>" in html
    # The next save starts from the new version.
    assert 'name="version" value="1"' in html
    # What matters does not feed eligibility: that section is not sent again.
    assert "section-eligibility" not in html
    assert stored(draft).what_matters == "Tea"


def test_saving_the_outcomes_by_htmx_also_refreshes_the_eligibility_section(
    client, officer, draft
):
    client.force_login(officer)
    data = section_post(
        draft,
        "outcomes",
        **{"outcomes-needs_arise_from_condition": "true"},
        **unable(0),
        **unable(3),
    )
    response = client.post(section_url(draft, "outcomes"), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="section-outcomes"')
    assert "Saved" in html
    oob = re.search(r'<section id="section-eligibility"[^>]*>', html)
    assert oob
    assert 'hx-swap-oob="true"' in oob.group(0)
    assert "unable to achieve 2 of the outcomes" in html
    assert "being appropriately clothed" in html


def test_an_htmx_save_of_the_wellbeing_section_also_refreshes_eligibility(
    client, officer, draft
):
    client.force_login(officer)
    data = section_post(
        draft, "wellbeing", **no_impact({"wellbeing-2-level": "significant"})
    )
    html = client.post(section_url(draft, "wellbeing"), data, **HTMX).content.decode()
    oob = re.search(r'<section id="section-eligibility"[^>]*>', html)
    assert oob
    assert 'hx-swap-oob="true"' in oob.group(0)
    assert "protection from abuse and neglect" in html
    assert stored(draft).section_version("wellbeing") == 1


@pytest.mark.parametrize("htmx", [False, True])
def test_the_second_of_two_officers_on_one_section_loses_nothing(
    client, officer, second_officer, draft, htmx
):
    # Both open the page at version 0 of "what matters".
    for who in (officer, second_officer):
        client.force_login(who)
        assert (
            'name="version" value="0"' in client.get(detail_url(draft)).content.decode()
        )
    first = section_post(
        draft, "what_matters", **{"what_matters-what_matters": "Gardening with Sam"}
    )
    second = section_post(
        draft, "what_matters", **{"what_matters-what_matters": "Seeing my grandson"}
    )
    assert first["version"] == second["version"] == "0"

    client.force_login(officer)
    assert client.post(section_url(draft, "what_matters"), first).status_code == 302

    client.force_login(second_officer)
    extra = HTMX if htmx else {}
    response = client.post(section_url(draft, "what_matters"), second, **extra)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this section while you were editing it" in html
    assert "The latest saved version" in html
    assert "Gardening with Sam" in html  # the first officer's, shown above
    assert "Seeing my grandson</textarea>" in html  # the second's, kept in the form
    # Saving again (having merged the two) is possible: the form is now at version 1.
    assert 'name="version" value="1"' in html
    saved = stored(draft)
    assert saved.what_matters == "Gardening with Sam"
    assert saved.section_version("what_matters") == 1


def test_officers_working_on_different_sections_do_not_clash(
    client, officer, second_officer, draft
):
    one = section_post(draft, "what_matters", **{"what_matters-what_matters": "A"})
    two = section_post(draft, "strengths", **{"strengths-strengths": "B"})
    client.force_login(officer)
    assert client.post(section_url(draft, "what_matters"), one).status_code == 302
    client.force_login(second_officer)
    assert client.post(section_url(draft, "strengths"), two).status_code == 302
    saved = stored(draft)
    assert (saved.what_matters, saved.strengths) == ("A", "B")


def test_unable_without_a_reason_gets_a_clear_message_and_nothing_is_saved(
    client, officer, draft
):
    client.force_login(officer)
    data = section_post(
        draft,
        "outcomes",
        **{"outcomes-2-unable": "on", "outcomes-2-notes": "Needs reminding"},
    )
    response = client.post(section_url(draft, "outcomes"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say why they cannot achieve this outcome (tick at least one)." in html
    assert "Needs reminding" in html
    saved = stored(draft)
    assert saved.section_versions == {}
    with scopes_disabled():
        assert not saved.outcome_ratings.filter(unable=True).exists()


def test_the_saved_condition_answer_is_shown_ticked(client, officer, draft):
    client.force_login(officer)
    data = section_post(
        draft, "outcomes", **{"outcomes-needs_arise_from_condition": "true"}
    )
    client.post(section_url(draft, "outcomes"), data)
    html = client.get(detail_url(draft)).content.decode()
    ticked = re.findall(
        r'<input type="radio"[^>]*name="outcomes-needs_arise_from_condition"[^>]*>',
        html,
    )
    assert [tag for tag in ticked if "checked" in tag] == [
        tag for tag in ticked if 'value="true"' in tag
    ]
    assert len([tag for tag in ticked if "checked" in tag]) == 1


def test_saving_the_outcomes_again_as_shown_keeps_the_condition_answer(
    client, officer, draft
):
    client.force_login(officer)
    first = section_post(
        draft, "outcomes", **{"outcomes-needs_arise_from_condition": "false"}
    )
    assert client.post(section_url(draft, "outcomes"), first).status_code == 302
    # The officer now only ticks an outcome; the condition is posted as the page has it.
    again = section_post(draft, "outcomes", **unable(4))
    assert again["outcomes-needs_arise_from_condition"] == "false"
    assert client.post(section_url(draft, "outcomes"), again).status_code == 302
    assert stored(draft).needs_arise_from_condition is False


def test_a_refused_outcomes_save_leaves_the_eligibility_shown_as_saved(
    client, officer, draft
):
    client.force_login(officer)
    data = section_post(
        draft,
        "outcomes",
        **{"outcomes-needs_arise_from_condition": "true", "outcomes-2-unable": "on"},
    )
    html = client.post(section_url(draft, "outcomes"), data).content.decode()
    assert "Say why they cannot achieve this outcome" in html
    # Nothing was saved, so eligibility still cannot be decided or confirmed.
    assert "Not enough is recorded yet to decide." in html
    assert "Confirm eligibility" not in html
    assert stored(draft).needs_arise_from_condition is None


def test_a_reason_without_unable_ticked_gets_a_clear_message(client, officer, draft):
    client.force_login(officer)
    data = section_post(draft, "outcomes", **{"outcomes-1-reasons": ["pain_distress"]})
    response = client.post(section_url(draft, "outcomes"), data, **HTMX)
    assert response.status_code == 200
    assert "You ticked a reason but not" in response.content.decode()
    assert "Saved" not in response.content.decode()
    assert stored(draft).section_versions == {}


def test_a_carer_cannot_be_rated_on_the_significantly_longer_limb(
    client, officer, person, site_a
):
    with scopes_disabled():
        link = CarerLinkFactory(site=site_a, carer=person)
        assessment = services.start_assessment(
            person=person, kind=CARER, cared_for=link.cared_for, by=officer
        )
    client.force_login(officer)
    data = section_post(assessment, "outcomes", **unable(0, ["takes_longer"]))
    response = client.post(section_url(assessment, "outcomes"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert stored(assessment).section_versions == {}


def test_over_long_text_in_a_section_is_refused_and_kept(client, officer, draft):
    client.force_login(officer)
    text = "My words. " + "y" * 10_000
    data = section_post(draft, "what_matters", **{"what_matters-what_matters": text})
    response = client.post(section_url(draft, "what_matters"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "at most 10000 characters" in html
    assert text in html
    assert stored(draft).what_matters == ""


def test_an_assessment_date_in_the_future_is_refused(client, officer, draft):
    client.force_login(officer)
    data = section_post(
        draft, "involvement", **{"involvement-assessment_date": "2999-01-01"}
    )
    response = client.post(section_url(draft, "involvement"), data)
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()


@pytest.mark.parametrize("version", ["", "abc", "-1", "7"])
def test_a_garbled_version_is_refused_as_stale(client, officer, draft, version):
    client.force_login(officer)
    data = section_post(
        draft, "what_matters", **{"what_matters-what_matters": "x", "version": version}
    )
    response = client.post(section_url(draft, "what_matters"), data)
    assert response.status_code == 200
    assert "Someone else saved this section" in response.content.decode()
    assert stored(draft).what_matters == ""


def test_needs_and_desired_outcomes_are_added_through_their_sections(
    client, officer, draft, site_a
):
    with scopes_disabled():
        service = StandardServiceFactory(site=site_a, name="Home care, 7 hours")
    client.force_login(officer)
    needs = section_post(
        draft,
        "needs",
        **{
            "needs-0-description": "Help to wash each morning",
            "needs-0-domains": ["hygiene"],
            "needs-0-usual_offer": str(service.pk),
        },
    )
    assert client.post(section_url(draft, "needs"), needs).status_code == 302
    wants = section_post(
        draft,
        "desired_outcomes",
        **{
            "desired_outcomes-0-in_own_words": "To walk to the shop",
            "desired_outcomes-0-expressed_by": "person",
            "desired_outcomes-0-priority": "1",
        },
    )
    assert client.post(section_url(draft, "desired_outcomes"), wants).status_code == 302
    with scopes_disabled():
        [need] = stored(draft).needs.all()
        [want] = stored(draft).desired_outcomes.all()
    assert (need.usual_offer, need.domains, need.site) == (service, ["hygiene"], site_a)
    assert (want.in_own_words, want.site) == ("To walk to the shop", site_a)


def test_a_usual_offer_from_another_site_cannot_be_chosen(
    client, officer, draft, site_b
):
    with scopes_disabled():
        elsewhere = StandardServiceFactory(site=site_b)
    client.force_login(officer)
    data = section_post(
        draft,
        "needs",
        **{
            "needs-0-description": "Help",
            "needs-0-usual_offer": str(elsewhere.pk),
        },
    )
    response = client.post(section_url(draft, "needs"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with scopes_disabled():
        assert not stored(draft).needs.exists()


def test_an_unknown_section_is_not_found(client, officer, draft):
    client.force_login(officer)
    assert client.get(section_url(draft, "nonsense")).status_code == 404
    # The caring-role section belongs to carers' assessments only.
    assert client.post(section_url(draft, "carer"), {"version": "0"}).status_code == 404


# --- Eligibility ---------------------------------------------------------------------


def record_eligible_answers_through_the_page(client, assessment):
    outcomes = section_post(
        assessment,
        "outcomes",
        **{"outcomes-needs_arise_from_condition": "true"},
        **unable(0),
        **unable(1, ["pain_distress", "endangers"]),
    )
    assert client.post(section_url(assessment, "outcomes"), outcomes).status_code == 302
    wellbeing = section_post(
        assessment, "wellbeing", **no_impact({"wellbeing-0-level": "significant"})
    )
    assert (
        client.post(section_url(assessment, "wellbeing"), wellbeing).status_code == 302
    )


def test_eligibility_is_explained_in_words_and_then_confirmed(client, officer, draft):
    client.force_login(officer)
    before = client.get(detail_url(draft)).content.decode()
    assert "Not enough is recorded yet to decide." in before
    assert "Confirm eligibility" not in before

    record_eligible_answers_through_the_page(client, draft)
    page = client.get(detail_url(draft)).content.decode()
    assert "Eligible: all three conditions of regulation 2 are met." in page
    assert "The needs arise from a physical or mental impairment or illness." in page
    assert (
        "unable to achieve 2 of the outcomes (managing and maintaining nutrition; "
        "maintaining personal hygiene)"
    ) in page
    assert "significant impact on wellbeing (personal dignity)" in page
    assert "Not confirmed yet." in page
    assert "Confirm eligibility" in page

    response = client.post(
        section_url(draft, "eligibility"),
        section_post(
            draft,
            "eligibility",
            **{
                "eligibility-confirm": "on",
                "eligibility-eligibility_note": "Agreed with Ada.",
            },
        ),
    )
    assert response.status_code == 302
    saved = stored(draft)
    assert saved.eligibility_result is True
    assert saved.eligibility_confirmed_by == officer
    assert saved.eligibility_note == "Agreed with Ada."
    page = client.get(detail_url(draft)).content.decode()
    assert f"Confirmed by {officer.display_name}" in page
    assert "Note: Agreed with Ada." in page


def test_eligibility_is_not_confirmed_without_the_tick(client, officer, draft):
    client.force_login(officer)
    record_eligible_answers_through_the_page(client, draft)
    response = client.post(
        section_url(draft, "eligibility"), section_post(draft, "eligibility")
    )
    assert response.status_code == 200
    assert "Tick the box to confirm the decision." in response.content.decode()
    assert stored(draft).eligibility_confirmed_at is None


def test_eligibility_cannot_be_confirmed_while_answers_are_missing(
    client, officer, draft
):
    client.force_login(officer)
    response = client.post(
        section_url(draft, "eligibility"),
        section_post(draft, "eligibility", **{"eligibility-confirm": "on"}),
    )
    assert response.status_code == 200
    assert "Eligibility cannot be confirmed yet" in response.content.decode()
    assert stored(draft).eligibility_confirmed_at is None


def test_changing_the_outcomes_after_confirming_asks_for_a_new_confirmation(
    client, officer, draft
):
    client.force_login(officer)
    record_eligible_answers_through_the_page(client, draft)
    client.post(
        section_url(draft, "eligibility"),
        section_post(draft, "eligibility", **{"eligibility-confirm": "on"}),
    )
    assert stored(draft).eligibility_confirmed_at is not None
    data = section_post(draft, "outcomes", **{"outcomes-1-unable": None})
    data.pop("outcomes-1-reasons")
    response = client.post(section_url(draft, "outcomes"), data, **HTMX)
    html = response.content.decode()
    assert "only one outcome" in html
    assert "Not eligible under regulation 2" in html
    assert "Not confirmed yet." in html
    assert stored(draft).eligibility_confirmed_at is None


# --- Completing, and after ------------------------------------------------------------


def test_an_incomplete_assessment_is_not_completed_and_the_page_says_why(
    client, officer, draft
):
    client.force_login(officer)
    response = client.post(url("assessment_complete", draft.code), follow=True)
    html = response.content.decode()
    assert "This assessment cannot be completed yet" in html
    assert "Confirm the eligibility decision." in html
    assert "Record what matters to the person." in html
    assert stored(draft).status == Assessment.Status.DRAFT


def test_a_ready_assessment_is_completed_by_post(client, manager, officer, draft):
    with scope(site=draft.site):
        make_ready_to_complete(draft, officer)
    client.force_login(manager)
    response = client.post(url("assessment_complete", draft.code), follow=True)
    assert response.redirect_chain[0][0] == detail_url(draft)
    html = response.content.decode()
    assert "The assessment is completed. It can no longer be edited." in html
    assert f"Completed by {manager.display_name}" in html
    saved = stored(draft)
    assert saved.status == Assessment.Status.COMPLETED
    assert saved.completed_by == manager
    assert client.get(url("assessment_complete", draft.code)).status_code == 405


def test_after_completion_a_section_post_changes_nothing_and_says_so(
    client, officer, completed
):
    before = stored(completed)
    client.force_login(officer)
    data = {"version": "1", "what_matters-what_matters": "Changed afterwards"}
    response = client.post(section_url(completed, "what_matters"), data, follow=True)
    html = response.content.decode()
    assert "This assessment is completed; add an addendum to correct it." in html
    after = stored(completed)
    assert after.what_matters == before.what_matters
    assert after.section_versions == before.section_versions
    assert after.updated_at == before.updated_at


def test_after_completion_outcome_rows_cannot_be_changed_either(
    client, officer, completed
):
    client.force_login(officer)
    with scopes_disabled():
        first = stored(completed).outcome_ratings.first()
    data = {
        "version": "1",
        "outcomes-TOTAL_FORMS": "1",
        "outcomes-INITIAL_FORMS": "1",
        "outcomes-0-id": str(first.pk),
        "outcomes-0-notes": "Sneaky edit",
    }
    client.post(section_url(completed, "outcomes"), data)
    with scopes_disabled():
        first.refresh_from_db()
    assert first.notes == ""
    assert first.unable is True


def test_a_completed_assessment_is_read_only_with_its_addenda(
    client, officer, completed
):
    client.force_login(officer)
    html = client.get(detail_url(completed)).content.decode()
    assert "Save this section" not in html
    assert 'name="version"' not in html
    assert "Staying in my own home with my cat." in html
    assert "No addenda." in html
    assert "Add an addendum" in html


def test_an_addendum_is_refused_on_a_draft(client, officer, draft):
    client.force_login(officer)
    response = client.post(
        url("addendum_create", draft.code), {"reason": "Typo", "text": "Fixed"}
    )
    assert response.status_code == 200
    assert "Drafts are edited directly" in response.content.decode()
    with scopes_disabled():
        assert not Addendum.objects.exists()


def test_an_addendum_is_added_to_a_completed_assessment_and_shown(
    client, manager, completed
):
    client.force_login(manager)
    response = client.post(
        url("addendum_create", completed.code),
        {"reason": "Wrong date of visit", "text": "The visit was on the 3rd."},
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(completed) + "#addenda"
    html = client.get(response["Location"]).content.decode()
    assert "The addendum has been added." in html
    assert "Wrong date of visit" in html
    assert "The visit was on the 3rd." in html
    assert manager.display_name in html
    with scopes_disabled():
        assert Addendum.objects.get().added_by == manager


def test_an_empty_addendum_is_refused_beside_the_fields(client, officer, completed):
    client.force_login(officer)
    response = client.post(
        url("addendum_create", completed.code), {"reason": "", "text": "Kept text"}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert "Kept text" in response.content.decode()
    with scopes_disabled():
        assert not Addendum.objects.exists()


# --- Audit and query counts -----------------------------------------------------------


def test_the_assessment_page_records_a_view(client, advisor, draft, site_a):
    client.force_login(advisor)
    client.get(detail_url(draft))
    with scopes_disabled():
        [event] = AuditEvent.objects.filter(kind=AuditEvent.Kind.VIEW)
    assert event.object_type == "assessments.Assessment"
    assert event.object_code == str(draft.code)
    assert (event.user, event.site) == (advisor, site_a)
    assert "Ada" not in event.action
    assert "Lovelace" not in event.action


def _rows(assessment, count):
    """``count`` needs (with a usual offer each) and desired outcomes."""
    with scope(site=assessment.site):
        catalogue = [StandardServiceFactory(site=assessment.site) for _ in range(2)]
        for i in range(count):
            NeedFactory(assessment=assessment, usual_offer=catalogue[i % 2])
            DesiredOutcomeFactory(assessment=assessment)
        record = Assessment.objects.get(pk=assessment.pk)
        record.what_matters = "Home"
        record.save()


# Session, user, memberships; the assessment and its five kinds of rows (prefetched);
# the audit event. An editable draft also reads its sections' versions and binds its
# four formsets (outcomes, wellbeing, needs with the catalogue of services, desired
# outcomes): six queries more. (The session is not written: at most once a minute,
# see sites/accounts/sessions.py.)
# + the risks (issue 12): read with the assessment, and the draft's risk formset.
# + the documents attached to the assessment, with who attached them (one query,
# issue 12).
DRAFT_PAGE_QUERIES = 19
READ_ONLY_PAGE_QUERIES = 12


@pytest.mark.parametrize("rows", [1, 6])
def test_the_draft_page_takes_a_fixed_number_of_queries(
    client, officer, draft, rows, django_assert_num_queries
):
    _rows(draft, rows)
    client.force_login(officer)
    with django_assert_num_queries(DRAFT_PAGE_QUERIES):
        response = client.get(detail_url(draft))
    html = response.content.decode()
    assert response.context["editable"]
    # Each need and outcome, and one blank row each to add a need, a risk, an outcome.
    assert html.count('class="border rounded p-2 mb-2 row-form"') == 2 * rows + 3


@pytest.mark.parametrize("rows", [1, 6])
def test_the_completed_page_takes_a_fixed_number_of_queries(
    client, officer, draft, rows, django_assert_num_queries
):
    _rows(draft, rows)
    with scope(site=draft.site):
        make_ready_to_complete(draft, officer)
        services.complete_assessment(draft, by=officer)
        for i in range(rows):
            services.add_addendum(draft, by=officer, reason=f"R{i}", text=f"T{i}")
    client.force_login(officer)
    with django_assert_num_queries(READ_ONLY_PAGE_QUERIES):
        response = client.get(detail_url(draft))
    html = response.content.decode()
    assert not response.context["editable"]
    assert html.count("Would usually be offered") == rows + 1
    assert html.count("<strong>Reason:</strong>") == rows


@pytest.mark.parametrize("rows", [1, 6])
def test_a_readers_view_of_a_draft_takes_a_fixed_number_of_queries(
    client, advisor, officer, draft, rows, django_assert_num_queries
):
    _rows(draft, rows)
    client.force_login(advisor)
    with django_assert_num_queries(READ_ONLY_PAGE_QUERIES):
        response = client.get(detail_url(draft))
    assert response.content.decode().count("Would usually be offered") == rows


# --- Nothing preselected in the wellbeing grid (issue 9) -----------------------------


def test_a_new_wellbeing_grid_starts_unanswered(client, officer, draft):
    client.force_login(officer)
    html = client.get(section_url(draft, "wellbeing")).content.decode()
    assert 'value="none" selected' not in html
    assert "Choose the impact" in html
    with scope(site=draft.site):
        assert set(draft.wellbeing_impacts.values_list("level", flat=True)) == {""}


def test_the_wellbeing_grid_refuses_an_unanswered_area_and_keeps_the_rest(
    client, officer, draft
):
    client.force_login(officer)
    data = section_post(
        draft,
        "wellbeing",
        **no_impact({"wellbeing-0-level": "significant", "wellbeing-3-level": ""}),
    )
    response = client.post(section_url(draft, "wellbeing"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the impact on “control over day-to-day life”" in html
    assert 'value="significant" selected' in html
    assert stored(draft).section_version("wellbeing") == 0
    with scope(site=draft.site):
        assert set(draft.wellbeing_impacts.values_list("level", flat=True)) == {""}
