"""Letters the law requires, from editable per-site templates (issue 12, item 9).

The Care Act (s13) requires a written record of the eligibility determination and its
reasons, given to the person (for a carer's assessment, the carer); people are
entitled to know why a panel decided as it did, and what a review found. Each site may
word each letter its own way; what is sent is kept word for word on the person's
record.

The ``Letter`` model and the machinery live here, the lowest app that knows people.
Each letter is composed by the app that owns its record (``panels/letters.py``,
``careplans/review_letters.py``), which registers its placeholders and default wording
in ``PLACEHOLDERS`` and ``DEFAULTS`` from its ``AppConfig.ready()``. The blocks every
letter shares (greeting, closing, contact details, how to ask for a review or
complain) are worded once per site: ``sites/letter_templates.py``.
"""

import uuid

from django.conf import settings
from django.db import models

from sites.letter_templates import (  # noqa: F401 (fill: used from here)
    BLOCKS,
    LETTER_KINDS,
    PLACEHOLDER,
    fill,
)
from sites.models import SiteScoped, Versioned


class LetterKind(models.TextChoices):
    ELIGIBILITY = "eligibility", "Eligibility determination"
    PANEL_DECISION = "panel_decision", "Panel decision"
    REVIEW_OUTCOME = "review_outcome", "Review outcome"


LETTER_KINDS.update(LetterKind.choices)

# Every letter's body may use the shared blocks, worded once per site.
COMMON_PLACEHOLDERS = {
    "name": "The name of the person the letter is to",
    "worker": "Their allocated worker",
    "site": "The site's name",
    "duty_phone": "The site's duty line",
    **{key: f"{label} (worded once for every letter)" for key, label in BLOCKS.items()},
}

# kind -> {placeholder: what it is}, shown beside the template as it is edited; the
# kinds of higher apps are added by those apps.
PLACEHOLDERS = {
    LetterKind.ELIGIBILITY: {
        "name": "The person's name",
        "assessment_kind": "“needs assessment” or “carer's assessment”",
        "assessment_date": "The date of the assessment",
        "decision": "The decision in one sentence",
        "reasons": "The reasons, one to a line",
        "needs": "The needs recorded, one to a line",
        **COMMON_PLACEHOLDERS,
    },
}

DEFAULTS = {
    LetterKind.ELIGIBILITY: (
        "Your {assessment_kind}: our decision",
        "{greeting}\n\n"
        "Thank you for talking with us for your {assessment_kind} on "
        "{assessment_date}. This letter tells you what we decided and why, as the "
        "Care Act 2014 says we must.\n\n"
        "{decision}\n\n"
        "Why we decided this:\n{reasons}\n\n"
        "The needs we talked about:\n{needs}\n\n"
        "{review_and_complaints}\n\n"
        "{closing}\n\n{contact}",
    ),
}


def unknown_placeholders(kind, text: str) -> list[str]:
    return sorted(set(PLACEHOLDER.findall(text)) - set(PLACEHOLDERS[kind]))


class LetterTemplate(SiteScoped, Versioned):
    """A site's own wording of one kind of letter."""

    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind"], name="letter_template_unique_kind"
            )
        ]

    def __str__(self):
        return self.get_kind_display()


class Letter(SiteScoped):
    """A letter sent to a person, kept word for word as it was sent."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "assessments.Person", on_delete=models.PROTECT, related_name="letters"
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters",
    )
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    # The public id of the record the letter is about when that record belongs to a
    # higher app (a panel decision, a review), which this app may not point to.
    about_code = models.UUIDField(null=True, blank=True, db_index=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    large_print = models.BooleanField(default=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} letter of {self.created_at:%d %b %Y}"
