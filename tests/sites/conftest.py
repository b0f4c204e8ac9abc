"""A programme that site A takes part in, its coordinator, and a helper to post."""

import datetime

import pytest

from tests.factories import (
    ProgrammeFactory,
    ProgrammeSiteFactory,
    programme_coordinator,
)


@pytest.fixture
def programme(site_a):
    programme = ProgrammeFactory(
        slug="over-85s",
        title="Over 85s at home",
        start_date=datetime.date(2026, 1, 5),
        data_collection_months=6,
    )
    ProgrammeSiteFactory(programme=programme, site=site_a, team_name="North team")
    return programme


@pytest.fixture
def coordinator(programme):
    return programme_coordinator(programme, "coordinator")
