"""Bulk synthetic sites and staff for benchmarks."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from .models import Membership, Site
from .permissions import Role

STAFF_PER_SITE = [
    (Role.ASSESSING_OFFICER, 8),
    (Role.TEAM_MANAGER, 2),
    (Role.PANEL_CHAIR, 1),
    (Role.PANEL_MEMBER, 2),
    (Role.SENIOR_MANAGER, 1),
    (Role.ADVISOR, 1),
    (Role.SITE_COORDINATOR, 1),
]


def seed_scale(options, progress):
    """Create ``options['sites']`` synthetic sites (scale-NNN) with their staff."""
    count = options["sites"]
    prefix = options["prefix"]
    existing = set(
        Site.objects.filter(slug__startswith=prefix).values_list("slug", flat=True)
    )
    new_sites = [
        Site(
            slug=f"{prefix}{i:03d}",
            name=f"Scale Test Site {prefix}{i:03d}",
            kind=Site.Kind.LOCAL_AUTHORITY,
        )
        for i in range(1, count + 1)
        if f"{prefix}{i:03d}" not in existing
    ]
    Site.objects.bulk_create(new_sites)
    sites = list(Site.objects.filter(slug__startswith=prefix).order_by("slug")[:count])
    User = get_user_model()
    # One hash for every synthetic account: hashing is slow and these accounts are
    # only for load tests on a benchmark database.
    password = make_password(options["password"])
    users, memberships = [], []
    taken = set(
        User.objects.filter(username__startswith=prefix).values_list(
            "username", flat=True
        )
    )
    for site in sites:
        for role, how_many in STAFF_PER_SITE:
            for n in range(1, how_many + 1):
                username = f"{site.slug}-{role.value}-{n}"
                if username in taken:
                    continue
                user = User(
                    username=username,
                    first_name=role.label,
                    last_name=f"{n}",
                    password=password,
                )
                users.append(user)
                memberships.append((user, site, role))
    User.objects.bulk_create(users, batch_size=1000)
    Membership.objects.bulk_create(
        [Membership(user=u, site=s, role=r) for u, s, r in memberships], batch_size=1000
    )
    progress(
        f"sites: {len(sites)} ready ({len(new_sites)} new), {len(users)} new staff"
    )
    return {"sites": sites}
