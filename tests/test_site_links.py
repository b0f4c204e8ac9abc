"""A site-scoped row never points at another site's row, whoever saves it.

Services no longer trust their callers (or a form's queryset) about sites: the one
check on ``SiteScoped`` (save, clean and bulk_create) refuses a key to another site's
record. After the whole demo is seeded, no row anywhere points across sites.
"""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django_scopes import scopes_disabled

from assessments import services as assessment_services
from assessments.models import CarerLink, Need, Person
from careplans import services as plan_services
from careplans.models import CarePlan, Response, ResponseOutcome
from panels import services as panel_services
from panels.models import PanelItem
from sites.models import SiteScoped, site_links
from sites.permissions import Role
from tests.factories import PersonFactory, StandardServiceFactory, member
from tests.panels.factories import make_meeting, make_panel, plan_awaiting_panel
from tests.plan_factories import completed_assessment, draft_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def unscoped(db):
    # Services are also called with scopes disabled (seeding, commands): there the
    # scoped managers cannot stop a cross-site key; only the check can.
    with scopes_disabled():
        yield


@pytest.fixture
def officer_b(site_b):
    return member(site_b, Role.ASSESSING_OFFICER, "officer-b")


def refused(call, *args, **kwargs):
    """Run ``call`` expecting the cross-site refusal; return its message."""
    # In its own transaction, as a service's would be: a many-to-many add that fails
    # half-way leaves the transaction unusable.
    with pytest.raises(ValidationError) as caught, transaction.atomic():
        call(*args, **kwargs)
    error = caught.value
    # Raised by save(), or by clean() inside a service's full_clean() (a non-field
    # error there).
    errors = (
        error.error_dict[NON_FIELD_ERRORS]
        if hasattr(error, "error_dict")
        else error.error_list
    )
    assert [e.code for e in errors] == ["other_site"] * len(errors)
    return " ".join(error.messages)


# --- careplans -------------------------------------------------------------------------


def test_a_response_cannot_replace_another_sites_standard_service(
    unscoped, site_a, site_b, officer
):
    plan = draft_plan(site_a, officer)
    theirs = StandardServiceFactory(site=site_b, name="Their meals")
    version_before = plan.version
    message = refused(
        plan_services.save_response,
        plan,
        by=officer,
        outcomes=list(plan_services.plan_outcomes(plan)),
        description="Lunch at the café",
        kind=Response.Kind.FLEXIBLE,
        times=2,
        period=Response.Period.WEEK,
        unit_cost=Decimal("12.00"),
        replaces=theirs,
    )
    assert message == (
        "Standard service it replaces: that record belongs to another site, so it "
        "cannot be used here."
    )
    assert not plan.responses.exists()
    plan.refresh_from_db()
    assert plan.version == version_before  # unchanged: the whole save was rolled back


def test_a_response_can_replace_its_own_sites_standard_service(
    unscoped, site_a, officer
):
    plan = draft_plan(site_a, officer)
    ours = StandardServiceFactory(site=site_a, name="Our meals")
    response = plan_services.save_response(
        plan,
        by=officer,
        outcomes=list(plan_services.plan_outcomes(plan)),
        description="Lunch at the café",
        kind=Response.Kind.FLEXIBLE,
        times=2,
        period=Response.Period.WEEK,
        unit_cost=Decimal("12.00"),
        replaces=ours,
    )
    assert response.replaces == ours


def test_a_plan_cannot_answer_another_sites_assessment(
    unscoped, site_a, site_b, officer, officer_b
):
    person = PersonFactory(site=site_a)
    theirs = completed_assessment(site_b, officer_b)
    plan = CarePlan(site=site_a, person=person, assessment=theirs, written_by=officer)
    message = refused(plan.save)
    assert message.startswith("Assessment: that record belongs to another site")
    assert not CarePlan.objects.exists()


def test_a_key_set_by_id_is_checked_in_one_query(
    unscoped, site_a, site_b, officer, officer_b, django_assert_num_queries
):
    person = PersonFactory(site=site_a)
    theirs = completed_assessment(site_b, officer_b)
    # Two keys to two models, neither loaded: one query reads both their sites.
    plan = CarePlan(
        site=site_a, person_id=person.pk, assessment_id=theirs.pk, written_by=officer
    )
    with (
        django_assert_num_queries(1),
        pytest.raises(ValidationError, match="Assessment: that record belongs"),
    ):
        plan.save()


def test_a_response_cannot_serve_another_sites_desired_outcome(
    unscoped, site_a, site_b, officer, officer_b
):
    plan = draft_plan(site_a, officer)
    response = plan_services.save_response(
        plan,
        by=officer,
        outcomes=list(plan_services.plan_outcomes(plan)),
        description="Help with shopping",
        kind=Response.Kind.STANDARD,
        times=1,
        period=Response.Period.WEEK,
        unit_cost=Decimal("20.00"),
    )
    theirs = completed_assessment(site_b, officer_b).desired_outcomes.get()
    # One row at a time...
    refused(
        ResponseOutcome.objects.create,
        site=site_a,
        response=response,
        desired_outcome=theirs,
    )
    # ...through the many-to-many (rows written in bulk, by key)...
    refused(response.outcomes.add, theirs, through_defaults={"site": site_a})
    # ...or in bulk directly.
    refused(
        ResponseOutcome.objects.bulk_create,
        [
            ResponseOutcome(
                site=site_a, response_id=response.pk, desired_outcome_id=theirs.pk
            )
        ],
    )
    assert ResponseOutcome.objects.filter(desired_outcome=theirs).count() == 0


