"""Fixtures the assessment tests share: a person allocated to the officer, a draft
needs assessment of theirs."""

import pytest
from django_scopes import scopes_disabled

from assessments import services
from tests.assessments.assessment_pages.posts import NEEDS
from tests.factories import PersonFactory


@pytest.fixture
def person(site_a, officer):
    with scopes_disabled():
        return PersonFactory(
            site=site_a,
            given_name="Ada",
            family_name="Lovelace",
            allocated_worker=officer,
        )


@pytest.fixture
def draft(person, officer):
    with scopes_disabled():
        return services.start_assessment(person=person, kind=NEEDS, by=officer)
