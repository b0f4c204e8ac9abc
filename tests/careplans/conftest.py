"""Fixtures for the programme's casework tests (tests/careplans/programme_fixtures)."""

from tests.careplans.programme_fixtures import case, cast, in_focus  # noqa: F401