# --- panels ----------------------------------------------------------------------------


def test_a_meetings_agenda_cannot_take_another_sites_plan(
    unscoped, site_a, site_b, officer, chair, officer_b
):
    meeting = make_meeting(make_panel(site_a, chair), chair)
    theirs = plan_awaiting_panel(site_b, officer_b)
    assert theirs.status == CarePlan.Status.AWAITING_PANEL
    message = refused(
        panel_services.add_item,
        meeting=meeting,
        plan=theirs,
        question="Will the panel fund lunch out twice a week?",
        by=chair,
    )
    assert message.startswith("Plan: that record belongs to another site")
    assert not PanelItem.objects.exists()


# --- assessments -----------------------------------------------------------------------


def test_a_need_cannot_name_another_sites_standard_service(
    unscoped, site_a, site_b, officer
):
    person = PersonFactory(site=site_a)
    assessment = assessment_services.start_assessment(
        person=person, kind="needs", by=officer
    )
    theirs = StandardServiceFactory(site=site_b, name="Their day centre")

    def write(locked):
        Need.objects.create(
            site=locked.site,
            assessment=locked,
            description="Gets lonely at home",
            usual_offer=theirs,
        )

    message = refused(
        assessment_services.save_section,
        assessment,
        section="needs",
        expected_version=0,
        by=officer,
        write=write,
    )
    assert message.startswith("What would usually be offered: that record belongs")
    assert not Need.objects.exists()
    assessment.refresh_from_db()
    assert assessment.section_version("needs") == 0


def test_a_carer_link_cannot_join_people_of_two_sites(unscoped, site_a, site_b):
    ours, theirs = PersonFactory(site=site_a), PersonFactory(site=site_b)
    link = CarerLink(
        site=site_a,
        carer=ours,
        cared_for=theirs,
        willing_to_continue="yes",
        able_to_continue="yes",
    )
    refused(link.save)
    # Forms see it too: clean() compares the loaded records, with no query.
    with pytest.raises(ValidationError, match="belongs to another site"):
        link.full_clean()


# --- what the check costs ----------------------------------------------------------------


def test_saving_a_loaded_row_with_its_keys_unchanged_reads_no_other_site(
    unscoped, site_a, officer, django_assert_num_queries
):
    plan = draft_plan(site_a, officer)
    loaded = CarePlan.objects.get(pk=plan.pk)
    # The update and its history row; no read of the person's or assessment's site.
    with django_assert_num_queries(2):
        loaded.save()
    with django_assert_num_queries(2):
        loaded.save(update_fields=["person_views", "updated_at"])


def test_changing_a_key_to_a_loaded_record_of_the_same_site_reads_nothing(
    unscoped, site_a, officer, django_assert_num_queries
):
    plan = draft_plan(site_a, officer)
    loaded = CarePlan.objects.get(pk=plan.pk)
    other = Person.objects.create(
        site=site_a, given_name="A", family_name="B", date_of_birth="1940-01-01"
    )
    loaded.person = other
    with django_assert_num_queries(2):
        loaded.save(update_fields=["person", "updated_at"])


# --- the constraint test: the seeded demo has no cross-site key ---------------------------


def _site_scoped_models():
    return [m for m in apps.get_models() if issubclass(m, SiteScoped)]


def cross_site_links():
    """(model label, key, count) for each key whose rows point at another site's
    row: one query per key of every site-scoped model."""
    found = []
    for model in _site_scoped_models():
        for field in site_links(model):
            count = (
                model._base_manager.filter(**{f"{field.name}__isnull": False})
                .filter(~Q(**{f"{field.name}__site": F("site")}))
                .count()
            )
            if count:
                found.append((model._meta.label, field.name, count))
    return found


def test_the_walk_covers_every_site_scoped_key():
    keys = {
        (m._meta.label, f.name) for m in _site_scoped_models() for f in site_links(m)
    }
    assert ("careplans.Response", "replaces") in keys
    assert ("careplans.CarePlan", "previous") in keys
    assert ("panels.Decision", "item") in keys
    assert ("careplans.ResponseOutcome", "desired_outcome") in keys
    assert ("panels.DecisionPresence", "decision") in keys
    # The site key itself is what the others are compared with.
    assert not any(name == "site" for _, name in keys)


def test_after_seeding_the_demo_no_row_points_at_another_sites_row(
    demo_data, django_assert_num_queries
):
    keys = sum(len(site_links(m)) for m in _site_scoped_models())
    with scopes_disabled():
        assert Response.objects.filter(replaces__isnull=False).exists()
        with django_assert_num_queries(keys):
            assert cross_site_links() == []


def test_the_walk_finds_a_row_written_around_the_check(unscoped, site_a, site_b):
    """The walk can fail: a key changed by update() (which skips save) is found."""
    link = CarerLink.objects.create(
        site=site_a,
        carer=PersonFactory(site=site_a),
        cared_for=PersonFactory(site=site_a),
        willing_to_continue="yes",
        able_to_continue="yes",
    )
    CarerLink.objects.filter(pk=link.pk).update(cared_for=PersonFactory(site=site_b))
    assert cross_site_links() == [("assessments.CarerLink", "cared_for", 1)]
