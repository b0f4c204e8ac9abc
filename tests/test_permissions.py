"""Every site page x every role (and anonymous): the answer its declared rule gives.

Generated, not hand-kept (pretix's ``test_permissions`` is the model): the pages come
from the URL resolver, each page's rule from its ``@require_rule`` declaration, each
role's capabilities from ``sites.permissions``, and the records in the addresses from
the ``records`` fixture through ``tests.test_isolation.SITE_URLS`` (whose completeness
test already fails when a site URL is missing there). A member holding just one role:

- whom the rule refuses gets **403** ("You can't do that here"), and the request
  writes nothing to the database;
- whom the rule allows is not refused: a page answers 200 to GET, and a POST is
  handled (saved, redirected or the form shown again with its messages);
- a method the view does not take answers 405 to everyone.

Anonymous visitors are sent to sign in and write nothing. Outsiders (404) are
``tests/test_isolation.py``'s matrix.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from sites.models import Site
from sites.permissions import (
    PARTICIPANT,
    PARTICIPANT_COORDINATOR,
    PROGRAMME_COORDINATOR,
    ROLE_CAPABILITIES,
    Role,
    guard_of,
    programme_capabilities_for,
    site_views,
)
from tests.factories import member, programme_coordinator
from tests.test_isolation import PROGRAMME_URLS, SITE_URLS, programme_kwargs

# What every POST carries: enough that a form which is shown again has something to
# check, and that a refusal must be refusing real input.
POSTED = {
    "reason": "Refused requests must not record these reasons.",
    "description": "A response nobody may add",
    "question": "Fund it?",
    "role": Role.TEAM_MANAGER,
    "weekly_limit": "9999",
    "effective_from": "2030-01-01",
}
# Pages whose GET, for the records in the fixture, rightly redirects an allowed member
# (with a message) instead of showing the page.
REDIRECTS_ON_GET = {
    # The fixture's review belongs to a plan that is not under review yet.
    "review_record",
}
# Pages of a record only its owner may open: an allowed member who is not the
# fixture's owner (the officer) is told there is no such page (404).
OWNER_ONLY = {"job_detail", "job_download"}
WRITES = ("INSERT", "UPDATE", "DELETE")


def test_every_site_page_declares_its_rule():
    undeclared = sorted(name for _, name, view in site_views() if not guard_of(view))
    assert not undeclared, f"declare a rule with @require_rule on: {undeclared}"


def _address(name, records):
    build = SITE_URLS[name]
    return reverse(
        name, kwargs={"site_slug": "alpha", **(build(records) if build else {})}
    )


def _served(method, name):
    """The answers that mean an allowed member was served, not refused."""
    if method == "get":
        if name in OWNER_ONLY:
            return {200, 404}
        return {200, 302} if name in REDIRECTS_ON_GET else {200}
    # A POST is saved (302) or its form shown again (200); 404 when the record it
    # acts on is gone or not the member's (an earlier role deleted the response;
    # the notification is the officer's).
    return {200, 302, 404}


def _writes(queries):
    """Statements that changed the database, other than the session's own row."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(WRITES)
        and "django_session" not in q["sql"]
    ]


def _ask(client, method, address):
    data = POSTED if method == "post" else None
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(address, data)
    return response, _writes(queries)


def test_the_write_detector_sees_a_write(site_a):
    with CaptureQueriesContext(connection) as queries:
        Site.objects.filter(pk=site_a.pk).update(name="Renamed")
    assert _writes(queries)


@pytest.mark.parametrize("name", sorted(SITE_URLS))
def test_each_role_gets_what_the_pages_rule_says(client, site_a, records, name):
    address = _address(name, records)
    guard = guard_of(resolve(address).func)
    assert guard is not None, f"{name} declares no rule"
    # The fixture's officer holds just that role, and is the one the records'
    # notification is for.
    cast = {
        role: records["officer"]
        if role == Role.ASSESSING_OFFICER
        else member(site_a, role)
        for role in Role
    }
    problems, served, refused = [], 0, 0
    # Every GET first, then every POST: a POST that works changes the records.
    for method in ("get", "post"):
        answers = {}
        for role, user in cast.items():
            client.force_login(user)
            answers[role] = _ask(client, method, address)
        allowed = {
            role
            for role in Role
            if guard.allows(method.upper(), ROLE_CAPABILITIES[role])
        }
        taken = any(answers[role][0].status_code != 405 for role in allowed)
        for role, (response, writes) in answers.items():
            status, where = response.status_code, f"{role.label}, {method.upper()}"
            if not taken:
                if status != 405:
                    problems.append(f"{where}: {status}, expected 405")
            elif role in allowed:
                expected = _served(method, name)
                if status not in expected:
                    problems.append(f"{where}: {status}, expected {sorted(expected)}")
                if status == 302 and response["Location"].startswith(reverse("login")):
                    problems.append(f"{where}: sent to sign in")
                served += status in {200, 302}
            else:
                if status != 403 or "You can't do that here" not in response.text:
                    problems.append(f"{where}: {status}, expected 403")
                if writes:
                    problems.append(f"{where}: refused, yet wrote {writes}")
                refused += 1
    assert not problems, f"{name} (rule: {guard}):\n" + "\n".join(problems)
    assert served, f"no role can use {name}"
    if guard.rule.name != "open_site":
        # Every member holds open_site; every other rule refuses some role.
        assert refused, f"no role is refused {name}"


