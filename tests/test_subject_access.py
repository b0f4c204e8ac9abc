"""Subject-access requests (issue 13, item 2): recording one, the open list with the
days left of the statutory month, the export (PDF + JSON in one ZIP) prepared as a
background job, third parties flagged for redaction review, answering."""

import io
import json
import zipfile
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from assessments.models import Person
from careplans.models import CarePlan
from sites.models import AuditEvent, Job, Site, SubjectAccessRequest, User
from sites.subject_access_models import statutory_deadline
from sites.subject_access_services import days_left_in_words, record_request
from tests.factories import PersonFactory
from tests.test_pdf import read_pdf

TODAY = date(2026, 3, 10)


@pytest.fixture
def clock():
    with time_machine.travel(
        timezone.make_aware(timezone.datetime(2026, 3, 10, 11, 0)), tick=False
    ):
        yield


def _url(name, site_slug="alpha", **kwargs):
    return reverse(name, kwargs={"site_slug": site_slug, **kwargs})


def _request(site, person, by, received_on, **extra):
    with scope(site=site):
        return record_request(
            site=site,
            person_code=person.code,
            by=by,
            received_on=received_on,
            requested_by=extra.get("requested_by", "The person themselves"),
            received_how="letter",
        )


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 3, 10), date(2026, 4, 10)),
        (date(2026, 12, 15), date(2027, 1, 15)),
    ],
)
def test_the_statutory_month_is_a_calendar_month(received, due):
    assert statutory_deadline(received) == due


def test_days_left_are_said_in_words():
    assert [days_left_in_words(d) for d in (5, 1, 0, -1, -3)] == [
        "5 days left",
        "1 day left",
        "Due today",
        "Overdue by 1 day",
        "Overdue by 3 days",
    ]


def test_a_senior_manager_records_a_request_from_the_persons_page(
    client, site_a, senior, clock
):
    with scope(site=site_a):
        person = PersonFactory(site=site_a)
    client.force_login(senior)
    page = client.get(_url("person_detail", code=person.code)).text
    create = _url("subject_access_create", person=person.code)
    assert create in page
    assert person.full_name in client.get(create).text
    response = client.post(
        create,
        {
            "received_on": "2026-03-02",
            "requested_by": "Their daughter, with written consent",
            "received_how": "email",
        },
    )
    with scope(site=site_a):
        sar = SubjectAccessRequest.objects.get()
    assert response["Location"] == _url("subject_access_detail", code=sar.code)
    assert (sar.due_on, sar.person_code, sar.recorded_by) == (
        date(2026, 4, 2),
        person.code,
        senior,
    )
    detail = client.get(response["Location"]).text
    assert "23 days left" in detail
    assert "Their daughter, with written consent" in detail


