"""The programme's cast and a case in it, for the case-study steps."""

from tests.careplans.programme_fixtures import case, cast, in_focus  # noqa: F401
