"""The admin is for superusers managing sites, accounts, memberships and reference data
(scopes disabled under /admin/); casework and its history are not reachable there."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.models import Person, StandardService
from careplans.models import DelegatedLimit, ReviewPolicy
from panels.models import Panel
from sites.models import Site
from tests.factories import PersonFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

MODELS = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


@pytest.fixture
def superuser():
    return UserFactory(username="root-admin", is_staff=True, is_superuser=True)


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_superuser_can_open_every_admin_list(client, superuser, records, app, model):
    client.force_login(superuser)
    response = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_add_page_opens_or_is_refused_cleanly(client, superuser, app, model):
    client.force_login(superuser)
    response = client.get(reverse(f"admin:{app}_{model}_add"))
    assert response.status_code in {200, 403}


def test_members_of_a_site_who_are_not_staff_cannot_open_the_admin(client, officer):
    client.force_login(officer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_standard_service_catalogue_is_edited_per_site_in_the_admin(
    client, superuser, site_a
):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:assessments_standardservice_add"),
        {
            "site": site_a.pk,
            "name": "Befriending",
            "description": "",
            "typical_weekly_cost": "12.00",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert StandardService.objects.get(name="Befriending").site == site_a


# --- what the admin reaches: sites, accounts, memberships and reference data -----------

# The whole of the admin, by model label. Anything else (casework and every history
# table) must not be reachable there.
ALLOWED = {
    "auth.Group",
    "sites.User",
    "sites.Site",
    "sites.Membership",
    "sites.AuditEvent",
    "assessments.StandardService",
    "careplans.ReviewPolicy",
    "careplans.DelegatedLimit",
    "panels.Panel",
    # django-axes: sign-in attempts and lock-outs of staff accounts (user names and
    # addresses, no casework), which administrators read and clear.
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
}

PROJECT_APPS = {"sites", "assessments", "careplans", "panels"}
NOT_IN_ADMIN = sorted(
    model._meta.label
    for model in apps.get_models()
    if model._meta.app_label in PROJECT_APPS and model._meta.label not in ALLOWED
)

NAME = ("Zebedee", "Quaxworth")  # nobody's name: searched for on every admin page


def test_the_admin_registers_exactly_the_allowed_models():
    assert {model._meta.label for model in admin.site._registry} == ALLOWED


def test_the_admin_index_lists_only_the_allowed_models(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    listed = {
        f"{app['app_label']}.{model['object_name']}"
        for app in response.context["app_list"]
        for model in app["models"]
    }
    assert listed == ALLOWED


def test_casework_and_history_are_the_rest_of_the_models():
    # A guard on the generated list: it holds the casework the issue names.
    for label in [
        "assessments.Person",
        "assessments.HistoricalPerson",
        "assessments.CarerLink",
        "assessments.Assessment",
        "assessments.Need",
        "careplans.CarePlan",
        "careplans.Response",
        "careplans.Review",
        "panels.PanelMeeting",
        "panels.PanelItem",
        "panels.Decision",
        "sites.Notification",
        "assessments.HistoricalStandardService",
    ]:
        assert label in NOT_IN_ADMIN


@pytest.mark.parametrize("label", NOT_IN_ADMIN)
def test_superuser_gets_404_for_every_casework_admin_url(
    client, superuser, records, label
):
    model = apps.get_model(label)
    with scopes_disabled():
        row = model._base_manager.first()
    pk = row.pk if row is not None else 1
    app, name = model._meta.app_label, model._meta.model_name
    client.force_login(superuser)
    for path in ["", "add/", f"{pk}/change/", f"{pk}/history/", f"{pk}/delete/"]:
        response = client.get(f"/admin/{app}/{name}/{path}")
        assert response.status_code == 404, f"/admin/{app}/{name}/{path}"


def _every_admin_page(client):
    """Index, each model's list and add page, and each record's change, history and
    delete page: (url, response)."""
    yield "/admin/", client.get("/admin/")
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        for view in ["changelist", "add"]:
            url = reverse("admin:{}_{}_{}".format(*info, view))
            yield url, client.get(url)
        with scopes_disabled():
            keys = list(model._base_manager.values_list("pk", flat=True))
        for pk in keys:
            for view in ["change", "history", "delete"]:
                url = reverse("admin:{}_{}_{}".format(*info, view), args=[pk])
                yield url, client.get(url)


def test_no_admin_page_shows_a_persons_name(client, superuser, records, site_a):
    with scopes_disabled():
        PersonFactory(site=site_a, given_name=NAME[0], family_name=NAME[1])
        Person.objects.filter(pk=records["person"].pk).update(
            given_name=NAME[0], allocated_worker=records["officer"]
        )
    client.force_login(superuser)
    pages = 0
    for url, response in _every_admin_page(client):
        assert response.status_code in {200, 403}, url
        text = response.content.decode()
        for part in NAME:
            assert part not in text, url
        pages += 1
    assert pages > 30  # the walk reached the records, not just the lists


def test_a_site_with_casework_is_not_deleted_and_its_people_are_counted_not_named(
    client, superuser, records, site_a
):
    with scopes_disabled():
        PersonFactory(site=site_a, given_name=NAME[0], family_name=NAME[1])
    client.force_login(superuser)
    url = reverse("admin:sites_site_delete", args=[site_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert NAME[1] not in text
    assert "People: 3 (casework is not shown or changed here)" in text
    client.post(url, {"post": "yes"})
    assert Site.objects.filter(pk=site_a.pk).exists()


def test_a_site_without_casework_can_still_be_deleted(client, superuser):
    empty = SiteFactory(slug="empty", name="Empty Trust")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:sites_site_delete", args=[empty.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Site.objects.filter(pk=empty.pk).exists()


@pytest.mark.parametrize("label", sorted(ALLOWED))
def test_each_allowed_record_opens_for_change_and_history(
    client, superuser, records, label
):
    model = apps.get_model(label)
    site = records["plan"].site
    missing = {
        "auth.Group": lambda: Group.objects.create(name="IT team"),
        "assessments.StandardService": lambda: StandardService.objects.create(
            site=site, name="Community meals", typical_weekly_cost="38.50"
        ),
        "careplans.ReviewPolicy": lambda: ReviewPolicy.objects.create(site=site),
        "careplans.DelegatedLimit": lambda: DelegatedLimit.objects.create(
            site=site,
            role="team_manager",
            weekly_limit=100,
            effective_from="2025-01-01",
        ),
        "axes.AccessAttempt": lambda: model.objects.create(
            username="someone", ip_address="192.0.2.1", failures_since_start=1
        ),
        "axes.AccessLog": lambda: model.objects.create(
            username="someone", ip_address="192.0.2.1"
        ),
        "axes.AccessFailureLog": lambda: model.objects.create(
            username="someone", ip_address="192.0.2.1"
        ),
    }
    with scopes_disabled():
        row = model._base_manager.first() or missing[label]()
    client.force_login(superuser)
    info = (model._meta.app_label, model._meta.model_name)
    change = client.get(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
    assert change.status_code == 200
    history = client.get(reverse("admin:{}_{}_history".format(*info), args=[row.pk]))
    assert history.status_code == 200


def test_reference_data_history_shows_its_changes(client, superuser, site_a):
    with scopes_disabled():
        service = StandardService.objects.create(
            site=site_a, name="Meals on wheels", typical_weekly_cost="30.00"
        )
        service.typical_weekly_cost = "32.50"
        service.save()
    client.force_login(superuser)
    response = client.get(
        reverse("admin:assessments_standardservice_history", args=[service.pk])
    )
    assert response.status_code == 200
    assert "32.50" in response.content.decode()


def test_a_panel_member_from_another_site_is_refused_with_a_message(
    client, superuser, site_a, site_b, officer
):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:panels_panel_add"),
        {
            "site": site_a.pk,
            "name": "Funding panel",
            "chair": officer.pk,
            "quorum": "2",
            "terms_of_reference": "",
            "is_active": "on",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "1000",
            "members-0-site": site_b.pk,
            "members-0-user": officer.pk,
            "members-0-brings": "finance",
        },
    )
    assert response.status_code == 200
    assert "belongs to another site" in response.content.decode()
    with scopes_disabled():
        assert not Panel.objects.exists()
