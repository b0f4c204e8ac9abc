"""Every site URL x an outsider -> 404, and a check that no site URL is left out.

Add each new tenant URL to ``SITE_URLS`` with the keyword arguments it needs, built
from records that belong to site A (``records`` fixture). The completeness test walks
the URL resolver and fails when a URL under /s/<site_slug>/ is missing here.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sites.middleware import SITE_KWARG
from sites.permissions import PROGRAMME_KWARG, Role
from tests.factories import member

# url name -> None, or function(records) -> the URL's record kwargs (besides site_slug)
SITE_URLS = {
    "site_home": None,
    "audit_list": None,
    "audit_export": None,
    "site_export": None,
    "person_list": None,
    "person_create": None,
    "person_detail": lambda r: {"code": r["person"].code},
    "person_edit": lambda r: {"code": r["person"].code},
    "person_merge": lambda r: {"code": r["person"].code},
    "carer_link_create": lambda r: {"code": r["person"].code},
    "assessment_create": lambda r: {"code": r["person"].code},
    "record_add": lambda r: {"code": r["person"].code, "part": "contact"},
    "record_edit": lambda r: {
        "code": r["person"].code,
        "part": "contact",
        "item": r["contact"].code,
    },
    "safeguarding_raise": lambda r: {"code": r["person"].code},
    "equality_edit": lambda r: {"code": r["person"].code},
    "letter_template_edit": None,
    "letter_send": lambda r: {"code": r["assessment"].code},
    "letter_pdf": lambda r: {"code": r["letter"].code},
    "letter_blocks_edit": None,
    "decision_letter_send": lambda r: {"code": r["decision"].code},
    "review_letter_send": lambda r: {"code": r["review"].code},
    "document_attach": lambda r: {"code": r["person"].code},
    "document_file": lambda r: {"code": r["document"].code},
    "document_delete": lambda r: {"code": r["document"].code},
    "plan_document_attach": lambda r: {"code": r["plan"].code},
    "assessment_detail": lambda r: {"code": r["assessment"].code},
    "assessment_section": lambda r: {
        "code": r["assessment"].code,
        "section": "what_matters",
    },
    "assessment_complete": lambda r: {"code": r["assessment"].code},
    "addendum_create": lambda r: {"code": r["assessment"].code},
    "plan_list": None,
    "plan_create": lambda r: {"code": r["person"].code},
    "plan_detail": lambda r: {"code": r["plan"].code},
    "plan_edit": lambda r: {"code": r["plan"].code},
    "response_create": lambda r: {"code": r["plan"].code},
    "response_edit": lambda r: {
        "code": r["plan"].code,
        "response_code": r["response"].code,
    },
    "response_delete": lambda r: {
        "code": r["plan"].code,
        "response_code": r["response"].code,
    },
    "plan_submit": lambda r: {"code": r["plan"].code},
    "plan_sign_off": lambda r: {"code": r["plan"].code},
    "plan_return": lambda r: {"code": r["plan"].code},
    "plan_revise": lambda r: {"code": r["plan"].code},
    "plan_close": lambda r: {"code": r["plan"].code},
    "plan_pdf": lambda r: {"code": r["plan"].code},
    "plan_financial_assessment": lambda r: {"code": r["plan"].code},
    "plan_fhir": lambda r: {"code": r["plan"].code},
    "retention_list": None,
    "retention_periods": None,
    "legal_hold": lambda r: {"code": r["person"].code},
    "legal_hold_release": lambda r: {"code": r["person"].code},
    "retention_delete": lambda r: {"code": r["person"].code},
    "reviews_due": None,
    "review_start": lambda r: {"code": r["review"].code},
    "review_record": lambda r: {"code": r["review"].code},
    "limit_list": None,
    "programme_create": None,
    "limit_withdraw": None,
    "notification_list": None,
    "notification_read": lambda r: {"code": r["notification"].code},
    "notifications_read_all": None,
    "job_list": None,
    "job_detail": lambda r: {"code": r["job"].code},
    "job_download": lambda r: {"code": r["job"].code},
    "subject_access_list": None,
    "subject_access_create": lambda r: {"person": r["person"].code},
    "subject_access_detail": lambda r: {"code": r["subject_access_request"].code},
    "subject_access_prepare": lambda r: {"code": r["subject_access_request"].code},
    "subject_access_answer": lambda r: {"code": r["subject_access_request"].code},
    "panel_home": None,
    "panel_dashboard_pdf": None,
    "meeting_create": None,
    "meeting_detail": lambda r: {"code": r["meeting"].code},
    "meeting_open": lambda r: {"code": r["meeting"].code},
    "meeting_close": lambda r: {"code": r["meeting"].code},
    "item_add": lambda r: {"code": r["meeting"].code},
    "meeting_pack_pdf": lambda r: {"code": r["meeting"].code},
    "item_move": lambda r: {"code": r["item"].code},
    "meeting_reschedule": lambda r: {"code": r["meeting"].code},
    "item_interest": lambda r: {"code": r["item"].code},
    "item_decide": lambda r: {"code": r["item"].code},
    "chairs_action": lambda r: {"code": r["plan"].code},
    "decision_detail": lambda r: {"code": r["decision"].code},
    "decision_told": lambda r: {"code": r["decision"].code},
    "decision_pdf": lambda r: {"code": r["decision"].code},
    # Programme work at the site (issue 9)
    "programme_include": lambda r: {"code": r["person"].code},
    "programme_case_list": None,
    "programme_case_detail": lambda r: {"code": r["programme_case"].code},
    "programme_case_consent": lambda r: {"code": r["programme_case"].code},
    "programme_case_withdraw": lambda r: {"code": r["programme_case"].code},
    "case_study_create": lambda r: {"code": r["programme_case"].code},
    "case_study_list": None,
    "case_study_detail": lambda r: {"code": r["case_study"].code},
    "case_study_edit": lambda r: {"code": r["case_study"].code},
    "case_study_submit": lambda r: {"code": r["case_study"].code},
    "case_study_review": lambda r: {"code": r["case_study"].code},
    "case_study_return": lambda r: {"code": r["case_study"].code},
    "case_study_approve": lambda r: {"code": r["case_study"].code},
    "case_study_present": lambda r: {"code": r["case_study"].code},
    "case_study_archive": lambda r: {"code": r["case_study"].code},
    "case_study_pdf": lambda r: {"code": r["case_study"].code},
    "unmet_want_create": lambda r: {"code": r["plan"].code},
    "unmet_want_edit": lambda r: {
        "code": r["plan"].code,
        "unmet_code": r["unmet_want"].code,
    },
    "unmet_want_delete": lambda r: {
        "code": r["plan"].code,
        "unmet_code": r["unmet_want"].code,
    },
    "site_programme_figures": lambda r: {"programme": r["programme"].slug},
    "site_unmet_need": lambda r: {"programme": r["programme"].slug},
}


# The programme's own pages (/p/<programme_slug>/…), built from the ``records``
# fixture's programme, in which site A takes part and site B does not.
# url name -> None, or function(records) -> the URL's record kwargs (besides the slug)
PROGRAMME_URLS = {
    "programme_home": None,
    "programme_edit": None,
    "programme_move": None,
    "participant_add": None,
    "participant_edit": lambda r: {"site": "alpha"},
    "involvement_edit": lambda r: {"site": "alpha"},
    "practitioner_brief_pdf": lambda r: {"site": "alpha"},
    "schedule": None,
    "milestone_add": None,
    "milestone_edit": lambda r: {"code": r["milestone"].code},
    "milestone_remove": lambda r: {"code": r["milestone"].code},
    "programme_meeting_list": None,
    "programme_meeting_create": None,
    "programme_meeting_detail": lambda r: {"code": r["programme_meeting"].code},
    "programme_meeting_edit": lambda r: {"code": r["programme_meeting"].code},
    "programme_meeting_hold": lambda r: {"code": r["programme_meeting"].code},
    "programme_meeting_cancel": lambda r: {"code": r["programme_meeting"].code},
    "programme_tables": None,
    "planning_row_add": None,
    "planning_row_edit": lambda r: {"code": r["planning_row"].code},
    "planning_row_remove": lambda r: {"code": r["planning_row"].code},
    "learning_point_add": None,
    "learning_point_edit": lambda r: {"code": r["learning_point"].code},
    "learning_point_done": lambda r: {"code": r["learning_point"].code},
    "shared_case_study_list": None,
    "shared_case_study_detail": lambda r: {"code": r["published"].code},
    "shared_case_study_pdf": lambda r: {"code": r["published"].code},
    "programme_export": None,
    "programme_figures": None,
    "programme_unmet_need": None,
    "programme_rebase": None,
    "programme_figures_csv": None,
    "meeting_case_studies": lambda r: {"code": r["programme_meeting"].code},
    "meeting_pack": lambda r: {"code": r["programme_meeting"].code},
    "programme_evaluation": None,
    "programme_evaluation_pdf": None,
    "programme_evaluation_edit": None,
    "site_evaluation_edit": lambda r: {"participant": "alpha"},
}


def programme_kwargs(name, records):
    build = PROGRAMME_URLS[name]
    return {
        PROGRAMME_KWARG: records["programme"].slug,
        **(build(records) if build else {}),
    }


def _kwargs(name, records, site_slug="alpha"):
    build = SITE_URLS[name]
    return {SITE_KWARG: site_slug, **(build(records) if build else {})}


def _site_url_names(resolver=None, prefix="", kwarg=SITE_KWARG):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _site_url_names(entry, route, kwarg)
        elif isinstance(entry, URLPattern) and f"<slug:{kwarg}>" in route:
            yield entry.name


def test_every_site_url_is_in_the_isolation_matrix():
    names = set(_site_url_names())
    assert None not in names, "every site URL needs a name"
    missing = names - set(SITE_URLS)
    stale = set(SITE_URLS) - names
    assert not missing, f"add these site URLs to SITE_URLS: {sorted(missing)}"
    assert not stale, f"these names are no longer site URLs: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(SITE_URLS))
def test_outsider_gets_404_for_every_site_url(client, name, records, outsider):
    url = reverse(name, kwargs=_kwargs(name, records))
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


RECORD_URLS = sorted(name for name, build in SITE_URLS.items() if build)


@pytest.mark.parametrize("name", RECORD_URLS)
def test_site_a_records_are_not_found_through_site_b(client, name, records, outsider):
    """An outsider using their own site's address with site A's record ids."""
    url = reverse(name, kwargs=_kwargs(name, records, site_slug="bravo"))
    client.force_login(outsider)
    # A view refuses a method it does not take (405) before looking anything up;
    # the method it takes must not find site A's record.
    statuses = {client.get(url).status_code, client.post(url).status_code}
    assert 404 in statuses
    assert statuses <= {404, 405}


@pytest.mark.parametrize("name", sorted(SITE_URLS))
def test_anonymous_is_sent_to_sign_in_from_every_site_url(client, name, records):
    url = reverse(name, kwargs=_kwargs(name, records))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_every_member_of_site_a_can_open_its_home(client, site_a):
    for role in Role:
        client.force_login(member(site_a, role))
        assert client.get(reverse("site_home", args=["alpha"])).status_code == 200


# --- The programme's pages: only its coordinators and participating sites' members ---


def test_every_programme_url_is_in_the_isolation_matrix():
    names = set(_site_url_names(kwarg=PROGRAMME_KWARG))
    assert None not in names, "every programme URL needs a name"
    missing = names - set(PROGRAMME_URLS)
    stale = set(PROGRAMME_URLS) - names
    assert not missing, f"add these programme URLs to PROGRAMME_URLS: {sorted(missing)}"
    assert not stale, f"these names are no longer programme URLs: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(PROGRAMME_URLS))
def test_a_site_not_taking_part_gets_404_for_every_programme_url(
    client, name, records, outsider
):
    url = reverse(name, kwargs=programme_kwargs(name, records))
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("name", sorted(PROGRAMME_URLS))
def test_anonymous_is_sent_to_sign_in_from_every_programme_url(client, name, records):
    url = reverse(name, kwargs=programme_kwargs(name, records))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
