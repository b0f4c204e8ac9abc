"""The demo's collaborative programme (issue 9): "Outcomes-focused assessment for people
over 85 living at home", across the three demo sites, coordinated by ``carl``.

Seeded through the same services the pages use, with dates relative to the day it is
first seeded: data collection started thirty weeks (about seven months) ago, so the
programme's monthly figures have a shape; the milestones due so far are done (one
slipped: Valley issued its brief late), the first collaborative meeting was held two
weeks ago with learning and action points, and the second is planned. Seeding
again changes nothing (the programme is found by its short name).
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import programme_services as services
from .models import Involvement, Milestone, Programme

DEMO_PROGRAMME_SLUG = "over-85s"
TITLE = "Outcomes-focused assessment for people over 85 living at home"

# site slug -> team, advisor, project coordinator, team manager, sponsor, brief
# issued (weeks from the start of data collection)
PLACES = {
    "northshire": ("Older people's team", "aisha", "nadia", "tom", "sam", -2),
    "riverside": ("Community assessment team", "rafael", "rose", "ruth", None, -2),
    "valley": ("Home support team", "wendy", "yusuf", "victor", None, 1),
}

# role -> cases, meetings, hours a week, notes (the same commitment at each site)
INVOLVEMENT = {
    Involvement.Role.TEAM: (12, 3, "0", "Twelve cases between them over the period."),
    Involvement.Role.PRACTITIONER: (
        3,
        1,
        "0.5",
        "Cases recorded inside normal work; one meeting to present a case study.",
    ),
    Involvement.Role.ADVISOR: (0, 3, "2", "Reviews case studies; feeds back."),
    Involvement.Role.PROJECT_COORDINATOR: (0, 3, "3", "Collates the site's data."),
    Involvement.Role.TEAM_MANAGER: (0, 2, "0.5", "Considers flexible responses."),
    Involvement.Role.SENIOR_MANAGER: (0, 2, "0", "Start and end meetings."),
}


def _user(username):
    return get_user_model().objects.get(username=username)


def seed_programme(sites, stdout):
    if Programme.objects.filter(slug=DEMO_PROGRAMME_SLUG).exists():
        stdout.write("Demo programme: already there.")
        return
    carl = _user("carl")
    today = timezone.localdate()
    start = today - timedelta(weeks=30)
    programme = services.create_programme(
        by=carl,
        site=sites["northshire"],
        team_name=PLACES["northshire"][0],
        slug=DEMO_PROGRAMME_SLUG,
        title=TITLE,
        improvement_focus="An outcomes focus to assessment and care planning: record "
        "the responses people want, not the standard service, and consider more "
        "flexible responses at panel.",
        aim="Develop an outcomes focus to assessment, and find out whether people "
        "over 85 get what they want when they are asked.",
        focus_group="People assessed who are over 85 and living at home.",
        focus_min_age=85,
        focus_living_at_home=True,
        diversity_to_reflect="People with dementia; black and minority ethnic "
        "groups; carers who are themselves over 75.",
        start_date=start,
        data_collection_months=12,
    )
    for slug in ("riverside", "valley"):
        services.add_site(
            programme, by=carl, site=sites[slug], team_name=PLACES[slug][0]
        )
    for place in programme.participants.select_related("site"):
        _, advisor, coordinator, manager, sponsor, brief = PLACES[place.site.slug]
        services.update_participant(
            place,
            by=carl,
            expected_version=place.version,
            advisor=_user(advisor),
            project_coordinator=_user(coordinator),
            team_manager=_user(manager),
            sponsor=_user(sponsor) if sponsor else None,
            brief_issued_on=start + timedelta(weeks=brief),
        )
        services.save_involvement(
            place,
            by=carl,
            rows={
                role: {
                    "cases_to_contribute": cases,
                    "meetings_to_attend": meetings,
                    "hours_per_week": Decimal(hours),
                    "notes": notes,
                }
                for role, (cases, meetings, hours, notes) in INVOLVEMENT.items()
            },
        )
    _schedule_part_way(programme, carl, today)
    services.move_programme(programme, "start_collecting", by=carl)
    _meetings(programme, carl, sites, start)
    _planning(programme, carl, sites)
    stdout.write(f"Demo programme: {TITLE} (/p/{DEMO_PROGRAMME_SLUG}/).")


AGREED_BY = "Coordinators, advisors and senior managers of the three sites"


def _schedule_part_way(programme, carl, today):
    """Agreed at the start meeting; everything due before today is done, but
    Valley's brief, which slipped."""
    for milestone in programme.milestones.order_by("due_date"):
        changes = {"agreed_by": AGREED_BY}
        if milestone.due_date < today:
            slipped = milestone.title.startswith("Issue the practitioner brief")
            changes |= {
                "status": Milestone.Status.SLIPPED
                if slipped
                else Milestone.Status.DONE,
                "done_on": None if slipped else milestone.due_date,
                "notes": "Valley's brief went out a week after data collection started."
                if slipped
                else "",
            }
        services.update_milestone(
            milestone, by=carl, expected_version=milestone.version, **changes
        )


