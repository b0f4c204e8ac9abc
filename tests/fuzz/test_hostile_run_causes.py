"""The nine causes of the 107 server errors a hostile run found (issue 11, item 13),
each kept as a regression test, answered where its rule lives.

1. Money beyond what a column or the business allows (``sites.money.MAX_AMOUNT``).
2. Tampered outcome and wellbeing formset ids and counts.
3. A malformed carer ``other`` code in the query string.
4. A notification code that is not a UUID.
5. A plan starting in year 9999 (its review date overflowed at sign-off).
6. An audit filter to 9999-12-31.
7. ``X-Forwarded-For: not-an-ip`` on sign-in (an ``inet`` column on PostgreSQL).
8. Two people creating one NHS number at once.
9. SQLite "database is locked" under parallel writes.
"""

import html
import os
import subprocess
import sys
import threading
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments import services as assessment_services
from assessments.models import Assessment, OutcomeRating, Person, WellbeingImpact
from careplans import services as plan_services
from careplans.models import DelegatedLimit, Response
from panels.forms import DecisionForm
from sites.models import AuditEvent
from sites.money import MAX_AMOUNT, too_much_message
from sites.permissions import Role
from tests.factories import TEST_PASSWORD, PersonFactory, member, valid_nhs_number
from tests.plan_factories import draft_plan, limits

pytestmark = pytest.mark.django_db
TOO_MUCH = too_much_message()


def url(name, *args):
    return reverse(name, args=["alpha", *args])


@pytest.fixture
def plan(site_a, officer, senior):
    with scopes_disabled():
        limits(site_a, senior)
        return draft_plan(site_a, officer, outcomes=1)


def response_post(plan, **changes):
    with scopes_disabled():
        ticked = [str(o.pk) for o in plan_services.plan_outcomes(plan)]
    return {
        "description": "Lunch at the café twice a week",
        "kind": Response.Kind.FLEXIBLE,
        "origin": Response.Origin.ASKED_FOR,
        "outcomes": ticked,
        "replaces": "",
        "replaced_weekly_cost": "0",
        "provider": "Dial-a-ride",
        "times": "2",
        "period": Response.Period.WEEK,
        "unit_cost": "12.50",
        "start_date": "",
        "end_date": "",
        **changes,
    }


# --- 1. Money -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        # The hostile run's own numbers: the column's largest amount, 500 times a week.
        ({"unit_cost": "99999999.99", "times": "500"}, TOO_MUCH),
        ({"unit_cost": "100000.01"}, TOO_MUCH),
        # Each amount within the cap, but a week of it beyond.
        ({"unit_cost": "1000.00", "times": "500"}, "a week cannot be more than"),
        ({"unit_cost": "99999.99", "times": "2", "period": "once"}, "cannot be more"),
        ({"replaced_weekly_cost": "100000.01"}, TOO_MUCH),
        ({"unit_cost": "-0.01"}, "cannot be below zero"),
    ],
)
def test_an_amount_beyond_the_cap_is_refused_beside_its_field_and_the_typing_kept(
    client, officer, plan, changes, message
):
    client.force_login(officer)

    answer = client.post(
        url("response_create", plan.code), response_post(plan, **changes)
    )

    assert answer.status_code == 200
    errors = " ".join(" ".join(e) for e in answer.context["form"].errors.values())
    assert message in errors
    assert "Lunch at the café twice a week" in answer.content.decode()
    with scopes_disabled():
        assert not plan.responses.exists()


def test_the_cap_itself_is_accepted(client, officer, plan):
    client.force_login(officer)

    answer = client.post(
        url("response_create", plan.code),
        response_post(plan, unit_cost=str(MAX_AMOUNT), times="1"),
    )

    assert answer.status_code == 302
    with scopes_disabled():
        assert plan.responses.get().weekly_cost == MAX_AMOUNT


def test_a_plan_whose_responses_add_up_beyond_the_cap_is_refused(client, officer, plan):
    client.force_login(officer)
    first = client.post(
        url("response_create", plan.code),
        response_post(plan, unit_cost="60000.00", times="1"),
    )
    assert first.status_code == 302

    second = client.post(
        url("response_create", plan.code),
        response_post(plan, unit_cost="60000.00", times="1"),
    )

    assert second.status_code == 200
    assert "The plan's cost a week cannot be more than" in html.unescape(
        second.content.decode()
    )
    with scopes_disabled():
        assert plan.responses.count() == 1


def test_a_delegated_limit_beyond_the_cap_is_refused(site_a, senior, unscoped):
    with pytest.raises(ValidationError) as error:
        plan_services.set_delegated_limit(
            site=site_a,
            role=Role.TEAM_MANAGER,
            weekly_limit=Decimal("99999999.99"),
            effective_from=date.today(),
            by=senior,
        )
    assert error.value.code == "too_much"
    assert not DelegatedLimit.objects.exists()