def test_a_request_dated_in_the_future_is_refused_and_keeps_the_typing(
    client, site_a, senior, clock
):
    with scope(site=site_a):
        person = PersonFactory(site=site_a)
    client.force_login(senior)
    response = client.post(
        _url("subject_access_create", person=person.code),
        {
            "received_on": "2026-04-01",
            "requested_by": "A solicitor acting for them",
            "received_how": "letter",
        },
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.text
    assert "A solicitor acting for them" in response.text
    with scope(site=site_a):
        assert not SubjectAccessRequest.objects.exists()


@pytest.mark.parametrize("count", [1, 5])
def test_the_open_list_shows_days_left_and_overdue_in_words(
    client, site_a, site_b, senior, clock, count, django_assert_num_queries
):
    with scope(site=site_a):
        people = [PersonFactory(site=site_a) for _ in range(count)]
    for number, person in enumerate(people):
        _request(site_a, person, senior, date(2026, 2, 1 + number))
    with scope(site=site_b):
        other = PersonFactory(site=site_b, family_name="Elsewhere")
    _request(site_b, other, senior, date(2026, 3, 1))
    client.force_login(senior)
    client.get(_url("subject_access_list"))
    with django_assert_num_queries(6):
        response = client.get(_url("subject_access_list"))
    page = response.text
    # Received 1 February: due 1 March, nine days ago.
    assert '<span class="badge text-bg-danger">Overdue by 9 days</span>' in page
    assert page.count("Overdue by") == count
    assert all(p.full_name in page for p in people)
    assert "Elsewhere" not in page


def test_answering_needs_how_it_was_sent_and_closes_the_request(
    client, site_a, senior, clock
):
    with scope(site=site_a):
        person = PersonFactory(site=site_a)
    sar = _request(site_a, person, senior, date(2026, 3, 1))
    client.force_login(senior)
    answer = _url("subject_access_answer", code=sar.code)
    refused = client.post(answer, {"sent_how": ""})
    assert "Say how the copy was sent." in refused.text
    client.post(answer, {"sent_how": "By secure e-mail"})
    with scope(site=site_a):
        sar.refresh_from_db()
    assert (sar.status, sar.answered_by, sar.sent_how) == (
        "answered",
        senior,
        "By secure e-mail",
    )
    listed = client.get(_url("subject_access_list")).text
    assert "No open requests." in listed
    assert "Answered recently" in listed
    again = client.post(_url("subject_access_prepare", code=sar.code), follow=True)
    assert "answered already" in again.text


def _export(client, sar):
    slug = sar.site.slug
    response = client.post(_url("subject_access_prepare", slug, code=sar.code))
    assert response.status_code == 302, response.status_code
    assert "/jobs/" in response["Location"], response["Location"]
    with scope(site=sar.site):
        job = Job.objects.get(kind="subject_access")
    assert response["Location"] == _url("job_detail", slug, code=job.code)
    assert job.status == Job.Status.DONE, job.error
    download = client.get(_url("job_download", slug, code=job.code))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    data = json.loads(archive.read(next(n for n in names if n.endswith(".json"))))
    pdf = archive.read(next(n for n in names if n.endswith(".pdf")))
    return job, names, data, read_pdf(pdf)[1]


def _records(data, key):
    return next(s for s in data["sections"] if s["key"] == key)["records"]


def test_the_evans_export_holds_everything_and_flags_third_parties(client, db):
    call_command("seed_demo", "--force", stdout=io.StringIO())
    with scopes_disabled():
        site = Site.objects.get(slug="northshire")
        gwen = Person.objects.get(site=site, given_name="Gwen", family_name="Evans")
        sam = User.objects.get(username="sam")
        other_sites = list(
            Site.objects.exclude(pk=site.pk).values_list("pk", flat=True)
        )
    sar = _request(site, gwen, sam, timezone.localdate())
    client.force_login(sam)
    job, names, data, text = _export(client, sar)

    stem = f"subject-access-{sar.received_on:%Y-%m-%d}-{sar.code.hex[:8]}"
    assert sorted(names) == ["README.txt", f"{stem}.json", f"{stem}.pdf"]
    assert "Evans" not in job.result_name
    assert data["request"]["person_id"] == str(gwen.code)
    assert [s["key"] for s in data["sections"]] == [
        "person",
        "carers",
        "legal",
        "letters",
        "assessments",
        "plans",
        "reviews",
        "case_studies",
        "panel",
        "audit",
    ]
    person = _records(data, "person")[0]
    assert person["title"] == gwen.full_name
    held = {f["name"]: f["value"] for f in person["fields"]}
    assert held["date_of_birth"] == "12 April 1939"
    assert held["postcode"] == "NS4 2EV"
    assert held["nhs_number"]
    # The carer link names Mr Evans: flagged, not silently included.
    carers = _records(data, "carers")
    assert carers
    assert all(r["redaction_review"] for r in carers)
    assert "Dennis Evans cares for Gwen Evans" in [r["title"] for r in carers]
    # Mr Evans's own carer's assessment is his personal data: flagged.
    assessments = _records(data, "assessments")
    carers_own = [r for r in assessments if r["title"].startswith("Carer's assessment")]
    assert carers_own
    assert all("carer's own assessment" in r["redaction_review"] for r in carers_own)
    assert any(
        r["title"].startswith("Needs assessment of Gwen Evans")
        and not r["redaction_review"]
        for r in assessments
    )
    assert _records(data, "plans")
    assert _records(data, "audit")
    assert data["records_for_redaction_review"] >= len(carers) + len(carers_own)
    # Nothing from another site: every record's id is one of this site's.
    with scopes_disabled():
        plan_ids = {
            str(c)
            for c in CarePlan.objects.filter(site=site).values_list("code", flat=True)
        }
        assert {
            r["id"]
            for r in _records(data, "plans")
            if r["type"] == "careplans.CarePlan"
        } <= plan_ids
        assert not AuditEvent.objects.filter(
            site_id__in=other_sites,
            code__in=[r["id"] for r in _records(data, "audit")],
        ).exists()
    # The readable copy.
    assert "Everything held about Gwen Evans" in text
    assert "For redaction review" in text
    assert "Care and support plan, version 1" in text
    with scope(site=site):
        exported = AuditEvent.objects.filter(
            kind=AuditEvent.Kind.EXPORT, object_code=str(gwen.code)
        )
        assert exported.filter(action="Subject-access export prepared").exists()
        sar.refresh_from_db()
    assert sar.job == job
