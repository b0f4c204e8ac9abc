"""The panel dashboard's "last 12 months" are calendar months, leap years included."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django_scopes import scopes_disabled

from panels import selectors
from panels.models import Decision

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2028, 3, 1, 12, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("decided_at", "counted"),
    [
        # 366 days before 1 March 2028 (a leap year), and 12 calendar months.
        (datetime(2027, 3, 1, 12, 0, tzinfo=LONDON), True),
        (datetime(2027, 3, 1, 11, 59, tzinfo=LONDON), False),
        (datetime(2027, 2, 28, 12, 0, tzinfo=LONDON), False),
        (datetime(2028, 2, 29, 9, 0, tzinfo=LONDON), True),
    ],
)
@pytest.mark.time_machine(NOW)
def test_a_decision_counts_when_made_in_the_last_12_calendar_months(
    records, site_a, decided_at, counted
):
    with scopes_disabled():
        Decision.objects.filter(pk=records["decision"].pk).update(created_at=decided_at)
        dashboard = selectors.dashboard(site_a, now=NOW)

    assert dashboard["decision_count"] == (1 if counted else 0)
