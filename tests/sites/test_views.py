import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from sites.audit import record_event
from sites.models import AuditEvent
from sites.permissions import Role
from tests.factories import MembershipFactory, SiteFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_member_of_one_site_goes_straight_to_it(client, officer):
    client.force_login(officer)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("site_home", args=["alpha"])


def test_member_of_several_sites_chooses_one(client, officer, site_b):
    MembershipFactory(user=officer, site=site_b, role=Role.ADVISOR)
    client.force_login(officer)
    response = client.get("/")
    assert response.status_code == 200
    assert b"Alpha Council" in response.content
    assert b"Bravo Trust" in response.content
    # The site switcher appears in the navigation of a site page.
    page = client.get(reverse("site_home", args=["bravo"]))
    assert b"Switch site" in page.content


def test_user_with_no_site_is_told_what_to_do(client, db):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 200
    assert b"not yet a member of any site" in response.content


def test_site_home_shows_name_role_and_site(client, officer):
    client.force_login(officer)
    response = client.get(reverse("site_home", args=["alpha"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert officer.display_name in content
    assert "Assessing officer" in content
    assert "Alpha Council" in content


def test_site_home_lists_every_role_a_member_holds(client, officer, site_a):
    MembershipFactory(user=officer, site=site_a, role=Role.PANEL_MEMBER)
    client.force_login(officer)
    content = client.get(reverse("site_home", args=["alpha"])).content.decode()
    assert "Assessing officer, Panel member" in content


def test_inactive_membership_gives_no_access(client, site_a):
    user = member(site_a, Role.ASSESSING_OFFICER)
    user.memberships.update(is_active=False)
    client.force_login(user)
    assert client.get(reverse("site_home", args=["alpha"])).status_code == 404


def test_unknown_site_and_someone_elses_site_look_the_same(client, officer, site_b):
    client.force_login(officer)
    assert client.get("/s/no-such-site/").status_code == 404
    assert client.get("/s/bravo/").status_code == 404


class TestAuditList:
    url = "/s/alpha/audit/"

    def test_anonymous_is_sent_to_sign_in(self, client, site_a):
        response = client.get(self.url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_outsider_gets_404(self, client, outsider, site_a):
        client.force_login(outsider)
        assert client.get(self.url).status_code == 404

    def test_member_without_capability_gets_403(self, client, officer):
        client.force_login(officer)
        response = client.get(self.url)
        assert response.status_code == 403
        assert b"can't do that here" in response.content

    def test_senior_manager_sees_only_this_sites_events(
        self, client, senior, officer, site_a, site_b
    ):
        record_event(kind=AuditEvent.Kind.VIEW, user=officer, site=site_a, obj=site_a)
        record_event(kind=AuditEvent.Kind.VIEW, user=officer, site=site_b, obj=site_b)
        client.force_login(senior)
        response = client.get(self.url)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 1

    def test_filters_by_user_type_and_date(self, client, senior, officer, site_a):
        record_event(kind=AuditEvent.Kind.VIEW, user=officer, site=site_a)
        record_event(kind=AuditEvent.Kind.PRINT, user=officer, site=site_a)
        record_event(kind=AuditEvent.Kind.VIEW, user=senior, site=site_a)
        client.force_login(senior)
        by_user = client.get(self.url, {"user": officer.pk})
        assert by_user.context["page"].paginator.count == 2
        by_kind = client.get(self.url, {"kind": "print"})
        assert by_kind.context["page"].paginator.count == 1
        today = by_kind.context["page"].object_list[0].created_at.date()
        in_range = client.get(self.url, {"date_from": today, "date_to": today})
        assert in_range.context["page"].paginator.count == 3
        before = client.get(self.url, {"date_to": "2000-01-01"})
        assert before.context["page"].paginator.count == 0

    def test_bad_filter_dates_are_explained_not_a_500(self, client, senior):
        client.force_login(senior)
        response = client.get(
            self.url, {"date_from": "2026-05-02", "date_to": "2026-05-01"}
        )
        assert response.status_code == 200
        assert b"end date is before the start date" in response.content
        nonsense = client.get(self.url, {"date_from": "not-a-date", "user": "999999"})
        assert nonsense.status_code == 200
        assert b"Enter a valid date" in nonsense.content

    def test_is_paginated(self, client, senior, site_a):
        with scopes_disabled():
            AuditEvent.objects.bulk_create(
                [AuditEvent(kind="view", site=site_a, user=senior) for _ in range(120)]
            )
        client.force_login(senior)
        first = client.get(self.url)
        assert len(first.context["page"].object_list) == 50
        last = client.get(self.url, {"page": 3})
        assert len(last.context["page"].object_list) == 20
        assert b"Page 3 of 3" in last.content

    @pytest.mark.parametrize("rows", [1, 20])
    def test_query_count_does_not_grow_with_rows(
        self, client, senior, site_a, rows, django_assert_num_queries
    ):
        others = [member(site_a, Role.ASSESSING_OFFICER) for _ in range(3)]
        with scopes_disabled():
            AuditEvent.objects.bulk_create(
                [
                    AuditEvent(kind="view", site=site_a, user=others[i % 3])
                    for i in range(rows)
                ]
            )
        client.force_login(senior)
        # session, user, memberships, count, filter form's user list, page of
        # events (users joined). No session write (at most once a minute).
        with django_assert_num_queries(6):
            response = client.get(self.url)
        assert response.status_code == 200


def test_audit_link_shows_only_to_those_who_may_open_it(client, officer, senior):
    client.force_login(officer)
    assert b"/s/alpha/audit/" not in client.get("/s/alpha/").content
    client.force_login(senior)
    assert b"/s/alpha/audit/" in client.get("/s/alpha/").content


def test_site_factory_is_usable_for_other_sites(db):
    assert SiteFactory().slug.startswith("site-")
