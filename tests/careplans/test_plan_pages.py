"""Care plans through the browser: who sees which buttons, the response form and its
messages, the plan page, sign-off and return, reviews due, and fixed query counts."""

import html
import re
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from assessments.models import Person
from careplans import services
from careplans.models import CarePlan, DelegatedLimit, Response, Review
from sites.models import AuditEvent
from sites.permissions import Role
from tests.factories import StandardServiceFactory, member
from tests.helpers import reload, url
from tests.plan_factories import (
    add_response,
    approved_plan,
    completed_assessment,
    draft_plan,
    limits,
    plan_in_status,
    plan_with,
)

pytestmark = pytest.mark.django_db

S = CarePlan.Status
REASON = "Please record what Mrs Evans said about the café."


def page_text(response):
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return page_text_of(response.content.decode())


def page_text_of(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def site_limits(site_a, senior):
    """Team manager up to £350 a week, senior manager up to £700."""
    with scopes_disabled():
        limits(site_a, senior)


@pytest.fixture
def draft(site_a, officer, site_limits):
    with scopes_disabled():
        return plan_with(site_a, officer, (("standard", "20.50", 3),))


@pytest.fixture
def awaiting(site_a, officer, site_limits):
    with scopes_disabled():
        return plan_in_status(
            S.AWAITING_SIGN_OFF, site=site_a, officer=officer, manager=None
        )


@pytest.fixture
def approved(site_a, officer, manager, site_limits):
    with scopes_disabled():
        return approved_plan(site_a, officer, manager)


# --- Who may do what ------------------------------------------------------------------
# Every role x every page (403 and nothing written, or served) is generated in
# tests/test_permissions.py; these are the journeys behind a few of those answers.


def test_an_advisor_reads_a_plan_but_cannot_change_or_submit_it(client, advisor, draft):
    client.force_login(advisor)

    page = client.get(url("plan_detail", draft.code))
    assert page.status_code == 200
    assert "Add a response" not in page_text(page)
    assert "Submit the plan" not in page_text(page)
    assert client.get(url("plan_edit", draft.code)).status_code == 403
    assert client.get(url("response_create", draft.code)).status_code == 403
    assert client.post(url("plan_submit", draft.code)).status_code == 403
    assert reload(draft).status == S.DRAFT


def test_an_officer_cannot_sign_off_return_or_see_limits(client, officer, awaiting):
    client.force_login(officer)

    assert client.post(url("plan_sign_off", awaiting.code)).status_code == 403
    assert client.get(url("plan_return", awaiting.code)).status_code == 403
    assert (
        client.post(url("plan_return", awaiting.code), {"reason": REASON}).status_code
        == 403
    )
    assert client.get(url("limit_list")).status_code == 403
    assert reload(awaiting).status == S.AWAITING_SIGN_OFF


def test_a_team_manager_sees_the_limits_but_cannot_set_one(
    client, manager, site_limits
):
    client.force_login(manager)

    page = client.get(url("limit_list"))
    assert page.status_code == 200
    assert "£350.00" in page_text(page)
    assert "Record the new limit" not in page_text(page)
    refused = client.post(
        url("limit_list"),
        {
            "role": Role.TEAM_MANAGER,
            "weekly_limit": "5000.00",
            "effective_from": "2030-01-01",
        },
    )
    assert refused.status_code == 403
    with scopes_disabled():
        assert DelegatedLimit.objects.count() == 2


def test_the_senior_manager_sets_a_new_limit(client, senior, site_a, site_limits):
    client.force_login(senior)
    start = timezone.localdate() + timedelta(days=7)

    response = client.post(
        url("limit_list"),
        {
            "role": Role.TEAM_MANAGER,
            "weekly_limit": "490.00",
            "effective_from": start.isoformat(),
            "notes": "Raised by the budget review.",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url("limit_list")
    with scopes_disabled():
        new = DelegatedLimit.objects.get(site=site_a, effective_from=start)
        old = DelegatedLimit.objects.get(
            site=site_a, role=Role.TEAM_MANAGER, weekly_limit=Decimal("350.00")
        )
    assert new.weekly_limit == Decimal("490.00")
    assert old.effective_to == start - timedelta(days=1)


@pytest.mark.parametrize("rows", [1, 5])
def test_the_limits_page_takes_a_fixed_number_of_queries(
    client, senior, site_a, rows, django_assert_num_queries
):
    with scopes_disabled():
        for year in range(rows):
            services.set_delegated_limit(
                site=site_a,
                role=Role.TEAM_MANAGER,
                weekly_limit=Decimal(300 + year),
                effective_from=date(2020 + year, 4, 1),
                by=senior,
                backdate_reason="Recorded for the test from that date.",
                confirm_backdate=True,
            )
    client.force_login(senior)
    # session, user, memberships, the limits, those in force (the session row is
    # not written on every request).
    with django_assert_num_queries(5):
        response = client.get(url("limit_list"))
    assert response.status_code == 200
    assert len(response.context["limits"]) == rows


def test_a_limit_starting_before_the_current_one_is_refused_on_the_page(
    client, senior, site_limits
):
    client.force_login(senior)

    response = client.post(
        url("limit_list"),
        {
            "role": Role.TEAM_MANAGER,
            "weekly_limit": "490.00",
            "effective_from": "2019-01-01",
            "backdate_reason": "The director's letter of 2019 set it.",
            "confirm_backdate": "on",
        },
    )

    assert response.status_code == 200
    assert "already starts on or after that date" in page_text(response)
    with scopes_disabled():
        assert DelegatedLimit.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weekly_limit": "-1"}, "weekly_limit"),
        ({"role": Role.PANEL_CHAIR}, "role"),
        ({"effective_from": "not a date"}, "effective_from"),
        ({"weekly_limit": "1e9999"}, "weekly_limit"),
    ],
)
def test_a_bad_limit_is_shown_beside_its_field(
    client, senior, site_limits, changes, field
):
    client.force_login(senior)
    data = {
        "role": Role.TEAM_MANAGER,
        "weekly_limit": "490.00",
        "effective_from": "2031-01-01",
    }

    response = client.post(url("limit_list"), data | changes)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    with scopes_disabled():
        assert DelegatedLimit.objects.count() == 2


# --- Drafting through the pages -------------------------------------------------------


def test_an_officer_drafts_a_plan_from_a_completed_assessment(client, officer, site_a):
    with scopes_disabled():
        assessment = completed_assessment(site_a, officer)
    client.force_login(officer)

    assert client.get(url("plan_create", assessment.person.code)).status_code == 200
    response = client.post(
        url("plan_create", assessment.person.code), {"assessment": assessment.pk}
    )

    with scopes_disabled():
        plan = CarePlan.objects.get(person=assessment.person)
    assert response.status_code == 302
    assert response["Location"] == url("plan_detail", plan.code)
    assert plan.written_by == officer


def test_a_stale_save_of_the_plan_keeps_what_was_typed(client, officer, draft):
    client.force_login(officer)
    with scopes_disabled():
        services.update_plan(
            draft,
            by=officer,
            expected_version=reload(draft).version,
            person_views="Someone else's words.",
        )

    response = client.post(
        url("plan_edit", draft.code),
        {"version": str(draft.version), "person_views": "We want lunch out."},
    )

    assert response.status_code == 200
    assert "Someone else changed this plan" in page_text(response)
    assert "We want lunch out." in response.content.decode()
    assert reload(draft).person_views == "Someone else's words."


def test_the_plan_details_are_saved_from_the_form(client, officer, draft):
    client.force_login(officer)

    response = client.post(
        url("plan_edit", draft.code),
        {
            "version": str(reload(draft).version),
            "start_date": timezone.localdate().isoformat(),
            "person_views": "We want lunch out together.",
        },
    )

    assert response.status_code == 302
    assert reload(draft).person_views == "We want lunch out together."


# --- The response form ----------------------------------------------------------------


@pytest.fixture
def empty_plan(site_a, officer, site_limits):
    with scopes_disabled():
        plan = draft_plan(site_a, officer, outcomes=2)
        outcomes = list(services.plan_outcomes(plan))
    return plan, outcomes


def response_post(ticked, **changes):
    """What the browser posts for a response; a change of None leaves a field out."""
    data = {
        "description": "Dial-a-ride to lunch at a café of their choice",
        "kind": Response.Kind.COMMUNITY,
        "origin": Response.Origin.ASKED_FOR,
        "outcomes": [str(o.pk) for o in ticked],
        "replaces": "",
        "replaced_weekly_cost": "",
        "provider": "Dial-a-ride",
        "times": "2",
        "period": Response.Period.WEEK,
        "unit_cost": "12.50",
        "start_date": "",
        "end_date": "",
    }
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def field_block(response, name):
    """The HTML crispy renders for one field: label, input, help and errors."""
    markup = response.content.decode()
    start = markup.index(f'id="div_id_{name}"')
    end = markup.find('id="div_id_', start + 1)
    return markup[start : end if end != -1 else None]


def field_errors(response, name):
    return response.context["form"].errors.get(name, [])


def test_a_valid_response_is_saved_and_the_officer_returns_to_the_plan(
    client, officer, empty_plan
):
    plan, outcomes = empty_plan
    client.force_login(officer)

    response = client.post(url("response_create", plan.code), response_post(outcomes))

    assert response.status_code == 302
    assert response["Location"] == url("plan_detail", plan.code) + "#responses"
    with scopes_disabled():
        saved = plan.responses.get()
        assert set(saved.outcomes.all()) == set(outcomes)
    assert saved.weekly_cost == Decimal("25.00")
    assert saved.replaced_weekly_cost == Decimal("0.00")


def test_a_replaced_service_fills_in_its_catalogue_cost(
    client, officer, site_a, empty_plan
):
    plan, outcomes = empty_plan
    with scopes_disabled():
        meals = StandardServiceFactory(
            site=site_a, name="Community meals", typical_weekly_cost="52.50"
        )
    client.force_login(officer)

    client.post(
        url("response_create", plan.code),
        response_post(outcomes, replaces=str(meals.pk)),
    )

    with scopes_disabled():
        saved = plan.responses.get()
    assert saved.replaces == meals
    assert saved.replaced_weekly_cost == Decimal("52.50")


def test_a_standard_service_of_another_site_cannot_be_chosen(
    client, officer, site_b, empty_plan
):
    plan, outcomes = empty_plan
    with scopes_disabled():
        theirs = StandardServiceFactory(site=site_b)
    client.force_login(officer)

    response = client.post(
        url("response_create", plan.code),
        response_post(outcomes, replaces=str(theirs.pk)),
    )

    assert response.status_code == 200
    assert field_errors(response, "replaces")
    with scopes_disabled():
        assert not plan.responses.exists()


def test_a_negative_cost_is_explained_beside_the_field_and_the_typing_is_kept(
    client, officer, empty_plan
):
    plan, outcomes = empty_plan
    client.force_login(officer)

    response = client.post(
        url("response_create", plan.code), response_post(outcomes, unit_cost="-5.00")
    )

    assert response.status_code == 200
    [error] = field_errors(response, "unit_cost")
    assert "cannot be below zero" in error
    # The message sits in the field's own block, tied to its input for screen readers.
    block = field_block(response, "unit_cost")
    assert 'aria-invalid="true"' in block
    assert 'id="id_unit_cost_error"' in block
    assert "A cost cannot be below zero." in " ".join(block.split())
    markup = response.content.decode()
    assert "Dial-a-ride to lunch at a café of their choice</textarea>" in markup
    assert "Nothing you typed has been lost." in page_text(response)
    with scopes_disabled():
        assert not plan.responses.exists()


def test_a_response_with_no_outcome_ticked_is_explained(client, officer, empty_plan):
    plan, outcomes = empty_plan
    client.force_login(officer)

    response = client.post(
        url("response_create", plan.code), response_post(outcomes, outcomes=None)
    )

    assert response.status_code == 200
    [error] = field_errors(response, "outcomes")
    assert "every response must answer an outcome" in error
    assert "every response must answer an outcome" in page_text(response)


def test_an_end_date_before_the_start_is_explained(client, officer, empty_plan):
    plan, outcomes = empty_plan
    client.force_login(officer)

    response = client.post(
        url("response_create", plan.code),
        response_post(outcomes, start_date="2026-05-10", end_date="2026-05-01"),
    )

    assert response.status_code == 200
    assert field_errors(response, "end_date") == [
        "The end date is before the start date."
    ]
    assert "The end date is before the start date." in page_text(response)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"times": "0"}, "times"),
        ({"times": "abc"}, "times"),
        ({"times": "99999999999999999999"}, "times"),
        ({"unit_cost": "1e9999"}, "unit_cost"),
        ({"unit_cost": "NaN"}, "unit_cost"),
        ({"unit_cost": "Infinity"}, "unit_cost"),
        ({"unit_cost": "0.001"}, "unit_cost"),
        ({"unit_cost": ""}, "unit_cost"),
        ({"replaced_weekly_cost": "-1"}, "replaced_weekly_cost"),
        ({"replaces": "999999"}, "replaces"),
        ({"replaces": "abc"}, "replaces"),
        ({"outcomes": ["999999"]}, "outcomes"),
        ({"outcomes": ["abc"]}, "outcomes"),
        ({"period": "fortnight"}, "period"),
        ({"kind": "luxury"}, "kind"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"description": ""}, "description"),
        ({"description": "x" * 100_000}, "description"),
    ],
)
def test_garbage_in_the_response_form_gets_messages_never_a_server_error(
    client, officer, empty_plan, changes, field
):
    plan, outcomes = empty_plan
    client.force_login(officer)

    response = client.post(
        url("response_create", plan.code), response_post(outcomes, **changes)
    )

    assert response.status_code == 200
    assert field_errors(response, field)
    assert "Please correct the problems below." in page_text(response)
    with scopes_disabled():
        assert not plan.responses.exists()


