"""Hostile input to every form and every URL parameter: no server error, nothing saved
half-way, and what was typed comes back with a message (issue 11, item 13).

The pages come from the isolation matrix (``tests.test_isolation``: its completeness
tests fail when a URL is missing there), and each page's forms from the page itself,
so a new page, form or field is fuzzed by construction. A page that takes a POST but
shows no form for it (a step offered only in another state) is posted to with the
fields of every form found: every page of the matrix is sent a hostile GET and a
hostile POST, and the test counts them.

Signed in as one member holding every role at site A and coordinating the programme,
so no rule stops the input before the forms see it. Each request runs in a
transaction that is rolled back, so every request meets the same records.

Run time is kept small in CI by the ``carehub`` Hypothesis profile (``FUZZ_EXAMPLES``
rounds, default 2, no shrinking: a failure prints the page and the values it was
given); ``FUZZ_EXAMPLES=50`` runs a deeper search.
"""

import html
import os
import time
from dataclasses import dataclass, field

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sites.models import ProgrammeMembership
from sites.permissions import PROGRAMME_COORDINATOR, Role
from tests.factories import MembershipFactory
from tests.test_isolation import PROGRAMME_URLS, SITE_URLS, _kwargs, programme_kwargs

from .forms import DEEP_PAGES, QUERY_NAMES, Field, Form, anything, forms_on, value_for

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
# What a page may answer to hostile input: shown (again), redirected, refused.
ANSWERS = {200, 302, 400, 403, 404, 405}
# Writes a page may make while showing a form again: the session and its "where you
# are signed in" entry, the audit trail's "viewed" events, sign-in throttling.
HARMLESS_WRITES = ("django_session", "sites_usersession", "sites_auditevent", "axes_")
WRITES = ("INSERT", "UPDATE", "DELETE")
# Shown on a page when a form is refused (components/error_summary.html, crispy's
# field errors, messages).
ERROR_MARKS = ("error-summary", "is-invalid", "invalid-feedback", "alert-danger")

# Downloads and pages whose only POST is a whole-page action with no fields.
NOT_HTML = ("application/pdf", "text/csv", "application/json", "application/zip")


@dataclass
class Target:
    name: str
    address: str
    get_forms: list = field(default_factory=list)
    post: Form | None = None
    own_form: bool = False  # the page shows the form it posts (else: every field)


def _addresses(records):
    for name in sorted(SITE_URLS):
        yield name, reverse(name, kwargs=_kwargs(name, records))
    for name in sorted(PROGRAMME_URLS):
        yield name, reverse(name, kwargs=programme_kwargs(name, records))


@pytest.fixture
def everyone(site_a, records):
    """The records' officer, given every role at site A and the programme."""
    user = records["officer"]
    with scopes_disabled():
        for role in Role:
            if role != Role.ASSESSING_OFFICER:
                MembershipFactory(user=user, site=site_a, role=role)
        ProgrammeMembership.objects.create(
            programme=records["programme"], user=user, role=PROGRAMME_COORDINATOR
        )
    return user


def _ask(client, method, address, data):
    """One request, rolled back after: (response or the exception, writes made)."""
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        try:
            answer = getattr(client, method)(address, data)
        except Exception as error:  # reported with the input that caused it
            answer = error
        transaction.set_rollback(True)
    writes = [
        q["sql"][:120]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(WRITES)
        and not any(table in q["sql"] for table in HARMLESS_WRITES)
    ]
    return answer, writes


def discover(client, records):
    """Every page of the matrix, its GET forms, and the fields each POST address is
    shown with anywhere."""
    targets, posts = {}, {}
    for name, address in _addresses(records):
        targets[address] = Target(name, address)
        answer, _ = _ask(client, "get", address, None)
        if isinstance(answer, Exception) or answer.status_code != 200:
            continue
        if answer.streaming:
            # A download (a job's file, an attached document): no forms to find. Read
            # it through the test client's wrapper: calling close() on it directly
            # would send request_finished, and on PostgreSQL that closes the test's
            # database connection.
            b"".join(answer.streaming_content)
            continue
        if answer.get("Content-Type", "").startswith(NOT_HTML):
            continue
        for form in forms_on(address, answer.content.decode()):
            if form.method == "get":
                targets[address].get_forms.append(form)
            elif form.action.startswith(("/s/alpha/", "/p/")):
                known = posts.setdefault(form.action, Form(form.action, "post"))
                for f in form.fields.values():
                    known.fields.setdefault(f.name, f)
    every_field = {}
    for form in posts.values():
        for f in form.fields.values():
            every_field.setdefault(f.name, f)
    for address, target in targets.items():
        target.own_form = address in posts
        target.post = posts.get(address) or Form(address, "post", dict(every_field))
    return list(targets.values())


