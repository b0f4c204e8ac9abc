"""A member's own background jobs at the site ("Your downloads"): newest first,
paged, one query count whatever the number of jobs, only their own."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from sites.job_views import JOBS_PAGE_SIZE
from sites.jobs import start_job
from sites.models import Job
from sites.permissions import Role
from tests.factories import member
from tests.sites.jobs_for_tests import count_to

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(timezone.datetime(2026, 3, 2, 10, 0))
LIST = reverse("job_list", kwargs={"site_slug": "alpha"})


def _job(site, user, title, **fields):
    with scope(site=site):
        return Job.objects.create(site=site, user=user, kind="site_export", title=title)


def test_a_member_sees_their_own_jobs_newest_first_with_downloads(
    client, site_a, site_b, officer
):
    with time_machine.travel(NOW, tick=False) as clock, scope(site=site_a):
        older = start_job(
            site=site_a,
            user=officer,
            kind="subject_access",
            title="Older export",
            task=count_to,
            upto=1,
        )
        clock.shift(timedelta(hours=1))
        running = Job.objects.create(
            site=site_a, user=officer, kind="site_export", title="Newer export"
        )
        running.report(1, 4, "Reading people")
    colleague = member(site_a, Role.SENIOR_MANAGER, "colleague")
    _job(site_a, colleague, "A colleague's export")
    also_at_b = member(site_b, Role.SENIOR_MANAGER, "officer-at-b")
    _job(site_b, also_at_b, "Bravo's export")

    client.force_login(officer)
    page = client.get(LIST).text
    assert page.index("Newer export") < page.index("Older export")
    assert "A colleague&#x27;s export" not in page
    assert "Bravo" not in page
    assert "Subject-access export" in page
    assert "Site export" in page
    assert reverse("job_download", args=["alpha", older.code]) in page
    assert reverse("job_download", args=["alpha", running.code]) not in page
    assert "9 Mar 2026 10:00" in page  # kept until
    assert 'value="25"' in page  # the running job's progress


def test_nobody_else_sees_a_members_jobs(client, site_a, officer):
    _job(site_a, officer, "Mine only")
    client.force_login(member(site_a, Role.SENIOR_MANAGER, "colleague"))
    page = client.get(LIST).text
    assert "Mine only" not in page
    assert "You have not started any exports here yet." in page


@pytest.mark.parametrize("count", [1, 5])
def test_the_list_takes_the_same_queries_for_any_number_of_jobs(
    client, site_a, officer, count, django_assert_num_queries
):
    for n in range(count):
        _job(site_a, officer, f"Export {n}")
    client.force_login(officer)
    client.get(LIST)  # sessions and caches warmed
    # Session, user, memberships, the count and the page of jobs.
    with django_assert_num_queries(5):
        page = client.get(LIST)
    assert page.text.count("Export ") >= count


def test_the_list_is_paged(client, site_a, officer):
    for n in range(JOBS_PAGE_SIZE + 1):
        _job(site_a, officer, f"Export number {n}")
    client.force_login(officer)
    first = client.get(LIST).text
    assert first.count("Export number") == JOBS_PAGE_SIZE
    assert "Page 1 of 2" in first
    assert client.get(LIST, {"page": 2}).text.count("Export number") == 1


def test_the_list_is_linked_from_notifications_and_each_job(client, site_a, officer):
    job = _job(site_a, officer, "Linked")
    client.force_login(officer)
    assert LIST in client.get(reverse("notification_list", args=["alpha"])).text
    assert LIST in client.get(reverse("job_detail", args=["alpha", job.code])).text
