"""The audit trail's date filters take a sensible window: a date in year 9999 is
answered with a message beside the field, not a server error (issue 10 item 9)."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("field", "value"), [("date_to", "9999-12-31"), ("date_from", "0001-01-01")]
)
def test_a_date_outside_the_window_is_refused_with_a_message(
    client, senior, field, value
):
    client.force_login(senior)

    response = client.get(reverse("audit_list", args=["alpha"]), {field: value})

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        "Choose a date between 1 January 2000 and today."
    ]
