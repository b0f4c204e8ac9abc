"""A meeting's steps, from every status: opened once, closed once, never reopened;
each allowed step stamped and audited, each refused step changing nothing."""

import pytest
from django.core.exceptions import ValidationError

from panels import services
from panels.models import PanelMeeting
from sites.models import AuditEvent

from .factories import make_meeting, make_panel, panel_members

M = PanelMeeting.Status

pytestmark = pytest.mark.usefixtures("unscoped")


@pytest.fixture
def members(site_a):
    return panel_members(site_a, 2)


def meeting_in(status, panel, chair, members):
    meeting = make_meeting(panel, chair)
    if status in {M.IN_SESSION, M.CLOSED}:
        services.open_meeting(meeting, by=chair, present=[chair, *members])
    if status == M.CLOSED:
        services.close_meeting(meeting, by=chair)
    return PanelMeeting.objects.get(pk=meeting.pk)


def steps_audited(meeting):
    return list(
        AuditEvent.objects.filter(object_code=str(meeting.code))
        .order_by("id")
        .values_list("action", flat=True)
    )


# step -> (the service, the status it may start from, the status it leads to, the
# time it stamps, what the audit trail says)
STEPS = {
    "open": (
        lambda m, chair, members: services.open_meeting(
            m, by=chair, present=[chair, *members]
        ),
        M.SCHEDULED,
        M.IN_SESSION,
        "opened_at",
        "Meeting opened",
    ),
    "close": (
        lambda m, chair, members: services.close_meeting(m, by=chair),
        M.IN_SESSION,
        M.CLOSED,
        "closed_at",
        "Meeting closed",
    ),
}


@pytest.mark.parametrize("status", M.values)
@pytest.mark.parametrize("step", sorted(STEPS))
def test_each_meeting_step_is_allowed_only_from_its_status(
    site_a, chair, members, step, status
):
    panel = make_panel(site_a, chair, members)
    meeting = meeting_in(status, panel, chair, members)
    call, source, target, stamp, action = STEPS[step]
    before = steps_audited(meeting)

    if status == source:
        call(meeting, chair, members)

        meeting = PanelMeeting.objects.get(pk=meeting.pk)
        assert meeting.status == target
        assert getattr(meeting, stamp) is not None
        assert steps_audited(meeting) == [*before, action]
    else:
        with pytest.raises(ValidationError) as caught:
            call(meeting, chair, members)

        assert caught.value.code == "transition"
        assert PanelMeeting.objects.get(pk=meeting.pk).status == status
        assert steps_audited(meeting) == before
