"""How the audit trail names people, assessments and carer links (``sites.audit_subjects``)."""

from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.text import capfirst

from sites.audit_subjects import PEOPLE_FINDERS, Subject, register_subject
from sites.permissions import allows

from . import legal
from .documents import Document
from .letters import Letter
from .models import Assessment, CarerLink, Person

FOUND_AT_MOST = 20


def _link(request, name, code):
    if not allows(request, "see_people"):
        return ""
    return reverse(name, kwargs={"site_slug": request.site.slug, "code": code})


def describe_people(request, codes):
    return {
        str(p.code): Subject(
            p.full_name, _link(request, "person_detail", p.code), str(p.code)
        )
        for p in Person.objects.filter(site=request.site, code__in=codes)
    }


def describe_assessments(request, codes):
    return {
        str(a.code): Subject(
            f"{a.get_kind_display()} · {a.person.full_name}",
            _link(request, "assessment_detail", a.code),
            str(a.person.code),
        )
        for a in Assessment.objects.filter(
            site=request.site, code__in=codes
        ).select_related("person")
    }


def describe_carer_links(request, codes):
    return {
        str(link.pk): Subject(
            f"Carer link: {link.carer.full_name} cares for {link.cared_for.full_name}",
            _link(request, "person_detail", link.cared_for.code),
            str(link.cared_for.code),
        )
        for link in CarerLink.objects.filter(
            site=request.site, pk__in=codes
        ).select_related("carer", "cared_for")
    }


def _person_part(model, path, *, by_pk=False):
    """describe and of_person for a record that belongs to one person through
    ``path`` ("person", "assessment__person"): "Consent · Ann Test", linked to the
    person's page."""
    key = "pk" if by_pk else "code"

    def describe(request, codes):
        described = {}
        rows = model.objects.filter(site=request.site, **{f"{key}__in": codes})
        for row in rows.select_related(path):
            person = row
            for step in path.split("__"):
                person = getattr(person, step)
            described[str(getattr(row, key))] = Subject(
                f"{capfirst(model._meta.verbose_name)} · {person.full_name}",
                _link(request, "person_detail", person.code),
                str(person.code),
            )
        return described

    def of_person(site, code):
        return model.objects.filter(site=site, **{f"{path}__code": code}).values_list(
            key, flat=True
        )

    return describe, of_person


def find_people(site, text):
    return [
        (
            str(p.code),
            p.full_name,
            "born "
            + formats.date_format(p.date_of_birth, "j F Y")
            + (f", {p.postcode}" if p.postcode else ""),
        )
        for p in Person.objects.filter(site=site).search(text)[:FOUND_AT_MOST]
    ]


def register():
    register_subject(
        "assessments.Person",
        describe=describe_people,
        of_person=lambda site, code: [code],
    )
    register_subject(
        "assessments.Assessment",
        describe=describe_assessments,
        of_person=lambda site, code: Assessment.objects.filter(
            site=site, person__code=code
        ).values_list("code", flat=True),
    )
    register_subject(
        "assessments.CarerLink",
        describe=describe_carer_links,
        of_person=lambda site, code: (
            CarerLink.objects.filter(site=site)
            .filter(Q(carer__code=code) | Q(cared_for__code=code))
            .values_list("pk", flat=True)
        ),
        uuid_codes=False,
    )
    # The legal record (consent, capacity, attorneys, advocacy, safeguarding,
    # contacts, risks, equality): each record is one person's.

    for model, path in [
        (legal.Consent, "person"),
        (legal.CapacityAssessment, "person"),
        (legal.Attorney, "person"),
        (legal.Advocacy, "person"),
        (legal.SafeguardingConcern, "person"),
        (legal.Contact, "person"),
        (legal.Risk, "assessment__person"),
    ]:
        describe, of_person = _person_part(model, path)
        register_subject(model._meta.label, describe=describe, of_person=of_person)
    # Letters sent and documents attached (issue 12, items 8 and 9): each is one
    # person's, so "who read this person's documents?" is answered by the filter.

    for model in (Letter, Document):
        describe, of_person = _person_part(model, "person")
        register_subject(model._meta.label, describe=describe, of_person=of_person)
    describe, of_person = _person_part(legal.EqualityRecord, "person", by_pk=True)
    register_subject(
        legal.EqualityRecord._meta.label,
        describe=describe,
        of_person=of_person,
        uuid_codes=False,
    )
    PEOPLE_FINDERS.append(find_people)
