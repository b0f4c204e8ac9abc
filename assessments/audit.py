"""How the audit trail names people, assessments and carer links (``sites.audit_subjects``)."""

from django.db.models import Q
from django.urls import reverse
from django.utils import formats

from sites.audit_subjects import PEOPLE_FINDERS, Subject, register_subject
from sites.permissions import allows

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


def find_people(site, text):
    return [
        (
            str(p.code),
            p.full_name,
            "born "
            + formats.date_format(p.date_of_birth, "j F Y")
            + (f", {p.postcode}" if p.postcode else ""),
        )
        for p in Person.objects.for_site(site).search(text)[:FOUND_AT_MOST]
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
    PEOPLE_FINDERS.append(find_people)