def test_the_limits_page_refuses_a_limit_beyond_the_cap_with_a_message(client, senior):
    client.force_login(senior)

    answer = client.post(
        url("limit_list"),
        {
            "role": Role.TEAM_MANAGER,
            "weekly_limit": "99999999.99",
            "effective_from": date.today().isoformat(),
            "notes": "Typed in a hurry",
        },
    )

    assert answer.status_code == 200
    assert TOO_MUCH in answer.content.decode()
    assert "Typed in a hurry" in answer.content.decode()
    with scopes_disabled():
        assert not DelegatedLimit.objects.exists()


def test_a_panel_cannot_authorise_beyond_the_cap():
    field = DecisionForm.base_fields["authorised_weekly"]
    with pytest.raises(ValidationError) as error:
        field.clean("99999999.99")
    assert error.value.messages == [TOO_MUCH]


# --- 2. Tampered formsets -------------------------------------------------------------


@pytest.fixture
def draft_assessment(site_a, officer):
    with scopes_disabled():
        person = PersonFactory(site=site_a)
        return assessment_services.start_assessment(
            person=person, kind=Assessment.Kind.NEEDS, by=officer
        )


@pytest.fixture
def elsewhere(site_a, officer):
    """Another assessment's saved rows, which a tampered id must never reach."""
    with scopes_disabled():
        other = assessment_services.start_assessment(
            person=PersonFactory(site=site_a), kind=Assessment.Kind.NEEDS, by=officer
        )
        rating = other.outcome_ratings.first()
        impact = other.wellbeing_impacts.first()
    return rating, impact


def tampered(prefix, ids, total, initial):
    data = {
        "version": "0",
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, pk in enumerate(ids):
        data[f"{prefix}-{i}-id"] = pk
        data[f"{prefix}-{i}-notes"] = "Tampered notes"
        data[f"{prefix}-{i}-unable"] = "on"
    return data


@pytest.mark.parametrize("section", ["outcomes", "wellbeing"])
@pytest.mark.parametrize(
    ("ids", "total", "initial"),
    [
        ("elsewhere", "1", "1"),  # another assessment's row
        (["abc"], "1", "1"),
        (["99999999"], "1", "1"),
        (["-1"], "1", "1"),
        ([], "1000000", "0"),
        ([], "-1", "0"),
        ([], "x", "y"),
        ([], "0", "5"),
        ("elsewhere", "1", "999999999999999999999"),
    ],
)
def test_a_tampered_formset_is_refused_without_a_500_or_a_stray_write(
    client, officer, draft_assessment, elsewhere, section, ids, total, initial
):
    rating, impact = elsewhere
    other_row = rating if section == "outcomes" else impact
    if ids == "elsewhere":
        ids = [str(other_row.pk)]
    model = OutcomeRating if section == "outcomes" else WellbeingImpact
    with scopes_disabled():
        before = {r.pk: r.notes for r in model.objects.all()}
    client.force_login(officer)

    answer = client.post(
        url("assessment_section", draft_assessment.code, section),
        tampered(section, ids, total, initial),
    )

    assert answer.status_code in {200, 302}
    with scopes_disabled():
        assert {r.pk: r.notes for r in model.objects.all()} == before


# --- 3 and 4. Malformed codes ---------------------------------------------------------


@pytest.mark.parametrize("bad", ["x", "1", "' OR 1=1 --", "\x00", "a" * 5000])
def test_a_malformed_carer_code_answers_404(client, site_a, officer, bad):
    with scopes_disabled():
        person = PersonFactory(site=site_a)
    client.force_login(officer)

    address = url("carer_link_create", person.code)
    assert client.get(address, {"other": bad}).status_code == 404
    assert client.post(address, {"other": bad}).status_code == 404


@pytest.mark.parametrize("bad", ["x", "00000000-0000-0000-0000-00000000000g", "1"])
def test_a_notification_code_that_is_not_a_uuid_answers_404(client, officer, bad):
    client.force_login(officer)
    assert client.get(f"/s/alpha/notifications/{bad}/").status_code == 404
    assert client.post(f"/s/alpha/notifications/{bad}/").status_code == 404


# --- 5. A plan in year 9999 -----------------------------------------------------------


def test_a_plan_starting_in_year_9999_is_refused_at_the_form_and_never_signed_off(
    client, officer, plan
):
    client.force_login(officer)
    answer = client.post(
        url("plan_edit", plan.code),
        {"start_date": "9999-12-31", "person_views": "Kept words", "version": 2},
    )
    assert answer.status_code == 200
    assert "more than a year ahead" in answer.content.decode()
    assert "Kept words" in answer.content.decode()

    # Even if such a date were already stored, the plan is not submitted.
    with scopes_disabled():
        type(plan).objects.filter(pk=plan.pk).update(start_date=date(9999, 12, 31))
        plan.refresh_from_db()
        with pytest.raises(ValidationError):
            plan_services.submit_plan(plan, by=officer)


# --- 6. The audit filter --------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
        {"date_from": "2026-02-30"},
        {"date_to": "\x00"},
        {"page": "999999999999"},
    ],
)
def test_the_audit_filter_answers_any_date_with_a_page_not_a_500(client, senior, query):
    client.force_login(senior)
    assert client.get(url("audit_list"), query).status_code == 200


