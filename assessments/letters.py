"""Letters the law requires, from editable per-site templates (issue 12, item 9).

The Care Act (s13) requires a written record of the eligibility determination and its
reasons, given to the person (for a carer's assessment, the carer). Each site may word
the letter its own way; what is sent is kept word for word on the person's record.

Templates fill ``{placeholders}`` by name only (never ``str.format``, which would let a
template reach into attributes): an unknown name is refused when the template is saved.
"""

import re
import uuid

from django.conf import settings
from django.db import models

from sites.models import SiteScoped, Versioned


class LetterKind(models.TextChoices):
    ELIGIBILITY = "eligibility", "Eligibility determination"


PLACEHOLDER = re.compile(r"\{(\w+)\}")

# kind -> {placeholder: what it is}, shown beside the template as it is edited
PLACEHOLDERS = {
    LetterKind.ELIGIBILITY: {
        "name": "The person's name",
        "assessment_kind": "“needs assessment” or “carer's assessment”",
        "assessment_date": "The date of the assessment",
        "decision": "The decision in one sentence",
        "reasons": "The reasons, one to a line",
        "needs": "The needs recorded, one to a line",
        "worker": "Their allocated worker",
        "site": "The site's name",
        "duty_phone": "The site's duty line",
    },
}

DEFAULTS = {
    LetterKind.ELIGIBILITY: (
        "Your {assessment_kind}: our decision",
        "Dear {name},\n\n"
        "Thank you for talking with us for your {assessment_kind} on "
        "{assessment_date}. This letter tells you what we decided and why, as the "
        "Care Act 2014 says we must.\n\n"
        "{decision}\n\n"
        "Why we decided this:\n{reasons}\n\n"
        "The needs we talked about:\n{needs}\n\n"
        "If you think we have got something wrong, or you want to talk about it, "
        "contact {worker} or ring our duty line on {duty_phone}. You can ask for "
        "this letter in another format, such as large print or easy read.\n\n"
        "Yours sincerely,\n\n{site}",
    ),
}


def fill(text: str, values: dict) -> str:
    """``text`` with each ``{name}`` replaced by ``values[name]``."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


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
