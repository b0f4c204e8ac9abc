"""Care plans through the browser: who sees which buttons, drafting, the plan page,
sign-off and return (the response form: test_response_form.py; reviews due and
query counts: test_reviews_due_and_query_counts.py)."""

import re
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from careplans import services
from careplans.models import CarePlan, DelegatedLimit, Response, Review
from sites.models import AuditEvent
from sites.permissions import Role
from tests.helpers import links, messages_of, page_text, reload, url
from tests.plan_factories import (
    add_response,
    completed_assessment,
    draft_plan,
    plan_in_status,
    plan_with,
)

pytestmark = pytest.mark.django_db

S = CarePlan.Status
REASON = "Please record what Mrs Evans said about the café."


@pytest.fixture
def awaiting(site_a, officer, site_limits):
    with scopes_disabled():
        return plan_in_status(
            S.AWAITING_SIGN_OFF, site=site_a, officer=officer, manager=None
        )


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
