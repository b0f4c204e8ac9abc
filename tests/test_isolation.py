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
    "person_list": None,
    "person_create": None,
    "person_detail": lambda r: {"code": r["person"].code},
    "person_edit": lambda r: {"code": r["person"].code},
    "carer_link_create": lambda r: {"code": r["person"].code},
    "assessment_create": lambda r: {"code": r["person"].code},
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
    "reviews_due": None,
    "review_start": lambda r: {"code": r["review"].code},
    "review_record": lambda r: {"code": r["review"].code},
    "limit_list": None,
    "notification_list": None,
    "notification_read": lambda r: {"code": r["notification"].code},
    "notifications_read_all": None,
    "panel_home": None,
    "panel_dashboard_pdf": None,
    "meeting_create": None,
    "meeting_detail": lambda r: {"code": r["meeting"].code},
    "meeting_open": lambda r: {"code": r["meeting"].code},
    "meeting_close": lambda r: {"code": r["meeting"].code},
    "item_add": lambda r: {"code": r["meeting"].code},
    "meeting_pack_pdf": lambda r: {"code": r["meeting"].code},
    "item_move": lambda r: {"code": r["item"].code},
    "item_decide": lambda r: {"code": r["item"].code},
    "chairs_action": lambda r: {"code": r["plan"].code},
    "decision_detail": lambda r: {"code": r["decision"].code},
    "decision_told": lambda r: {"code": r["decision"].code},
    "decision_pdf": lambda r: {"code": r["decision"].code},
    "site_programme_figures": lambda r: {"programme": r["programme"].slug},
    "site_unmet_need": lambda r: {"programme": r["programme"].slug},
}


# The programme's own pages (/p/<programme_slug>/…), built from the ``records``
# fixture's programme, in which site A takes part and site B does not.
# url name -> None, or function(records) -> the URL's record kwargs (besides the slug)
def _collaborative_meeting(records):
    """A collaborative meeting of the records' programme (made once)."""
    from sites.programmes import CollaborativeMeeting

    meeting = CollaborativeMeeting.objects.filter(
        programme=records["programme"]
    ).first()
    return meeting or CollaborativeMeeting.objects.create(
        programme=records["programme"],
        title="Second collaborative meeting",
        held_on="2030-02-01",
        created_by=records["officer"],
    )


PROGRAMME_URLS = {
    "programme_home": None,
    "programme_figures": None,
    "programme_unmet_need": None,
    "programme_rebase": None,
    "programme_figures_csv": None,
    "meeting_case_studies": lambda r: {"code": _collaborative_meeting(r).code},
    "meeting_pack": lambda r: {"code": _collaborative_meeting(r).code},
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
