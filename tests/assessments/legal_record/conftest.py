"""The person whose legal record the tests fill in, allocated to the officer."""

import pytest
from django_scopes import scopes_disabled

from tests.factories import PersonFactory


@pytest.fixture
def person(site_a, officer):
    with scopes_disabled():
        return PersonFactory(site=site_a, allocated_worker=officer)
