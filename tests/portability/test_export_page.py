"""A senior manager exports their site from the browser, as a background job with
progress, and downloads the archive; the export is audited (issue 13 item 3). Who
else is refused is the generated permission matrix."""

import datetime
import zipfile

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled

from sites.models import AuditEvent, Job
from sites.portability.restore import verify
from tests.conftest import login

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC))
def test_a_senior_manager_exports_the_site(
    client, senior, records, site_b, outsider, django_assert_num_queries, tmp_path
):
    login(client, senior)
    # Session, user, memberships, the earlier exports.
    with django_assert_num_queries(4):
        page = client.get("/s/alpha/export/")
    assert page.status_code == 200
    assert "This site has not been exported yet." in page.text

    # The immediate backend runs the job before the page answers.
    started = client.post("/s/alpha/export/")
    with scopes_disabled():
        job = Job.objects.get(site__slug="alpha", kind="site_export")
    assert started.status_code == 302
    assert started["Location"] == reverse(
        "job_detail", kwargs={"site_slug": "alpha", "code": job.code}
    )
    assert job.status == Job.Status.DONE
    assert job.done == job.total
    assert job.result_name.startswith("carehub-alpha-2026-06-01-")
    download = reverse("job_download", kwargs={"site_slug": "alpha", "code": job.code})
    assert download in client.get(started["Location"]).text

    response = client.get(download)
    assert response["Content-Type"] == "application/zip"
    path = tmp_path / "alpha.zip"
    path.write_bytes(b"".join(response.streaming_content))
    plan = verify(path, slug="alpha-copy")
    assert plan.rows > 0
    with zipfile.ZipFile(path) as archive:
        people = archive.read("assessments.Person.jsonl").decode()
    assert str(records["person"].code) in people

    with scopes_disabled():
        event = AuditEvent.objects.get(
            kind=AuditEvent.Kind.EXPORT, site__slug="alpha", action="Site exported"
        )
        assert event.user == senior
        assert event.details == {"rows": plan.rows}
    assert f"({plan.rows:,} rows)" in client.get("/s/alpha/export/").text
