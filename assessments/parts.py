"""The parts of a person's legal record that the person page lists and the record
pages add and change: one description each, so views, templates and tests agree.

Safeguarding concerns are raised through their own page (anyone who can open the
record may raise one), and followed up here like the others.
"""

from dataclasses import dataclass

from sites.together import load_together

from . import legal_forms as f
from .legal import (
    Advocacy,
    Attorney,
    CapacityAssessment,
    Consent,
    Contact,
    EqualityRecord,
    Risk,
    SafeguardingConcern,
)
from .letters import Letter


@dataclass(frozen=True)
class Part:
    key: str  # in the address: /people/<code>/record/<key>/...
    model: type
    form_class: type
    title: str  # the heading on the person page
    noun: str  # "consent", as the audit trail and messages say it
    add_label: str
    addable: bool = True  # False: added through its own page


CONSENT = Part(
    "consent",
    Consent,
    f.ConsentForm,
    "Consent",
    "consent",
    "Record consent",
)
CAPACITY = Part(
    "capacity",
    CapacityAssessment,
    f.CapacityForm,
    "Mental capacity and best interests",
    "capacity assessment",
    "Record a capacity assessment",
)
ATTORNEY = Part(
    "attorney",
    Attorney,
    f.AttorneyForm,
    "Attorneys and deputies",
    "attorney or deputy",
    "Add an attorney or deputy",
)
ADVOCACY = Part(
    "advocacy",
    Advocacy,
    f.AdvocacyForm,
    "Independent advocacy",
    "advocacy decision",
    "Consider advocacy",
)
SAFEGUARDING = Part(
    "safeguarding",
    SafeguardingConcern,
    f.SafeguardingForm,
    "Safeguarding",
    "safeguarding concern",
    "Raise a safeguarding concern",
    addable=False,
)
CONTACT = Part(
    "contact",
    Contact,
    f.ContactForm,
    "Contacts",
    "contact",
    "Add a contact",
)

PARTS = [CONTACT, CONSENT, CAPACITY, ATTORNEY, ADVOCACY, SAFEGUARDING]
BY_KEY = {part.key: part for part in PARTS}


def record_for_page(person):
    """The person's legal record as the person page shows it, evaluated: every part
    and the letters in one query (``sites.together``)."""
    rows = load_together(
        {
            **{
                part.key: part.model.objects.filter(person=person).select_related(
                    "recorded_by"
                )
                for part in PARTS
            },
            "letters": Letter.objects.filter(person=person).select_related(
                "sent_by", "assessment"
            ),
        }
    )
    order = {kind: i for i, kind in enumerate(Contact.ORDER)}
    contacts = sorted(rows["contact"], key=lambda c: (order[c.kind], c.name.lower()))
    advocates = [a for a in rows["advocacy"] if a.advocate_name]
    return {
        "contacts": contacts,
        "consents": rows["consent"],
        "capacity": rows["capacity"],
        "attorneys": rows["attorney"],
        "advocacy": rows["advocacy"],
        "advocate": advocates[0] if advocates else None,
        "safeguarding": rows["safeguarding"],
        "open_concerns": [c for c in rows["safeguarding"] if c.is_open],
        "equality": equality_of(person),
        "letters": rows["letters"],
    }


def equality_of(person):
    """The person's equality record, or None (read with the person where it was
    selected with it)."""
    try:
        return person.equality
    except EqualityRecord.DoesNotExist:
        return None


def risks_of(assessment_ids):
    """The risks named in these assessments, in order (one query)."""
    return list(
        Risk.objects.filter(
            assessment_id__in=[i for i in assessment_ids if i]
        ).order_by("assessment_id", "position", "id")
    )


def who_to_contact(person, *, assessment_ids=(), also=None):
    """What the person's plan prints under "who to contact" and "information we
    share": contacts, attorneys and deputies, the advocate and consents to sharing,
    with the risks named in ``assessment_ids`` (the plan's assessments), in one query;
    ``also`` (``{name: queryset}``) adds more rows to that query, returned under
    their names. How they want documents comes with the person (``equality``,
    selected with it where the caller can; otherwise one more query)."""
    also = also or {}
    rows = load_together(
        {
            "contacts": Contact.objects.filter(person=person),
            "attorneys": Attorney.objects.filter(person=person),
            "advocates": Advocacy.objects.filter(person=person).exclude(
                advocate_name=""
            ),
            "sharing": Consent.objects.filter(
                person=person, purpose=Consent.Purpose.SHARING
            ),
            "risks": Risk.objects.filter(
                assessment_id__in=[i for i in assessment_ids if i]
            ).order_by("assessment_id", "position", "id"),
            **also,
        }
    )
    return {
        "contacts": sorted(
            rows["contacts"],
            key=lambda c: (Contact.ORDER.index(c.kind), c.name.lower()),
        ),
        "attorneys": rows["attorneys"],
        "advocate": rows["advocates"][0] if rows["advocates"] else None,
        "sharing": rows["sharing"],
        "equality": equality_of(person),
        "risks": rows["risks"],
        **{name: rows[name] for name in also},
    }
