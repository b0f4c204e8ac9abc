"""Saving an assessment's sections through the browser (plain and htmx): two officers
on one section, refusals that keep what was typed, needs and outcomes, and the
wellbeing grid that starts unanswered."""

import re

import pytest
from django_scopes import scope, scopes_disabled

from assessments import services
from sites.permissions import Role
from tests.assessments.assessment_pages.posts import (
    CARER,
    HTMX,
    detail_url,
    no_impact,
    section_post,
    section_url,
    stored,
    unable,
)
from tests.factories import CarerLinkFactory, StandardServiceFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_officer(site_a):
    return member(site_a, Role.ASSESSING_OFFICER, "officer-a2")


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
