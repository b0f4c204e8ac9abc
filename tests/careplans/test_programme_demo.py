"""The demo's programme casework: the Evans case study approved and printable, other
sites' case studies, enough cases for figures, and dates that make sense (issue 9)."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django_scopes import scopes_disabled
from pypdf import PdfReader

from careplans.models import CarePlan
from careplans.programme import ProgrammeCase, PublishedCaseStudy
from sites.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_data):
    """The demo's data (tests/demo_snapshot.py)."""


def test_the_demo_has_the_evans_case_study_approved_and_printable(client, seeded):
    with scopes_disabled():
        evans = PublishedCaseStudy.objects.get(pseudonym="Mr and Mrs E")
        slug = evans.programme.slug
        sites = set(
            PublishedCaseStudy.objects.shared().values_list("site__slug", flat=True)
        )
        cases = dict(
            ProgrammeCase.objects.values_list("site__slug").annotate(n=Count("id"))
        )
        early = [
            p.pk
            for p in CarePlan.objects.select_related("assessment")
            if (p.start_date and p.start_date < p.assessment.assessment_date)
            or (p.approved_at and p.approved_at.date() < p.assessment.assessment_date)
        ]
    assert sites == {"northshire", "riverside", "valley"}
    assert all(n >= 20 for n in cases.values())
    assert len(cases) == 3
    assert early == []
    client.force_login(User.objects.get(username="carl"))
    response = client.get(f"/p/{slug}/case-studies/{evans.code}/case-study.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Pseudonymised case study" in text
    assert "Dial-a-ride" in text
    assert "takeaway" in text
    for identifier in ("Evans", "Gwen", "Dennis", "9990004110", "NS4"):
        assert identifier not in text
    # Seeding again changes nothing.
    call_command("seed_demo", "--force", stdout=io.StringIO())
    with scopes_disabled():
        assert ProgrammeCase.objects.count() == sum(cases.values())
