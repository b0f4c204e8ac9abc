"""Fixtures the people pages' tests share: Ada, allocated to the officer."""

import pytest
from django_scopes import scopes_disabled

from tests.factories import PersonFactory, valid_nhs_number


@pytest.fixture
def person(site_a, officer):
    with scopes_disabled():
        return PersonFactory(
            site=site_a,
            given_name="Ada",
            family_name="Lovelace",
            allocated_worker=officer,
            nhs_number=valid_nhs_number(1),
            postcode="NS4 2EV",
        )
