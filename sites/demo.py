"""Demo sites and accounts. Fictional organisations and staff only."""

import os

from django.contrib.auth import get_user_model

from .models import Membership, Site
from .permissions import Role
from .programme_demo import seed_programme

DEFAULT_PASSWORD = "carehub-demo"  # noqa: S105 - a published demo password

SITES = [
    ("northshire", "Northshire County Council", Site.Kind.LOCAL_AUTHORITY),
    ("riverside", "Riverside Borough Council", Site.Kind.LOCAL_AUTHORITY),
    ("valley", "Valley Community Care", Site.Kind.VOLUNTARY_ORGANISATION),
]

# username, first name, last name, [(site slug, role), ...]
ACCOUNTS = [
    ("olivia", "Olivia", "Hart", [("northshire", Role.ASSESSING_OFFICER)]),
    (
        "tom",
        "Tom",
        "Bryant",
        [("northshire", Role.TEAM_MANAGER), ("northshire", Role.PANEL_MEMBER)],
    ),
    ("priya", "Priya", "Nair", [("northshire", Role.PANEL_CHAIR)]),
    ("sam", "Sam", "Whitfield", [("northshire", Role.SENIOR_MANAGER)]),
    ("aisha", "Aisha", "Rahman", [("northshire", Role.ADVISOR)]),
    ("carl", "Carl", "Jennings", [("northshire", Role.SITE_COORDINATOR)]),
    ("rory", "Rory", "Doyle", [("riverside", Role.ASSESSING_OFFICER)]),
    ("ruth", "Ruth", "Okoro", [("riverside", Role.TEAM_MANAGER)]),
    ("vera", "Vera", "Lindqvist", [("valley", Role.ASSESSING_OFFICER)]),
    ("victor", "Victor", "Hale", [("valley", Role.TEAM_MANAGER)]),
    # The collaborative programme: each site's advisor and project coordinator.
    ("nadia", "Nadia", "Brooks", [("northshire", Role.SITE_COORDINATOR)]),
    ("rafael", "Rafael", "Moreno", [("riverside", Role.ADVISOR)]),
    ("rose", "Rose", "Adeyemi", [("riverside", Role.SITE_COORDINATOR)]),
    ("wendy", "Wendy", "Marsh", [("valley", Role.ADVISOR)]),
    ("yusuf", "Yusuf", "Ali", [("valley", Role.SITE_COORDINATOR)]),
]


def demo_password():
    return os.environ.get("CAREHUB_DEMO_PASSWORD") or DEFAULT_PASSWORD


def seed_demo(stdout):
    """Create or refresh the demo sites and accounts (safe to repeat)."""
    sites = {}
    for slug, name, kind in SITES:
        sites[slug], _ = Site.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "is_active": True}
        )
    User = get_user_model()
    password = demo_password()
    for username, first, last, roles in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
            },
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save()
        for slug, role in roles:
            Membership.objects.update_or_create(
                user=user, site=sites[slug], role=role, defaults={"is_active": True}
            )
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.org"},
    )
    if created or not admin.check_password(password):
        admin.set_password(password)
        admin.save()
    stdout.write(f"Demo sites: {', '.join(s.name for s in sites.values())}.")

    seed_programme(sites, stdout)
    return sites