def test_another_plans_outcome_cannot_be_ticked(client, officer, site_a, empty_plan):
    plan, _ = empty_plan
    with scopes_disabled():
        elsewhere = list(services.plan_outcomes(draft_plan(site_a, officer)))
    client.force_login(officer)

    response = client.post(url("response_create", plan.code), response_post(elsewhere))

    assert response.status_code == 200
    assert field_errors(response, "outcomes")


def test_a_response_is_changed_through_its_form(client, officer, draft):
    with scopes_disabled():
        existing = draft.responses.get()
        outcomes = list(existing.outcomes.all())
    client.force_login(officer)

    page = client.get(url("response_edit", draft.code, existing.code))
    assert page.status_code == 200
    assert page.context["form"].initial["outcomes"] == [o.pk for o in outcomes]
    response = client.post(
        url("response_edit", draft.code, existing.code),
        response_post(
            outcomes, unit_cost="30.00", times="1", version=str(existing.version)
        ),
    )

    assert response.status_code == 302
    assert reload(existing).weekly_cost == Decimal("30.00")


def test_a_response_is_removed_from_a_draft(client, officer, draft):
    with scopes_disabled():
        existing = draft.responses.get()
    client.force_login(officer)

    response = client.post(
        url("response_delete", draft.code, existing.code),
        {"version": str(existing.version)},
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert not draft.responses.exists()


def test_the_response_form_of_an_approved_plan_sends_the_officer_back(
    client, officer, approved
):
    client.force_login(officer)

    response = client.post(url("response_create", approved.code), {"unit_cost": "1"})

    assert response.status_code == 302
    assert response["Location"] == url("plan_detail", approved.code)
    with scopes_disabled():
        assert approved.responses.count() == 1


# --- The plan page --------------------------------------------------------------------


@pytest.fixture
def costed(site_a, officer, site_limits):
    """£61.50 instead of a £40 service, plus £42 new: £103.50 against £40.00."""
    with scopes_disabled():
        plan = draft_plan(site_a, officer)
        add_response(
            plan, officer, cost="20.50", times=3, replaced_weekly_cost=Decimal("40.00")
        )
        add_response(plan, officer, cost="42.00", description="Takeaway on Fridays")
    return plan


def test_the_plan_page_compares_the_cost_with_the_standard_services(
    client, officer, costed
):
    client.force_login(officer)

    text = page_text(client.get(url("plan_detail", costed.code)))

    assert "This plan £103.50 £5,382.00" in text
    assert "Standard services it replaces £40.00 £2,080.00" in text
    assert "Difference +£63.50 +£3,302.00" in text
    assert "This plan costs £63.50 a week more than the standard services" in text
    assert "Personal budget: £103.50 a week" in text


def test_a_plan_cheaper_than_the_standard_service_says_how_much_less(
    client, officer, site_a, site_limits
):
    with scopes_disabled():
        plan = draft_plan(site_a, officer)
        add_response(plan, officer, cost="30.00", replaced_weekly_cost=Decimal("52.50"))
    client.force_login(officer)

    text = page_text(client.get(url("plan_detail", plan.code)))

    minus = "\N{MINUS SIGN}"  # what a typesetter uses, not a hyphen
    assert f"Difference {minus}£22.50 {minus}£1,170.00" in text
    assert "This plan costs £22.50 a week less than the standard services" in text


def test_a_draft_shows_where_it_will_go_before_it_is_submitted(client, officer, costed):
    client.force_login(officer)

    text = page_text(client.get(url("plan_detail", costed.code)))

    assert "it will go to a manager's sign-off" in text
    assert "within the team manager's delegated limit of £350.00" in text


def test_after_submitting_a_plan_with_a_flexible_response_the_page_says_needs_panel(
    client, officer, site_a, site_limits
):
    with scopes_disabled():
        plan = draft_plan(site_a, officer)
        add_response(
            plan,
            officer,
            kind=Response.Kind.FLEXIBLE,
            cost="22.00",
            description="A Chinese takeaway delivered once a week",
        )
    client.force_login(officer)

    response = client.post(url("plan_submit", plan.code), follow=True)

    text = page_text(response)
    assert "Submitted: the plan is now awaiting panel." in text
    assert "Needs panel." in text
    assert (
        "“A Chinese takeaway delivered once a week” is not a standard service "
        "(flexible spend / direct payment)." in text
    )
    assert reload(plan).status == S.AWAITING_PANEL


def test_submitting_an_incomplete_plan_lists_what_is_missing(
    client, officer, site_a, site_limits
):
    with scopes_disabled():
        plan = draft_plan(site_a, officer)
    client.force_login(officer)

    response = client.post(url("plan_submit", plan.code), follow=True)

    assert "Add at least one response." in messages_of(response)[0]
    assert reload(plan).status == S.DRAFT


def test_a_team_manager_signs_off_an_all_standard_plan_and_the_page_says_approved(
    client, manager, awaiting
):
    client.force_login(manager)
    page = client.get(url("plan_detail", awaiting.code))
    assert "Sign off the plan" in page_text(page)

    response = client.post(
        url("plan_sign_off", awaiting.code), {"note": "Fine."}, follow=True
    )

    text = page_text(response)
    assert "The plan is signed off and active." in text
    assert "Approved (active)" in text
    assert f"Approved by {manager.display_name}" in text
    assert "£20.00 a week authorised" in text
    assert reload(awaiting).status == S.APPROVED


def test_a_manager_over_their_limit_is_told_why_and_cannot_sign_off(
    client, officer, manager, site_a, site_limits
):
    with scopes_disabled():
        plan = services.submit_plan(
            plan_with(site_a, officer, (("standard", "100.00", 4),)), by=officer
        )
    client.force_login(manager)

    page = client.get(url("plan_detail", plan.code))
    assert "The weekly cost, £400.00, is over your delegated limit." in page_text(page)
    assert url("plan_sign_off", plan.code) not in page.content.decode()

    response = client.post(url("plan_sign_off", plan.code), follow=True)

    assert messages_of(response) == [
        "The weekly cost, £400.00, is over your delegated limit."
    ]
    assert reload(plan).status == S.AWAITING_SIGN_OFF


def test_a_manager_who_wrote_the_plan_is_offered_neither_sign_off_nor_return(
    client, manager, senior, site_a, site_limits
):
    with scopes_disabled():
        plan = plan_in_status(
            S.AWAITING_SIGN_OFF, site=site_a, officer=manager, manager=None
        )
    client.force_login(manager)

    page = page_text(client.get(url("plan_detail", plan.code)))

    assert "Nobody signs off a plan they wrote or changed." in page
    assert "Return it with reasons" not in page
    client.force_login(senior)
    assert "Return it with reasons" in page_text(
        client.get(url("plan_detail", plan.code))
    )


def test_the_officer_sees_the_return_reason_on_the_draft(
    client, officer, manager, awaiting
):
    client.force_login(manager)
    assert client.get(url("plan_return", awaiting.code)).status_code == 200
    short = client.post(url("plan_return", awaiting.code), {"reason": "No."})
    assert short.status_code == 200
    assert "at least 10 characters" in page_text(short)
    returned = client.post(url("plan_return", awaiting.code), {"reason": REASON})
    assert returned.status_code == 302

    client.force_login(officer)
    text = page_text(client.get(url("plan_detail", awaiting.code)))

    assert f"Returned by {manager.display_name}" in text
    assert REASON in text
    assert reload(awaiting).status == S.DRAFT


def test_a_new_version_is_drafted_from_the_plan_page(client, officer, approved):
    client.force_login(officer)

    response = client.post(url("plan_revise", approved.code))

    with scopes_disabled():
        revision = CarePlan.objects.get(previous=approved)
    assert response["Location"] == url("plan_detail", revision.code)
    text = page_text(client.get(response["Location"]))
    assert "What changed since version 1" in text
    assert "No change to the responses yet." in text


def test_a_plan_is_closed_with_a_reason(client, officer, approved):
    client.force_login(officer)
    assert client.get(url("plan_close", approved.code)).status_code == 200

    response = client.post(
        url("plan_close", approved.code), {"reason": "Moved to live with family."}
    )

    assert response.status_code == 302
    assert reload(approved).status == S.CLOSED


def test_a_review_is_started_and_recorded_through_the_pages(client, officer, approved):
    with scopes_disabled():
        review = approved.reviews.get()
        [outcome] = services.plan_outcomes(approved)
    client.force_login(officer)

    started = client.post(url("review_start", review.code))
    assert started["Location"] == url("review_record", review.code)
    form = client.get(url("review_record", review.code))
    assert form.status_code == 200
    response = client.post(
        url("review_record", review.code),
        {
            f"outcome-{outcome.pk}-rating": "partially",
            f"outcome-{outcome.pk}-person_view": "Better, not perfect.",
            "review-result": Review.Result.NO_CHANGE,
            "review-person_view": "Lunch out is the best part of the week.",
        },
    )

    assert response.status_code == 302
    review = reload(review)
    assert review.status == Review.Status.COMPLETED
    with scopes_disabled():
        assert review.ratings.get().rating == "partially"
    assert reload(approved).status == S.APPROVED


def test_the_plan_page_records_that_it_was_viewed(client, officer, site_a, draft):
    client.force_login(officer)

    client.get(url("plan_detail", draft.code))

    with scopes_disabled():
        event = AuditEvent.objects.filter(kind=AuditEvent.Kind.VIEW).get()
    assert event.user == officer
    assert event.site == site_a
    assert event.object_type == "careplans.CarePlan"
    assert event.object_code == str(draft.code)


def links(response):
    markup = response.content.decode()
    return re.findall(r'(?:href|action|src|hx-get|hx-post)="([^"]*)"', markup)


def test_the_plan_page_never_puts_an_internal_id_in_a_url(
    client, officer, manager, approved
):
    client.force_login(officer)
    revision_url = client.post(url("plan_revise", approved.code))["Location"]
    with scopes_disabled():
        revision = CarePlan.objects.get(previous=approved)
        internal = {
            str(obj.pk)
            for obj in [
                approved,
                revision,
                approved.person,
                approved.assessment,
                *approved.responses.all(),
                *revision.responses.all(),
                *approved.reviews.all(),
            ]
        }

    for page in (
        client.get(url("plan_detail", approved.code)),
        client.get(revision_url),
    ):
        found = links(page)
        assert url("plan_pdf", page.context["plan"].code) in found
        for link in found:
            parts = urlsplit(link)
            segments = [
                s for s in re.split(r"[/?&=#]", parts.path + "?" + parts.query) if s
            ]
            assert not any(s.isdigit() for s in segments), link
            assert not internal & set(segments), link


# --- Reviews due ----------------------------------------------------------------------


@pytest.fixture
def colleague(site_a):
    return member(site_a, Role.ASSESSING_OFFICER, "officer-a2")


def review_due(site, officer, approver, *, worker, days):
    """An approved plan whose first review is due in ``days`` (negative: overdue),
    for a person allocated to ``worker``."""
    with scopes_disabled():
        plan = approved_plan(site, officer, approver)
        Person.objects.filter(pk=plan.person_id).update(allocated_worker=worker)
        review = plan.reviews.get()
        Review.objects.filter(pk=review.pk).update(
            due_date=timezone.localdate() + timedelta(days=days)
        )
        return Person.objects.get(pk=plan.person_id)


def people_listed(response):
    return [review.plan.person for review in response.context["page"].object_list]


@pytest.fixture
def due(site_a, officer, manager, colleague, site_limits):
    return {
        "mine_overdue": review_due(site_a, officer, manager, worker=officer, days=-3),
        "mine_soon": review_due(site_a, officer, manager, worker=officer, days=10),
        "theirs": review_due(site_a, officer, manager, worker=colleague, days=-1),
        "mine_later": review_due(site_a, officer, manager, worker=officer, days=60),
    }


def test_the_officer_sees_only_reviews_of_their_own_people(client, officer, due):
    client.force_login(officer)

    response = client.get(url("reviews_due"))

    assert people_listed(response) == [due["mine_overdue"], due["mine_soon"]]
    # asking for the team's list without the capability shows their own
    assert people_listed(client.get(url("reviews_due"), {"scope": "team"})) == [
        due["mine_overdue"],
        due["mine_soon"],
    ]


def test_a_team_manager_sees_the_whole_teams_reviews(client, manager, due):
    client.force_login(manager)

    response = client.get(url("reviews_due"), {"scope": "team"})

    assert people_listed(response) == [
        due["mine_overdue"],
        due["theirs"],
        due["mine_soon"],
    ]
    assert "Reviews due: whole team" in page_text(response)


def test_an_unknown_scope_shows_a_team_manager_their_own_peoples_reviews(
    client, manager, due
):
    client.force_login(manager)

    response = client.get(url("reviews_due"), {"scope": "everyone"})

    assert response.context["team"] is False
    assert people_listed(response) == []


def test_overdue_reviews_are_marked(client, manager, due):
    client.force_login(manager)

    response = client.get(url("reviews_due"), {"scope": "team"})

    rows = re.findall(r"<tr>(.*?)</tr>", response.content.decode(), re.S)
    marked = [due["mine_overdue"], due["theirs"]]
    for person in people_listed(response):
        [row] = [r for r in rows if person.display_name in r]
        assert ("Overdue" in row) == (person in marked)


def test_completed_and_cancelled_reviews_are_not_due(client, officer, due):
    with scopes_disabled():
        Review.objects.filter(plan__person=due["mine_overdue"]).update(
            status=Review.Status.COMPLETED
        )
        Review.objects.filter(plan__person=due["mine_soon"]).update(
            status=Review.Status.CANCELLED
        )
    client.force_login(officer)

    assert people_listed(client.get(url("reviews_due"))) == []


# --- Query counts ---------------------------------------------------------------------

# Session, user, memberships; the plan with its people and authors; its responses, their
# outcomes, decisions and reviews (one query each); the view's audit event; the
# assessment's outcomes and needs; the limits for the routing preview; what was wanted
# but not arranged; the assessment's risks, beside the contingency plan (issue 12).
# (The session is not written: at most once a minute, see sites/accounts/sessions.py.)
DETAIL_QUERIES = 14
# Approved and reviewed: no routing preview, but the reviews' ratings and the outcomes
# they rate (one query each).
REVIEWED_QUERIES = DETAIL_QUERIES - 1 + 2
# A new version's page also reads the previous version's responses.
REVISION_QUERIES = DETAIL_QUERIES + 1
# Session, user, memberships; the count and the page of plans; their responses in one
# query.
LIST_QUERIES = 6
# Session, user, memberships; the count, then the page of reviews joined to their plans,
# people and workers.
REVIEWS_QUERIES = 5


@pytest.mark.parametrize("rows", [1, 5])
def test_the_plan_page_takes_a_fixed_number_of_queries(
    client, officer, site_a, site_limits, rows, django_assert_num_queries
):
    with scopes_disabled():
        plan = draft_plan(site_a, officer, outcomes=rows)
        outcomes = list(services.plan_outcomes(plan))
        for i in range(rows):
            add_response(
                plan,
                officer,
                description=f"Response {i}",
                outcomes=outcomes[: i + 1],
                replaces=StandardServiceFactory(site=site_a),
                replaced_weekly_cost=Decimal("10.00"),
            )
    client.force_login(officer)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(url("plan_detail", plan.code))

    assert len(response.context["responses"]) == rows


@pytest.fixture
def reviewed(site_a, officer, manager, site_limits):
    """Build a reviewed plan and the version its review asked for, for ``rows``
    responses and outcomes, each rated at the review."""

    def build(rows):
        with scopes_disabled():
            plan = draft_plan(site_a, officer, outcomes=rows)
            outcomes = list(services.plan_outcomes(plan))
            for i, outcome in enumerate(outcomes):
                add_response(
                    plan, officer, description=f"Response {i}", outcomes=[outcome]
                )
            plan = services.sign_off_plan(
                services.submit_plan(plan, by=officer), by=manager
            )
            review = plan.reviews.get()
            services.start_review(review, by=officer)
            _, revision = services.complete_review(
                review,
                by=officer,
                ratings=dict.fromkeys(outcomes, ("partially", "")),
                result=Review.Result.PLAN_CHANGED,
            )
            for response in revision.responses.all():
                add_response(
                    revision,
                    officer,
                    response=response,
                    cost="12.00",
                    description=response.description,
                    outcomes=list(response.outcomes.all()),
                )
        return plan, revision

    return build


@pytest.mark.parametrize("rows", [1, 5])
def test_a_reviewed_plans_page_takes_a_fixed_number_of_queries(
    client, manager, reviewed, rows, django_assert_num_queries
):
    plan, _ = reviewed(rows)
    client.force_login(manager)

    with django_assert_num_queries(REVIEWED_QUERIES):
        response = client.get(url("plan_detail", plan.code))

    assert page_text(response).count(": partially met") == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_a_new_versions_page_takes_a_fixed_number_of_queries(
    client, officer, reviewed, rows, django_assert_num_queries
):
    _, revision = reviewed(rows)
    client.force_login(officer)

    with django_assert_num_queries(REVISION_QUERIES):
        response = client.get(url("plan_detail", revision.code))

    assert [c["kind"] for c in response.context["changes"]] == ["changed"] * rows


@pytest.mark.parametrize("rows", [1, 5])
def test_the_plan_list_takes_a_fixed_number_of_queries(
    client, officer, site_a, site_limits, rows, django_assert_num_queries
):
    with scopes_disabled():
        for _ in range(rows):
            plan_with(site_a, officer, (("standard", "10.00", 1), ("informal", "0", 1)))
    client.force_login(officer)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url("plan_list"))

    assert len(response.context["page"].object_list) == rows
    assert page_text(response).count("£10.00 +£10.00") == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_the_reviews_due_list_takes_a_fixed_number_of_queries(
    client, officer, manager, site_a, site_limits, rows, django_assert_num_queries
):
    for i in range(rows):
        review_due(site_a, officer, manager, worker=officer, days=i - 2)
    client.force_login(officer)

    with django_assert_num_queries(REVIEWS_QUERIES):
        response = client.get(url("reviews_due"))

    assert len(people_listed(response)) == rows


