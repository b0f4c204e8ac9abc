"""Fixtures the assessment services' tests share: a person at site A, a draft needs
assessment of theirs, and a carer with the person they care for."""

import pytest

from assessments import services
from tests.assessments.services.service_calls import NEEDS
from tests.factories import CarerLinkFactory, PersonFactory


@pytest.fixture
def person(in_site_a):
    return PersonFactory(site=in_site_a)


@pytest.fixture
def draft(person, officer):
    return services.start_assessment(person=person, kind=NEEDS, by=officer)


@pytest.fixture
def carer_pair(in_site_a):
    link = CarerLinkFactory(site=in_site_a)
    return link.carer, link.cared_for