def _meetings(programme, carl, sites, start):
    everyone = list(sites.values())
    held = services.schedule_meeting(
        programme,
        by=carl,
        sites=everyone,
        title="First collaborative meeting",
        held_on=start + timedelta(weeks=28),
        place="Northshire County Hall, committee room 2",
        attendees="Carl Jennings (programme coordinator)\n"
        "Aisha Rahman, Nadia Brooks (Northshire)\n"
        "Rafael Moreno, Rose Adeyemi (Riverside)\n"
        "Wendy Marsh, Yusuf Ali (Valley)",
        agenda="1. Where are we now: cases recorded so far\n"
        "2. Case studies from each site\n"
        "3. Learning and action points",
        notes="Every site found that asking what people want, rather than offering "
        "the usual service, took little extra time once practitioners had tried it "
        "twice. Flexible responses were cheaper than expected.",
    )
    services.hold_meeting(held, by=carl)
    services.schedule_meeting(
        programme,
        by=carl,
        sites=everyone,
        title="Second collaborative meeting",
        held_on=start + timedelta(weeks=40),
        place="Riverside Civic Centre",
        attendees="Advisors and project coordinators of the three sites",
        agenda="1. Actions from the first meeting\n2. Case studies\n3. Barriers met",
    )
    due = held.held_on + timedelta(weeks=6)
    points = [
        (
            None,
            "Practitioners record the usual offer without thinking; asking first "
            "changes the conversation.",
            "Add 'what would you like?' before the usual offer in the assessment "
            "guidance.",
            "carl",
            due,
        ),
        (
            "northshire",
            "Panel members were unsure whether a takeaway counts as a care response.",
            "Brief the panel on outcomes-focused responses before its next meeting.",
            "tom",
            due - timedelta(weeks=2),
        ),
        (
            "riverside",
            "Dial-a-ride is not commissioned for social trips.",
            "Raise with commissioning: transport to lunch as a response.",
            "rose",
            due,
        ),
        (
            "valley",
            "The brief reached the team late, so the first cases were missed.",
            "",
            "",
            None,
        ),
    ]
    for slug, learning, action, owner, by_when in points:
        services.add_learning_point(
            programme,
            by=carl,
            site=sites[slug] if slug else None,
            meeting=held,
            learning_point=learning,
            action_point=action,
            responsible=_user(owner) if owner else None,
            responsibility="",
            implement_by=by_when,
            status="open",
        )


def _planning(programme, carl, sites):
    rows = [
        (
            None,
            "Most plans for people over 85 offer the standard service.",
            "Plans that start from what each person and carer want.",
            "Ask, record their words, cost the response against the usual offer.",
            "Practitioners ask; advisors review; coordinators collate.",
            "Through the twelve months of data collection",
        ),
        (
            "northshire",
            "Community meals are offered for most nutrition needs.",
            "Meals that fit how people want to eat.",
            "Try eating out, shopping help and takeaways as responses.",
            "Older people's team; Tom to brief the panel.",
            "Before the second meeting",
        ),
    ]
    for slug, now, want, how, who, when in rows:
        services.add_planning_row(
            programme,
            by=carl,
            site=sites[slug] if slug else None,
            where_now=now,
            want_to_achieve=want,
            how_get_there=how,
            who_does_what=who,
            timescales=when,
        )