@pytest.mark.parametrize("name", sorted(SITE_URLS))
def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(
    client, records, name
):
    address = _address(name, records)
    for method in ("get", "post"):
        response, writes = _ask(client, method, address)
        assert response.status_code == 302, method
        assert response["Location"].startswith(reverse("login")), method
        assert not writes, method


# --- The programme's pages (/p/<programme>/…): every page x every programme role ---
#
# Generated the same way from ``tests.test_isolation.PROGRAMME_URLS`` (whose
# completeness test fails when a programme URL is missing) and
# ``PROGRAMME_CAPABILITIES``: the programme coordinator (no site membership), a
# member of a participating site, and that site's coordinator. Outsiders (404) are
# the isolation matrix's.


def _programme_cast(site_a, records):
    return {
        PROGRAMME_COORDINATOR: (
            programme_coordinator(records["programme"], "matrix-coordinator"),
            {PROGRAMME_COORDINATOR},
        ),
        PARTICIPANT: (records["officer"], {PARTICIPANT}),
        PARTICIPANT_COORDINATOR: (
            member(site_a, Role.SITE_COORDINATOR, "matrix-site-coordinator"),
            {PARTICIPANT, PARTICIPANT_COORDINATOR},
        ),
    }


def _programme_names():
    return sorted(PROGRAMME_URLS)


# Pages whose rule lets a role in, and then a check on the record itself decides: an
# allowed role may still be refused (403) for a record that is not theirs.
RECORD_CHECKED = {
    # careplans.figure_views.may_answer_for: a site's evaluation is written by the
    # programme's coordinators, or that site's project coordinator, sponsor, or a
    # member whose roles there satisfy the rule answer_site_evaluation (its site
    # coordinators and senior managers); other members of the site only read it.
    "site_evaluation_edit",
}


@pytest.mark.parametrize("name", _programme_names())
def test_each_programme_role_gets_what_the_pages_rule_says(
    client, site_a, records, name
):
    address = reverse(name, kwargs=programme_kwargs(name, records))
    guard = guard_of(resolve(address).func)
    assert guard is not None, f"{name} declares no rule"
    cast = _programme_cast(site_a, records)
    problems, served, refused = [], 0, 0
    for method in ("get", "post"):
        answers = {}
        for role, (user, _) in cast.items():
            client.force_login(user)
            answers[role] = _ask(client, method, address)
        allowed = {
            role
            for role, (_, roles) in cast.items()
            if guard.allows(method.upper(), programme_capabilities_for(roles))
        }
        taken = any(answers[role][0].status_code != 405 for role in allowed)
        for role, (response, writes) in answers.items():
            status, where = response.status_code, f"{role}, {method.upper()}"
            if not taken:
                if status != 405:
                    problems.append(f"{where}: {status}, expected 405")
            elif role in allowed:
                expected = {200} if method == "get" else {200, 302, 404}
                if name in RECORD_CHECKED:
                    expected.add(403)
                if status not in expected:
                    problems.append(f"{where}: {status}, expected {sorted(expected)}")
                served += status in {200, 302}
            else:
                if status != 403 or "You can't do that here" not in response.text:
                    problems.append(f"{where}: {status}, expected 403")
                if writes:
                    problems.append(f"{where}: refused, yet wrote {writes}")
                refused += 1
    assert not problems, f"{name} (rule: {guard}):\n" + "\n".join(problems)
    assert served, f"no programme role can use {name}"
    if guard.rule.name != "see_programme":
        assert refused, f"no programme role is refused {name}"
