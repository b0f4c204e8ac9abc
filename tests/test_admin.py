"""The admin is for superusers managing every site (scopes disabled under /admin/)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory

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
    from django_scopes import scopes_disabled

    from assessments.models import StandardService

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