# --- What the plan page offers --------------------------------------------------------


@pytest.mark.parametrize("status", S.values)
def test_the_plan_page_offers_to_close_a_plan_only_when_it_can_be_closed(
    client, officer, manager, site_a, site_limits, status
):
    with scopes_disabled():
        plan = plan_in_status(status, site=site_a, officer=officer, manager=manager)
    closable = S.CLOSED in CarePlan.TRANSITIONS[S(status)]
    client.force_login(officer)

    page = client.get(url("plan_detail", plan.code))

    assert (url("plan_close", plan.code) in links(page)) == closable
    if closable:
        closed = client.post(url("plan_close", plan.code), {"reason": "Moved away."})
        assert closed.status_code == 302
        assert reload(plan).status == S.CLOSED


def test_the_limits_page_marks_the_limits_in_force(client, senior, site_a, site_limits):
    yesterday = timezone.localdate() - timedelta(days=1)
    with scopes_disabled():
        services.set_delegated_limit(
            site=site_a,
            role=Role.TEAM_MANAGER,
            weekly_limit=Decimal("420.00"),
            effective_from=yesterday,
            by=senior,
            backdate_reason="Recorded for the test from that date.",
            confirm_backdate=True,
        )
    client.force_login(senior)

    response = client.get(url("limit_list"))

    rows = re.findall(r"<tr>(.*?)</tr>", response.content.decode(), re.S)
    in_force = [page_text_of(row) for row in rows if "In force" in row]
    assert len(in_force) == 2
    assert any(row.startswith("Team manager £420.00") for row in in_force)
    assert any(row.startswith("Senior manager £700.00") for row in in_force)
    assert len(rows) == 4  # the header and three limits, the ended one kept