# --- 7. A forged forwarded address ----------------------------------------------------


def test_a_forwarded_address_that_is_not_an_ip_does_not_break_sign_in(
    client, officer, settings
):
    settings.CAREHUB_TRUSTED_PROXY_COUNT = 1
    answer = client.post(
        reverse("login"),
        {"username": officer.username, "password": "not the password"},
        HTTP_X_FORWARDED_FOR="not-an-ip",
    )
    assert answer.status_code == 200
    with scopes_disabled():
        event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).last()
    assert event.ip_address == "127.0.0.1"
    signed_in = client.post(
        reverse("login"),
        {"username": officer.username, "password": TEST_PASSWORD},
        HTTP_X_FORWARDED_FOR="not-an-ip, also not",
    )
    assert signed_in.status_code == 302


# --- 8. One NHS number, twice at once -------------------------------------------------


def test_a_second_record_with_one_nhs_number_is_refused_not_a_500(site_a, officer):
    nhs = valid_nhs_number(7)
    with scopes_disabled():
        PersonFactory(site=site_a, nhs_number=nhs)
        # As if both passed the duplicate check before either saved: the database's
        # unique constraint decides, and the loser hears why.
        with pytest.raises(ValidationError) as error:
            assessment_services.create_person(
                site=site_a,
                by=officer,
                creation_token=uuid.uuid4(),
                given_name="Someone",
                family_name="Else",
                date_of_birth=date(1950, 1, 1),
                nhs_number=nhs,
            )
        assert error.value.code == "duplicate"
        assert Person.objects.filter(nhs_number=nhs).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_saving_one_nhs_number_at_once_make_one_record(site_a, officer):
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL")
    other = member(site_a, Role.ASSESSING_OFFICER, "officer-a2")
    nhs = valid_nhs_number(8)
    barrier = threading.Barrier(2, timeout=10)
    results = {}

    def add(who, user, given, born):
        try:
            with scopes_disabled():
                barrier.wait()
                results[who] = assessment_services.create_person(
                    site=site_a,
                    by=user,
                    creation_token=uuid.uuid4(),
                    given_name=given,
                    family_name="Testhopper",
                    date_of_birth=born,
                    nhs_number=nhs,
                )
        except Exception as error:  # checked below
            results[who] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=add, args=(i, *who))
        for i, who in enumerate(
            [
                (officer, "Grace", date(1946, 12, 9)),
                (other, "Grayce", date(1946, 12, 10)),
            ]
        )
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    made = [r for r in results.values() if isinstance(r, Person)]
    refused = [r for r in results.values() if isinstance(r, ValidationError)]
    assert len(made) == 1, results
    assert len(refused) == 1, results
    with scopes_disabled():
        assert Person.objects.filter(nhs_number=nhs).count() == 1


# --- 9. SQLite under parallel writes --------------------------------------------------


# Run with the project's own settings against a SQLite file, as ``make run`` does (the
# tests' SQLite database is in memory, where locking differs).
PARALLEL_WRITERS = """
import threading
import time
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE t (n integer)")
connection.close()
errors, barrier = [], threading.Barrier(8, timeout=10)


def write(n):
    try:
        barrier.wait()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")
            time.sleep(0.05)  # all eight hold their read at once
            cursor.execute("INSERT INTO t VALUES (%s)", [n])
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()


threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(timeout=30)
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM t")
    print(cursor.fetchone()[0], errors)
"""


def test_parallel_read_then_write_transactions_on_sqlite_all_commit(tmp_path):
    """Eight threads each read a count and then write, in one transaction: with the
    write lock taken when the transaction begins (``carehub/settings.py``), they wait
    their turn; without it, SQLite answers "database is locked" at once, whatever the
    timeout."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "carehub.settings",
        "DEBUG": "true",
    }
    run = subprocess.run(
        [sys.executable, "-c", PARALLEL_WRITERS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=django_settings.BASE_DIR,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["8", "[]"], run.stdout
