"""The wording every letter shares (issue 12, item 9): a senior manager words the
greeting, the review-and-complaints paragraph, the closing and the site's contact
details once; every kind of letter uses them; the defaults are safe. And the
eligibility letter's reasons speak to the reader."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments import legal_services
from assessments.domains import WellbeingImpactLevel
from assessments.eligibility import assess_adult, assess_carer
from sites.letter_templates import LetterBlocks, filled_blocks
from sites.models import AuditEvent
from sites.permissions import Role
from tests.factories import member
from tests.plan_factories import completed_assessment

pytestmark = pytest.mark.django_db

URL = reverse("letter_blocks_edit", args=["alpha"])
WORDING = {
    "version": "0",
    "greeting": "Hello {name},",
    "review_and_complaints": "Not happy? Ring {duty_phone} and ask for a review.",
    "closing": "With best wishes,",
    "contact": "{site}\nAdult Social Care\n{contact_email}",
}


def test_the_defaults_are_safe_and_say_how_to_complain(site_a):
    with scopes_disabled():
        blocks = filled_blocks(site_a, name="Ann Test", worker="our team")
    assert blocks["greeting"] == "Dear Ann Test,"
    assert "Ombudsman" in blocks["review_and_complaints"]
    assert "large print" in blocks["review_and_complaints"]
    assert blocks["contact"].startswith(site_a.name)
    assert "\n\n" not in blocks["contact"]  # unrecorded details leave no gap
    assert "{" not in "".join(blocks.values())


def test_a_senior_manager_words_the_blocks_and_the_next_letter_uses_them(
    client, site_a, senior, officer
):
    client.force_login(senior)
    page = client.get(URL).text
    assert "Dear {name}," in page  # the default, to start from
    assert "?kind=panel_decision" in page  # each kind's own wording is linked
    response = client.post(URL, WORDING)
    assert response.status_code == 302
    with scopes_disabled():
        blocks = LetterBlocks.objects.get(site=site_a)
        assert AuditEvent.objects.filter(
            object_code=str(blocks.pk), action="Letter wording changed"
        ).exists()
        done = completed_assessment(site_a, officer)
        letter = legal_services.send_eligibility_letter(done, by=officer)
    assert letter.body.startswith(f"Hello {done.person.full_name},")
    assert "Not happy? Ring" in letter.body
    assert letter.body.rstrip().endswith(
        f"With best wishes,\n\n{site_a.name}\nAdult Social Care"
    )
    # A second save from the same (now old) form is refused, keeping the typing.
    stale = client.post(URL, WORDING | {"closing": "Regards,"})
    assert stale.status_code == 200
    assert "Regards," in stale.text


def test_an_unknown_name_in_a_block_is_refused_with_the_typing_kept(client, senior):
    client.force_login(senior)
    response = client.post(URL, WORDING | {"closing": "From {secret}"})
    assert response.status_code == 200
    assert "These names cannot be filled in: {secret}" in response.text
    assert "Not happy? Ring" in response.text
    with scopes_disabled():
        assert not LetterBlocks.objects.exists()


def test_an_officer_cannot_change_the_wording(client, site_a):
    client.force_login(member(site_a, Role.ASSESSING_OFFICER, "o2"))
    assert client.get(URL).status_code == 403


def test_the_wording_page_takes_a_fixed_number_of_queries(
    client, senior, django_assert_num_queries
):
    client.force_login(senior)
    client.get(URL)
    with django_assert_num_queries(5):
        assert client.get(URL).status_code == 200


SIG = [("health", WellbeingImpactLevel.SIGNIFICANT)]


def test_the_reasons_in_a_letter_speak_to_the_person():
    result = assess_adult(
        arises_from_condition=True,
        unable_domains=["nutrition", "home_safely"],
        wellbeing_levels=SIG,
    )
    assert result.reasons[1].startswith("They are unable")  # for the officer
    letter = " ".join(result.to_reader)
    assert "You are not able to manage 2 of the everyday things" in letter
    assert "They " not in letter
    assert "The carer" not in letter


def test_a_carers_reasons_speak_to_the_carer():
    result = assess_carer(
        arises_from_caring=True,
        health_at_risk=True,
        unable_domains=["carer_nutrition"],
        wellbeing_levels=SIG,
    )
    letter = " ".join(result.to_reader)
    assert "Your physical or mental health is getting worse" in letter
    assert "You are not able to manage one of the things" in letter
    assert "Caring has a big effect on your wellbeing" in letter
    assert "The carer" not in letter