def _short(data):
    def one(value):
        text = repr(value)
        return text if len(text) < 60 else text[:57] + "..."

    return {k: one(v) for k, v in (data or {}).items()}


def _typed_back(answer, data, form):
    """True when the page shows at least one of the words typed into a text field."""
    typed = [
        value.strip()
        for name, value in data.items()
        if isinstance(value, str)
        and form.fields.get(name, Field(name, "")).kind in {"text", "textarea"}
        and value.strip()
        and value.isprintable()
        and len(value) < 1000
    ]
    if not typed:
        return True
    markup = html.unescape(answer.content.decode())
    return any(value in markup for value in typed)


def check(answer, writes, method, target, data):
    """What is wrong with one answer, in words (None when all is well)."""
    where = f"{method.upper()} {target.name} {_short(data)}"
    if isinstance(answer, Exception):
        return f"{where}: raised {type(answer).__name__}: {answer}"
    status = answer.status_code
    if status not in ANSWERS:
        return f"{where}: answered {status}"
    if method == "post" and status == 200 and not answer.streaming:
        if writes:
            return f"{where}: shown again, yet wrote {writes}"
        page = answer.content.decode()
        refused = target.own_form and any(mark in page for mark in ERROR_MARKS)
        if refused and not _typed_back(answer, data, target.post):
            return f"{where}: refused, and what was typed is not on the page"
    return None


def query_for(target):
    """Hostile query parameters: common names, a deep page, the page's own filters."""
    optional = dict.fromkeys(QUERY_NAMES, anything)
    optional["page"] = st.sampled_from(DEEP_PAGES)
    for form in target.get_forms:
        optional.update({f.name: value_for(f) for f in form.fields.values()})
    return st.fixed_dictionaries({}, optional=optional)


def post_for(target):
    """Hostile values for every field the page's form is shown with (any may be left
    out altogether)."""
    fields = {
        f.name: st.one_of(value_for(f), st.none()) for f in target.post.fields.values()
    }
    # The first example is each field as the page offers it (the simplest values);
    # then anything. None leaves the field out.
    return st.fixed_dictionaries(fields).map(
        lambda data: {k: v for k, v in data.items() if v is not None}
    )


def fuzz(client, target):
    """``EXAMPLES`` hostile GETs and POSTs to one page; the problems found, in words."""
    problems = []

    @settings(
        max_examples=EXAMPLES,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
        database=None,
    )
    @given(query=query_for(target), posted=post_for(target))
    def one_page(query, posted):
        answer, writes = _ask(client, "get", target.address, query)
        problems.append(check(answer, writes, "get", target, query))
        answer, writes = _ask(client, "post", target.address, posted)
        problems.append(check(answer, writes, "post", target, posted))

    one_page()
    return [p for p in problems if p]


def test_hostile_input_to_every_page_and_form_is_answered_without_a_server_error(
    client, records, everyone
):
    client.force_login(everyone)
    started, cpu = time.monotonic(), time.process_time()
    targets = discover(client, records)
    assert len(targets) == len(SITE_URLS) + len(PROGRAMME_URLS)
    print(f"discovered {len(targets)} pages in {time.monotonic() - started:.1f} s")

    problems = [problem for target in targets for problem in fuzz(client, target)]

    print(
        f"fuzzed them in {time.monotonic() - started:.1f} s "
        f"({time.process_time() - cpu:.1f} s of CPU)"
    )
    assert not problems, "\n".join(sorted(set(problems)))
