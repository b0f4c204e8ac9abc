"""Who may answer a site's evaluation of a programme is a named rule, not a list of
role names in a view (issue 8 items 7 and 12)."""

from types import SimpleNamespace

from sites.permissions import Role, allows_at_site, roles_allowed


def test_site_coordinators_and_senior_managers_answer_their_sites_evaluation():
    assert set(roles_allowed("answer_site_evaluation")) == {
        Role.SITE_COORDINATOR,
        Role.SENIOR_MANAGER,
    }


def test_the_rule_is_asked_of_the_roles_held_at_that_site_only():
    request = SimpleNamespace(
        all_memberships=[
            SimpleNamespace(site_id=1, role=Role.ASSESSING_OFFICER),
            SimpleNamespace(site_id=2, role=Role.SITE_COORDINATOR),
        ]
    )
    assert not allows_at_site(request, "answer_site_evaluation", 1)
    assert allows_at_site(request, "answer_site_evaluation", 2)
    assert not allows_at_site(request, "answer_site_evaluation", 3)
