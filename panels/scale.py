"""Bulk synthetic panels for benchmarks (``manage.py seed_scale``).

Runs after ``careplans/scale.py``. For each synthetic site: a panel chaired by the
site's panel chair with its panel members; twelve past monthly meetings, closed, with
decisions (mostly approvals) on plans that were approved; and the next meeting with
up to 20 of the plans waiting for panel on its agenda. ``bulk_create`` throughout, as
in the other scale seeders (no audit or history rows: benchmark databases only).
"""

import random
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from careplans.models import CarePlan, plan_costs
from sites.models import Membership
from sites.permissions import Role

from .models import Decision, Panel, PanelItem, PanelMeeting, PanelMember

AGENDA_SIZE = 20
DECIDED_PER_MEETING = 8


def _members(site, role):
    return [
        m.user
        for m in Membership.objects.filter(site=site, role=role).select_related("user")
    ]


def seed_scale(options, progress):
    rng = random.Random(options["seed"] + 5)  # noqa: S311 - synthetic data
    now = timezone.now()
    for site in options["sites"]:
        if Panel.objects.filter(site=site).exists():
            continue
        chairs = _members(site, Role.PANEL_CHAIR)
        if not chairs:
            continue
        chair, members = chairs[0], _members(site, Role.PANEL_MEMBER)
        with transaction.atomic():
            panel = Panel.objects.create(
                site=site, name="Funding panel (synthetic)", chair=chair, quorum=2
            )
            PanelMember.objects.bulk_create(
                PanelMember(site=site, panel=panel, user=u, brings="synthetic")
                for u in members
            )
            past = [
                PanelMeeting(
                    site=site,
                    panel=panel,
                    starts_at=now - relativedelta(months=i),
                    place="Synthetic room",
                    status=PanelMeeting.Status.CLOSED,
                )
                for i in range(1, 13)
            ]
            upcoming = PanelMeeting(
                site=site,
                panel=panel,
                starts_at=now + timedelta(days=10),
                place="Synthetic room",
            )
            PanelMeeting.objects.bulk_create([*past, upcoming])
            approved = list(
                CarePlan.objects.filter(site=site, status=CarePlan.Status.APPROVED)
                .prefetch_related("responses")
                .order_by("pk")[: DECIDED_PER_MEETING * len(past)]
            )
            items, decisions = [], []
            for i, plan in enumerate(approved):
                meeting = past[i % len(past)]
                item = PanelItem(
                    site=site,
                    meeting=meeting,
                    panel=panel,
                    plan=plan,
                    question="Synthetic question put to the panel.",
                    added_by=chair,
                    position=i // len(past) + 1,
                )
                items.append(item)
                costs = plan_costs(plan.responses.all())
                outcome = rng.choice(
                    [Decision.Outcome.APPROVED] * 3
                    + [Decision.Outcome.APPROVED_WITH_CONDITIONS]
                )
                decisions.append(
                    Decision(
                        site=site,
                        item=item,
                        outcome=outcome,
                        rationale="Synthetic reasons for the decision.",
                        authorised_weekly=costs["weekly"],
                        decided_by=chair,
                        plan_weekly=costs["weekly"],
                        standard_weekly=costs["standard_weekly"],
                        days_waiting=rng.randint(2, 40),
                    )
                )
            waiting = list(
                CarePlan.objects.filter(
                    site=site, status=CarePlan.Status.AWAITING_PANEL
                ).order_by("pk")[:AGENDA_SIZE]
            )
            items.extend(
                PanelItem(
                    site=site,
                    meeting=upcoming,
                    panel=panel,
                    plan=plan,
                    question="Synthetic question put to the panel.",
                    added_by=chair,
                    position=position,
                )
                for position, plan in enumerate(waiting, start=1)
            )
            PanelItem.objects.bulk_create(items, batch_size=1000)
            Decision.objects.bulk_create(decisions, batch_size=1000)
        progress(
            f"panels: {site.slug} 13 meetings, {len(decisions)} decisions, "
            f"{len(waiting)} items on the next agenda"
        )
