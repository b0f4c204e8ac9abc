"""Every page kind, signed in as each role: no serious or critical axe-core violation.

Each role crawls the demo from where sign-in lands, following the links it is shown,
and checks one page of each kind (one URL name; assessment sections by section): axe at
desktop width, then the page reflowed at 320 CSS px (WCAG 1.4.10) with nothing pushing
the body sideways. The ``page`` fixture also fails the test on any console error, CSP
violation included.
Pages reached only by submitting a form are checked by the journeys that submit them.
"""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from .axe import describe, serious_violations
from .conftest import sign_in

pytestmark = pytest.mark.e2e

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Not pages: downloads, and leaving.
SKIP_NAMES = {"logout"}
SKIP_PREFIXES = ("/admin/", "/static/", "/media/")
# A ceiling, so a link explosion shows up as a failure, not as a slow CI.
MAX_PAGES = 80
DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 800}

# Each role and page kinds it must reach, so a crawl that silently stops short fails.
ROLES = {
    "olivia": {"site_home", "person_list", "person_detail", "assessment_detail"},
    "tom": {"plan_list", "plan_detail", "panel_home", "limit_list"},
    "priya": {"panel_home", "meeting_detail"},
    "sam": {"site_home", "audit_list"},
    "aisha": {"site_home"},
    "carl": {"site_home"},
}


def page_kind(path):
    """The URL name, plus any argument that picks a template (not an id or a slug)."""
    if path.startswith(SKIP_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name in SKIP_NAMES or match.url_name.endswith(("_pdf", "_csv")):
        return None
    # Downloads (a meeting pack, an export) are files, not pages.
    if path.split("?")[0].endswith((".pdf", ".csv")):
        return None
    shape = tuple(
        value
        for key, value in sorted(match.kwargs.items())
        if not key.endswith("slug") and not UUID.match(str(value))
    )
    return (match.url_name, *shape)


def sideways_scroll(page):
    """How far the page's body scrolls sideways at 320 CSS px (0 when it reflows)."""
    page.set_viewport_size(NARROW)
    try:
        return page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    finally:
        page.set_viewport_size(DESKTOP)


def crawl(page, start):
    """Visit one page of each kind reachable by links; return {kind: problems}."""
    origin = urlsplit(page.url)
    seen = {page_kind(urlsplit(start).path)}
    queue = deque([start])
    found = {}
    while queue:
        url = queue.popleft()
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file (an export), not a page
            raise
        assert response.ok, f"{response.status} for {urlsplit(url).path}"
        kind = page_kind(urlsplit(page.url).path)
        found[kind] = serious_violations(page)
        if overflow := sideways_scroll(page):
            found[kind].append(_reflow_problem(overflow))
        assert len(found) <= MAX_PAGES, "crawl ran away; narrow the page kinds"
        for href in page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.href)"
        ):
            link = urlsplit(href)
            if (link.scheme, link.netloc) != (origin.scheme, origin.netloc):
                continue
            link_kind = page_kind(link.path)
            if link_kind and link_kind not in seen:
                seen.add(link_kind)
                queue.append(link._replace(fragment="").geturl())
    return found


def _reflow_problem(overflow):
    return {
        "id": "reflow-320",
        "impact": "serious",
        "help": f"the body scrolls {overflow}px sideways at 320 CSS px (WCAG 1.4.10)",
        "nodes": [],
    }


def _assert_clean(found):
    failures = {kind: v for kind, v in found.items() if v}
    assert not failures, "\n".join(
        f"{'/'.join(map(str, kind))}:\n{describe(v)}" for kind, v in failures.items()
    )


@pytest.mark.parametrize("username", sorted(ROLES))
def test_every_page_a_role_can_reach_passes_axe(page, demo, username):
    sign_in(page, username)
    found = crawl(page, page.url)
    reached = {kind[0] for kind in found}
    assert ROLES[username] <= reached, sorted(ROLES[username] - reached)
    _assert_clean(found)


def test_pages_before_sign_in_pass_axe(page, demo):
    page.goto("/accounts/login/")
    found = crawl(page, page.url)
    assert {"login", "password_reset"} <= {kind[0] for kind in found}
    # The error pages are pages too.
    page.goto("/s/no-such-site/")
    found["404"] = serious_violations(page)
    if overflow := sideways_scroll(page):
        found["404"].append(_reflow_problem(overflow))
    _assert_clean(found)
