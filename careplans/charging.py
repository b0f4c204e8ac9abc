"""What the person pays (issue 12 item 7): the outcome of their financial assessment,
and their plan's personal budget split into the council's part and theirs.

The split is **computed, never typed**: the budget comes from the plan (what was
authorised, or what the plan costs until then), the contribution from the person's
latest financial assessment, and the person never pays more than the budget. Support
for a carer's own plan is not charged (as in most councils: domain.md section 7).
"""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery

from assessments.models import Person
from sites.models import SiteScoped, SiteScopedQuerySet, scoped_manager

from .money import ZERO, annual, pounds

# The most a weekly contribution may be: far above any real charge, far below what
# the column holds (issue 11 item 13: cap every amount to what the business allows).
LARGEST_WEEKLY_CONTRIBUTION = Decimal("10000.00")
EARLIEST_ASSESSMENT = date(2000, 1, 1)


class FinancialAssessmentQuerySet(SiteScopedQuerySet):
    def latest_first(self):
        return self.order_by("-assessed_on", "-id")


class FinancialAssessment(SiteScoped):
    """The outcome of a person's financial assessment (the Care and Support (Charging
    and Assessment of Resources) Regulations 2014): what they pay a week.

    Append-only: a reassessment is a new row, so what they were told before stays on
    the record. The latest by date is the one in force.
    """

    class Outcome(models.TextChoices):
        CONTRIBUTES = "contributes", "Pays a weekly contribution"
        NOTHING = "nothing", "Pays nothing"
        FULL_COST = "full_cost", "Pays the full cost"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="financial_assessments"
    )
    outcome = models.CharField(
        "What the financial assessment found",
        max_length=20,
        choices=Outcome.choices,
    )
    weekly_contribution = models.DecimalField(
        "Their weekly contribution (£)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0),
            MaxValueValidator(LARGEST_WEEKLY_CONTRIBUTION),
        ],
    )
    assessed_on = models.DateField("Date of the financial assessment")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = scoped_manager(FinancialAssessmentQuerySet)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        indexes = [
            models.Index(
                fields=["site", "person", "-assessed_on"],
                name="financial_assessment_person",
            )
        ]
        constraints = [
            # A contribution is a positive amount within the cap; the other outcomes
            # carry none (what they pay follows from the budget).
            models.CheckConstraint(
                condition=(
                    Q(
                        outcome="contributes",
                        weekly_contribution__gt=0,
                        weekly_contribution__lte=LARGEST_WEEKLY_CONTRIBUTION,
                    )
                    | Q(
                        outcome__in=["nothing", "full_cost"],
                        weekly_contribution__isnull=True,
                    )
                ),
                name="financial_assessment_amount_fits_outcome",
            ),
        ]

    def __str__(self):
        return f"Financial assessment of {self.assessed_on:%d %b %Y}"


def latest_assessment_columns(person_ref="person_id"):
    """Annotations carrying a person's latest financial assessment onto each row (a
    plan), so its page and PDF read it without another query."""
    latest = FinancialAssessment.objects.filter(
        person_id=OuterRef(person_ref)
    ).order_by("-assessed_on", "-id")
    return {
        "fa_outcome": Subquery(latest.values("outcome")[:1]),
        "fa_weekly": Subquery(latest.values("weekly_contribution")[:1]),
        "fa_assessed_on": Subquery(latest.values("assessed_on")[:1]),
    }


@dataclass(frozen=True)
class WhatTheyPay:
    """A plan's personal budget, and who pays which part of it, a week."""

    budget: Decimal
    charged: bool  # False for a carer's own plan: carers' support is not charged
    outcome: str  # a FinancialAssessment.Outcome, or "" when not yet assessed
    assessed_on: date | None
    assessed_weekly: Decimal | None  # the contribution as assessed
    person_weekly: Decimal | None  # None until the financial assessment
    council_weekly: Decimal | None
    capped: bool  # the assessed contribution is more than the budget
    direct_payment_weekly: Decimal
    direct_payment_agreed_on: date | None

    @property
    def assessed(self) -> bool:
        return bool(self.outcome)

    @property
    def outcome_label(self) -> str:
        return FinancialAssessment.Outcome(self.outcome).label if self.outcome else ""

    @property
    def person_annual(self):
        return None if self.person_weekly is None else annual(self.person_weekly)

    @property
    def council_annual(self):
        return None if self.council_weekly is None else annual(self.council_weekly)

    @property
    def budget_annual(self):
        return annual(self.budget)


def split_budget(budget, outcome, assessed_weekly) -> tuple:
    """(person, council, capped): the person's part of a weekly budget by the
    outcome of their financial assessment, never more than the budget."""
    budget = pounds(budget)
    if outcome == FinancialAssessment.Outcome.NOTHING:
        person = ZERO
    elif outcome == FinancialAssessment.Outcome.FULL_COST:
        person = budget
    elif outcome == FinancialAssessment.Outcome.CONTRIBUTES:
        person = min(pounds(assessed_weekly), budget)
    else:
        return None, None, False
    capped = (
        outcome == FinancialAssessment.Outcome.CONTRIBUTES
        and pounds(assessed_weekly) > budget
    )
    return person, budget - person, capped


def what_they_pay(plan, costs, authorised=None) -> WhatTheyPay:
    """Who pays what of ``plan``'s personal budget. Reads the latest financial
    assessment from the plan's annotations (``latest_assessment_columns``)."""
    budget = pounds(authorised["weekly"] if authorised else costs["weekly"])
    common = {
        "budget": budget,
        "direct_payment_weekly": costs["direct_payment_weekly"],
        "direct_payment_agreed_on": plan.direct_payment_agreed_on,
    }
    if plan.is_carer_plan:
        return WhatTheyPay(
            charged=False,
            outcome="",
            assessed_on=None,
            assessed_weekly=None,
            person_weekly=ZERO,
            council_weekly=budget,
            capped=False,
            **common,
        )
    if hasattr(plan, "fa_outcome"):
        outcome, weekly, on = plan.fa_outcome, plan.fa_weekly, plan.fa_assessed_on
    else:  # a plan loaded without the annotations: one query
        latest = (
            FinancialAssessment.objects.filter(site=plan.site_id, person=plan.person_id)
            .latest_first()
            .first()
        )
        outcome, weekly, on = (
            (latest.outcome, latest.weekly_contribution, latest.assessed_on)
            if latest
            else ("", None, None)
        )
    outcome = outcome or ""
    person, council, capped = split_budget(budget, outcome, weekly)
    return WhatTheyPay(
        charged=True,
        outcome=outcome,
        assessed_on=on,
        assessed_weekly=weekly,
        person_weekly=person,
        council_weekly=council,
        capped=capped,
        **common,
    )
