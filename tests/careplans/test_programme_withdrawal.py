"""Taking a programme case out of the programme: withdrawn or not included, with a
reason, who and when; it leaves the figures and the shared case-study lists and stays
visible, marked, at its site (issue 9)."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scopes_disabled
from pypdf import PdfReader

from careplans import figures
from careplans.programme import MeetingCaseStudy, ProgrammeCase, PublishedCaseStudy
from careplans.programme_withdrawal import withdraw_case
from sites.models import AuditEvent
from sites.programmes import CollaborativeMeeting
from tests.careplans.programme_fixtures import (
    approved_case_study,
    programme_url,
    site_url,
)

pytestmark = pytest.mark.django_db

REASON = "They asked to leave the programme at their first review."


def _withdraw(client, case, **data):
    return client.post(site_url("programme_case_withdraw", case.code), data)


def _included(programme, site):
    with scopes_disabled():
        return figures.compute(programme).cases.counts_for(site.pk)


@time_machine.travel(datetime(2026, 3, 4, 10, 0, tzinfo=UTC), tick=False)
def test_the_officer_withdraws_a_case_with_a_reason_and_the_site_still_sees_it(
    client, cast, case, officer
):
    client.force_login(officer)
    page = client.get(site_url("programme_case_detail", case.code))
    assert "Take out of the programme" in page.text
    form = client.get(site_url("programme_case_withdraw", case.code))
    assert form.status_code == 200
    assert "What happened?" in form.text
    response = _withdraw(client, case, status="withdrawn", reason=REASON)
    assert response["Location"] == site_url("programme_case_detail", case.code)
    with scopes_disabled():
        case.refresh_from_db()
        event = AuditEvent.objects.get(
            object_code=str(case.code), action="Taken out of the programme"
        )
    assert case.status == ProgrammeCase.Status.WITHDRAWN
    assert case.status_reason == REASON
    assert case.withdrawn_by == officer
    assert case.withdrawn_at == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    assert event.user == officer
    assert event.programme == cast["programme"]
    assert event.details["status"] == "withdrawn"
    html = client.get(site_url("programme_case_detail", case.code)).text
    assert "Withdrawn</strong> on 4 March 2026 by" in html
    assert REASON in html
    assert "Take out of the programme" not in html
    assert "Draft a case study" not in html
    listing = client.get(site_url("programme_case_list")).text
    assert "Withdrawn (4 Mar 2026)" in listing


def test_not_included_is_the_other_answer(client, cast, case, officer):
    client.force_login(officer)
    _withdraw(client, case, status="declined", reason="Over 85 only in error: 58.")
    with scopes_disabled():
        case.refresh_from_db()
    assert case.status == ProgrammeCase.Status.DECLINED
    html = client.get(site_url("programme_case_detail", case.code)).text
    assert "Not included</strong>" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "withdrawn", "reason": ""}, "Say why, in a sentence."),
        ({"status": "withdrawn", "reason": "  left  "}, "Say why, in a sentence."),
        ({"reason": REASON}, "Choose withdrawn or not included."),
        ({"status": "included", "reason": REASON}, "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_keeps_what_was_typed(
    client, cast, case, officer, data, message
):
    client.force_login(officer)
    response = _withdraw(client, case, **data)
    assert response.status_code == 200
    assert message in response.text
    if data.get("reason", "").strip():
        assert data["reason"].strip() in response.text
    with scopes_disabled():
        case.refresh_from_db()
    assert case.status == ProgrammeCase.Status.INCLUDED


def test_a_case_already_out_is_not_taken_out_twice(client, cast, case, officer):
    with scopes_disabled():
        withdraw_case(case, status="withdrawn", reason=REASON, by=officer)
        with pytest.raises(ValidationError) as refused:
            withdraw_case(case, status="declined", reason=REASON, by=officer)
    assert refused.value.code == "not_included"
    client.force_login(officer)
    response = _withdraw(client, case, status="declined", reason="A second reason.")
    assert response.status_code == 200
    assert "already out of the programme (withdrawn)" in response.text
    assert "A second reason." in response.text


def test_a_withdrawn_case_leaves_the_figures_and_the_shared_lists(
    client, cast, case, site_a, django_capture_on_commit_callbacks
):
    programme = cast["programme"]
    snapshot = approved_case_study(case, cast).published
    assert _included(programme, site_a) == (1,)
    client.force_login(cast["lead"])
    shared = programme_url("shared_case_study_list", programme)
    assert "Mr and Mrs Q" in client.get(shared).text
    figures.programme_figures(programme)  # kept for five minutes...
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        withdraw_case(case, status="withdrawn", reason=REASON, by=cast["officer"])
    with scopes_disabled():
        snapshot.refresh_from_db()
    assert snapshot.status == PublishedCaseStudy.Status.WITHDRAWN
    assert "Mr and Mrs Q" not in client.get(shared).text
    assert (
        client.get(
            programme_url("shared_case_study_detail", programme, snapshot.code)
        ).status_code
        == 404
    )
    assert _included(programme, site_a) == (0,)
    # ... but a withdrawal is worked into them at once.
    with scopes_disabled():
        kept, _at = figures.programme_figures(programme)
    assert kept.cases.counts_for(site_a.pk) == (0,)


def test_a_withdrawn_case_study_chosen_for_a_meeting_is_not_printed_in_its_pack(
    client, cast, case
):
    programme = cast["programme"]
    snapshot = approved_case_study(case, cast).published
    with scopes_disabled():
        meeting = CollaborativeMeeting.objects.create(
            programme=programme,
            title="Spring collaborative meeting",
            held_on=datetime(2026, 4, 1, tzinfo=UTC).date(),
            agenda="Case studies",
            created_by=cast["lead"],
        )
        MeetingCaseStudy.objects.create(
            meeting=meeting, case_study=snapshot, position=1
        )
    client.force_login(cast["lead"])
    url = reverse("meeting_pack", args=[programme.slug, meeting.code])

    def pack_text():
        response = client.get(url)
        assert response.status_code == 200
        reader = PdfReader(io.BytesIO(response.content))
        return "\n".join(page.extract_text() for page in reader.pages)

    assert "Mr and Mrs Q" in pack_text()
    with scopes_disabled():
        withdraw_case(case, status="withdrawn", reason=REASON, by=cast["officer"])
    assert "Mr and Mrs Q" not in pack_text()


def test_the_withdraw_page_takes_a_fixed_number_of_queries(
    client, cast, case, officer, django_assert_num_queries
):
    client.force_login(officer)
    # Session, user, memberships (middleware); the case with its programme and person;
    # the audit event recording that the case was viewed.
    with django_assert_num_queries(5):
        response = client.get(site_url("programme_case_withdraw", case.code))
    assert response.status_code == 200
