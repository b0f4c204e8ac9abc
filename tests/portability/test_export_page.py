"""A senior manager exports their site from the browser; the export is audited
(issue 13 item 3). Who else is refused is the generated permission matrix."""

import datetime
import zipfile

import pytest
import time_machine
from django_scopes import scopes_disabled

from tests.conftest import login

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC))
def test_a_senior_manager_exports_the_site(
    client, senior, records, site_b, outsider, django_assert_num_queries, tmp_path
):
    from sites.models import AuditEvent
    from sites.portability.restore import verify

    login(client, senior)
    # Session, user, memberships, the earlier exports.
    with django_assert_num_queries(4):
        page = client.get("/s/alpha/export/")
    assert page.status_code == 200
    assert "This site has not been exported yet." in page.text

    response = client.post("/s/alpha/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="carehub-alpha-2026-06-01-' in response["Content-Disposition"]
    path = tmp_path / "alpha.zip"
    path.write_bytes(b"".join(response.streaming_content))
    plan = verify(path, slug="alpha-copy")
    assert plan.rows > 0
    with zipfile.ZipFile(path) as archive:
        people = archive.read("assessments.Person.jsonl").decode()
    assert str(records["person"].code) in people

    with scopes_disabled():
        event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT, site__slug="alpha")
        assert event.user == senior
        assert event.details == {"rows": plan.rows}
    assert f"({plan.rows:,} rows)" in client.get("/s/alpha/export/").text
