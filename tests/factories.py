"""factory_boy factories. Names and numbers are obviously synthetic."""

import datetime
import functools

import factory
from django.contrib.auth import get_user_model
from django_scopes import scopes_disabled

from assessments import services
from assessments.validators import nhs_number_is_valid
from sites.models import (
    CollaborativeMeeting,
    LearningPoint,
    Membership,
    Milestone,
    PlanningRow,
    ProgrammeMembership,
    Site,
)
from sites.permissions import PROGRAMME_COORDINATOR, Role

TEST_PASSWORD = "test-password-not-real"


def any_scope(builder):
    """A builder of site records that works inside a site's scope or outside any:
    tests call it bare, with no ``scopes_disabled()`` around it."""

    @functools.wraps(builder)
    def build(*args, **kwargs):
        with scopes_disabled():
            return builder(*args, **kwargs)

    return build


class SiteRecordFactory(factory.django.DjangoModelFactory):
    """A factory for a site-scoped record: it makes its row whether or not a site's
    scope is active, so tests need no ``scopes_disabled()`` around it."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"site-{n}")
    name = factory.Sequence(lambda n: f"Test Site {n}")
    kind = Site.Kind.LOCAL_AUTHORITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Tester{n}")
    last_name = "Example"
    password = factory.django.Password(TEST_PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    site = factory.SubFactory(SiteFactory)
    role = Role.ASSESSING_OFFICER


def member(site, role, username=None):
    """A user holding one role at one site."""
    kwargs = {"username": username} if username else {}
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, site=site, role=role)
    return user


# --- the collaborative programme ------------------------------------------------------


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sites.Programme"

    slug = factory.Sequence(lambda n: f"programme-{n}")
    title = factory.Sequence(lambda n: f"Test programme {n}")
    improvement_focus = "An outcomes focus to assessment and care planning."
    aim = "Record what people want, and arrange it where we can."
    focus_group = "People over 85 living at home."
    focus_min_age = 85
    start_date = factory.Faker("date_object")
    created_by = factory.SubFactory(UserFactory)


class ProgrammeSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sites.ProgrammeSite"

    programme = factory.SubFactory(ProgrammeFactory)
    site = factory.SubFactory(SiteFactory)
    team_name = "Older people's team"


def programme_coordinator(programme, username=None):
    """A user whose only role is coordinating ``programme`` (no site membership)."""
    kwargs = {"username": username} if username else {}
    user = UserFactory(**kwargs)
    ProgrammeMembership.objects.create(
        programme=programme, user=user, role=PROGRAMME_COORDINATOR
    )
    return user


def programme_records(programme, *, by):
    """One of each of a programme's own records (a milestone, a collaborative
    meeting, a planning row, a learning point), for the URL matrices."""
    start = programme.start_date
    return {
        "milestone": Milestone.objects.create(
            programme=programme,
            phase="during",
            title="First collaborative meeting",
            owner_role="programme_coordinator",
            due_date=start,
        ),
        "programme_meeting": CollaborativeMeeting.objects.create(
            programme=programme,
            title="Collaborative meeting",
            held_on=start + datetime.timedelta(weeks=8),
            created_by=by,
        ),
        "planning_row": PlanningRow.objects.create(
            programme=programme,
            where_now="Most plans offer a standard service.",
            want_to_achieve="Plans built on what people want.",
            how_get_there="Ask, and record the answer in their words.",
            who_does_what="Practitioners; the advisor reviews.",
            timescales="Six months",
        ),
        "learning_point": LearningPoint.objects.create(
            programme=programme,
            learning_point="People asked for help they had not been offered.",
            action_point="Add the question to the assessment guidance.",
            responsibility="Team managers",
            implement_by=start + datetime.timedelta(weeks=12),
            created_by=by,
        ),
    }


# --- assessments -------------------------------------------------------------------

_NHS_BASE = 999_000_000


def valid_nhs_number(n: int) -> str:
    """The n-th valid number in the 999 range that NHS England reserves for testing."""
    candidate = _NHS_BASE + n * 7
    while True:
        digits = f"{candidate:09d}"
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10 and nhs_number_is_valid(digits + str(check)):
            return digits + str(check)
        candidate += 1


class PersonFactory(SiteRecordFactory):
    class Meta:
        model = "assessments.Person"

    site = factory.SubFactory(SiteFactory)
    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=65, maximum_age=99)
    nhs_number = ""
    postcode = "ZZ9 9ZZ"


class StandardServiceFactory(SiteRecordFactory):
    class Meta:
        model = "assessments.StandardService"

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Standard service {n}")
    typical_weekly_cost = "40.00"


class CarerLinkFactory(SiteRecordFactory):
    class Meta:
        model = "assessments.CarerLink"

    site = factory.SubFactory(SiteFactory)
    carer = factory.SubFactory(PersonFactory, site=factory.SelfAttribute("..site"))
    cared_for = factory.SubFactory(PersonFactory, site=factory.SelfAttribute("..site"))
    willing_to_continue = "yes"
    able_to_continue = "partly"


class NeedFactory(SiteRecordFactory):
    """A need on an existing assessment (pass ``assessment``)."""

    class Meta:
        model = "assessments.Need"

    site = factory.SelfAttribute("assessment.site")
    description = factory.Sequence(lambda n: f"Help to wash and dress, need {n}")
    domains = factory.LazyFunction(lambda: ["hygiene", "clothed"])
    position = factory.Sequence(lambda n: n)


class DesiredOutcomeFactory(SiteRecordFactory):
    """A desired outcome on an existing assessment (pass ``assessment``)."""

    class Meta:
        model = "assessments.DesiredOutcome"

    site = factory.SelfAttribute("assessment.site")
    in_own_words = factory.Sequence(lambda n: f"I want to get to the allotment {n}")
    expressed_by = "person"
    position = factory.Sequence(lambda n: n)


@any_scope
def record_eligible_answers(assessment, unable=2):
    """Answers that make an adult eligible (reg. 2)."""
    assessment.needs_arise_from_condition = True
    assessment.save(update_fields=["needs_arise_from_condition"])
    for rating in list(assessment.outcome_ratings.all())[:unable]:
        rating.unable = True
        rating.reasons = ["assistance"]
        rating.save()
    wellbeing = assessment.wellbeing_impacts.first()
    wellbeing.level = "significant"
    wellbeing.save()
    return assessment


@any_scope
def make_ready_to_complete(assessment, by):
    """Everything completion needs, eligibility confirmed."""
    record_eligible_answers(assessment)
    assessment.what_matters = "Staying in my own home with my cat."
    assessment.save(update_fields=["what_matters"])
    DesiredOutcomeFactory(assessment=assessment)
    NeedFactory(assessment=assessment)
    return services.confirm_eligibility(
        assessment, by=by, expected_version=assessment.section_version("eligibility")
    )
