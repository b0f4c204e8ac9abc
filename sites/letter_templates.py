"""The wording every letter from a site shares (issue 12, item 9).

Each kind of letter (the eligibility decision, the panel's decision, a review's
outcome) has its own body, worded in the app that owns its record. Around every body
go the same four blocks, worded once per site by a senior manager: the greeting, the
"how to ask for a review or complain" paragraph, the closing, and the site's name and
contact details. Until a site words its own, safe defaults are used.

Templates fill ``{placeholders}`` by name only (never ``str.format``, which would let a
template reach into attributes): an unknown name is refused when the wording is saved.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from .audit import record_event
from .models import AuditEvent, SiteScoped, Versioned
from .shortcuts import lock_row
from .versioning import STALE, STALE_MESSAGE, check_version, save_versioned

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, values: dict) -> str:
    """``text`` with each ``{name}`` replaced by ``values[name]``."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def unknown_names(text: str, known) -> list[str]:
    return sorted(set(PLACEHOLDER.findall(text)) - set(known))


# Kinds of letter (value -> label), registered by the app that owns the Letter model,
# so that this page can link to each kind's own wording.
LETTER_KINDS: dict[str, str] = {}

# What a block may say, filled for each letter.
BLOCK_PLACEHOLDERS = {
    "name": "The name of the person the letter is to",
    "worker": "Their allocated worker (or “our team”)",
    "site": "The site's name",
    "duty_phone": "The site's duty line",
    "contact_email": "The site's contact e-mail",
    "postal_address": "The site's postal address",
}

# Block name -> what it is; each is also a placeholder every letter's body may use.
BLOCKS = {
    "greeting": "The greeting",
    "review_and_complaints": "How to ask for a review or complain",
    "closing": "The closing",
    "contact": "The site's name and contact details, under the closing",
}

DEFAULT_BLOCKS = {
    "greeting": "Dear {name},",
    "review_and_complaints": (
        "If you disagree with what we decided, or think we have got something "
        "wrong, please tell us: contact {worker} or ring our duty line on "
        "{duty_phone}. You can ask us to look at the decision again. If you are "
        "still unhappy, you can make a complaint to us and, after that, to the Local "
        "Government and Social Care Ombudsman. You can ask for this letter in "
        "another format, such as large print or easy read."
    ),
    "closing": "Yours sincerely,",
    # The postal address heads the letter already.
    "contact": "{site}\nDuty line: {duty_phone}\n{contact_email}",
}


class LetterBlocks(SiteScoped, Versioned):
    """A site's own wording of the blocks every letter shares."""

    greeting = models.CharField(max_length=200)
    review_and_complaints = models.TextField("How to ask for a review or complain")
    closing = models.CharField(max_length=200)
    contact = models.TextField("The site's name and contact details")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "letter blocks"
        constraints = [
            models.UniqueConstraint(fields=["site"], name="letter_blocks_one_per_site")
        ]

    def __str__(self):
        return "Letter wording"


def blocks_of(site) -> dict:
    """The site's wording of each block: its own, or the default."""
    own = LetterBlocks.objects.filter(site=site).first()
    if own is None:
        return dict(DEFAULT_BLOCKS)
    return {name: getattr(own, name) for name in BLOCKS}


def filled_blocks(site, *, name, worker) -> dict:
    """Each block filled for one letter (blank contact lines dropped)."""
    values = {
        "name": name,
        "worker": worker,
        "site": site.name,
        "duty_phone": site.duty_phone or "the number on our website",
        "contact_email": site.contact_email,
        "postal_address": site.postal_address,
    }
    filled = {key: fill(text, values) for key, text in blocks_of(site).items()}
    filled["contact"] = "\n".join(
        line for line in filled["contact"].splitlines() if line.strip()
    )
    return filled


@transaction.atomic
def save_letter_blocks(*, site, by, expected_version, **blocks):
    """Word the blocks every letter shares, the site's own way (versioned, audited)."""

    current = LetterBlocks.objects.filter(site=site).first()
    if current is None:
        if expected_version != 0:  # a form for wording nobody has saved carries 0
            raise ValidationError(STALE_MESSAGE, code=STALE)
        record = LetterBlocks(site=site, updated_by=by)
    else:
        record = lock_row(current)
        check_version(record, expected_version)
        record.updated_by = by
    for key in BLOCKS:
        setattr(record, key, blocks[key])
    if record.pk:
        save_versioned(record)
    else:
        record.save()
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=site,
        obj=record,
        action="Letter wording changed",
    )
    return record
