"""factory_boy factories. Names and numbers are obviously synthetic."""

import factory
from django.contrib.auth import get_user_model

from sites.models import Membership, Site
from sites.permissions import Role

TEST_PASSWORD = "test-password-not-real"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"site-{n}")
    name = factory.Sequence(lambda n: f"Test Site {n}")
    kind = Site.Kind.LOCAL_AUTHORITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Tester{n}")
    last_name = "Example"
    password = factory.django.Password(TEST_PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    site = factory.SubFactory(SiteFactory)
    role = Role.ASSESSING_OFFICER


def member(site, role, username=None):
    """A user holding one role at one site."""
    kwargs = {"username": username} if username else {}
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, site=site, role=role)
    return user
