"""What a subject-access export holds from this app: the person's record, carer
links, the legal record, letters and assessments (``sites.subject_access``)."""

from django.db.models import Q
from django.utils import formats

from sites.subject_access import Section, as_record, register_provider

from . import legal
from .letters import Letter
from .models import Assessment, CarerLink, Person

OTHER_PEOPLE = "Names or describes another person (review before sending)."
CARERS_OWN = (
    "A carer's own assessment: their personal data, about caring for this person."
)
# The legal record: (model, section title, whether it holds others' details).
LEGAL_PARTS = [
    (legal.Consent, False),
    (legal.CapacityAssessment, False),
    (legal.Attorney, True),
    (legal.Advocacy, True),
    (legal.SafeguardingConcern, True),
    (legal.Contact, True),
]
ASSESSMENT_PARTS = [
    "saved_sections",
    "outcome_ratings",
    "wellbeing_impacts",
    "needs",
    "desired_outcomes",
    "risks",
    "addenda",
]


def _assessment_records(assessment, *, redaction_review=""):
    title = (
        f"{assessment.get_kind_display()} of {assessment.person.full_name}, "
        + formats.date_format(assessment.assessment_date, "j F Y")
    )
    records = [as_record(assessment, title=title, redaction_review=redaction_review)]
    for part in ASSESSMENT_PARTS:
        for row in getattr(assessment, part).all():
            records.append(
                as_record(
                    row,
                    title=f"{title}: {row._meta.verbose_name}",
                    redaction_review=redaction_review,
                )
            )
    return records


def collect(site, person_code):
    person = Person.objects.filter(site=site, code=person_code).first()
    if person is None:
        return []
    sections = [
        Section("person", "Their record", [as_record(person, title=person.full_name)])
    ]
    links = (
        CarerLink.objects.filter(site=site)
        .filter(Q(carer=person) | Q(cared_for=person))
        .select_related("carer", "cared_for")
    )
    sections.append(
        Section(
            "carers",
            "Carers and the people they care for",
            [
                as_record(
                    link,
                    title=f"{link.carer.full_name} cares for {link.cared_for.full_name}",
                    redaction_review=OTHER_PEOPLE,
                )
                for link in links
            ],
        )
    )
    legal_records = []
    for model, others in LEGAL_PARTS:
        for row in model.objects.filter(site=site, person=person):
            legal_records.append(
                as_record(row, redaction_review=OTHER_PEOPLE if others else "")
            )
    equality = legal.EqualityRecord.objects.filter(site=site, person=person).first()
    if equality is not None:
        legal_records.append(as_record(equality))
    sections.append(Section("legal", "The legal record", legal_records))
    sections.append(
        Section(
            "letters",
            "Letters sent",
            [
                as_record(letter, title=letter.subject)
                for letter in Letter.objects.filter(site=site, person=person)
            ],
        )
    )
    assessments = []
    own = Assessment.objects.filter(site=site, person=person).select_related("person")
    for assessment in own.order_by("assessment_date", "pk"):
        assessments += _assessment_records(assessment)
    # A carer's assessment of someone who cares for them: it is about the person,
    # but it is the carer's own personal data.
    carers = (
        Assessment.objects.filter(site=site, cared_for=person)
        .exclude(person=person)
        .select_related("person")
    )
    for assessment in carers.order_by("assessment_date", "pk"):
        assessments += _assessment_records(assessment, redaction_review=CARERS_OWN)
    sections.append(Section("assessments", "Assessments", assessments))
    return sections


def register():
    register_provider(
        "assessments",
        order=10,
        collect=collect,
        label="the record, carers, legal record and assessments",
    )
