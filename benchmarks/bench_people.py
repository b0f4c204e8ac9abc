"""Server time of the people pages on a database prepared by ``seed_scale``.

Runs each request in-process through ``django.test.Client`` (the whole middleware
stack, the view and the template; no network, no browser), after a warm-up, and prints
p50/p95/max in milliseconds and the number of SQL queries per request. See
benchmarks/README.md and docs/performance.md for how to prepare the database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carehub_bench DEBUG=true \\
        .venv/bin/python benchmarks/bench_people.py --site scale-001
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carehub.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402

from assessments.models import Assessment, CarerLink, Person  # noqa: E402
from assessments.views import PAGE_SIZE  # noqa: E402
from sites.models import Membership, Site  # noqa: E402
from sites.permissions import Role  # noqa: E402

GOAL_MS = 50.0


def _first_member(site, role):
    membership = (
        Membership.objects.filter(site=site, role=role, is_active=True)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if membership is None:
        sys.exit(f"No {role.label.lower()} at {site.slug}: run seed_scale first.")
    return membership.user


def _spaced_nhs(number):
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def scenarios(site):
    """(label, user, url) for each request measured, from the seeded data."""
    with scopes_disabled():
        officer = _first_member(site, Role.ASSESSING_OFFICER)
        manager = _first_member(site, Role.TEAM_MANAGER)
    with scope(site=site):
        people = Person.objects.filter(site=site)
        total = people.count()
        if total == 0:
            sys.exit(f"{site.slug} has no people: run seed_scale first.")
        mine = people.allocated_to(officer).count()
        # A person with the most on their page: an assessment and a carer link.
        linked = CarerLink.objects.filter(site=site).values("cared_for")
        assessed = Assessment.objects.filter(site=site).values("person")
        person = (
            people.filter(pk__in=linked).filter(pk__in=assessed).order_by("id").first()
            or people.order_by("id").first()
        )
        sample = people.exclude(nhs_number="").order_by("id")[total // 20 :].first()
        sample = sample or people.order_by("id").first()
    url = reverse("person_list", kwargs={"site_slug": site.slug})
    last_mine = max(1, -(-mine // PAGE_SIZE))
    last_all = max(1, -(-total // PAGE_SIZE))
    family = sample.family_name
    return [
        ("List: my people, page 1", officer, f"{url}?scope=mine"),
        (f"List: my people, page {last_mine}", officer, f"{url}?page={last_mine}"),
        ("List: everyone, page 1", manager, f"{url}?scope=all"),
        (
            f"List: everyone, page {last_all}",
            manager,
            f"{url}?scope=all&page={last_all}",
        ),
        (f"Search: name prefix “{family[:3]}”", officer, f"{url}?q={family[:3]}"),
        (
            f"Search: full name “{sample.given_name} {family}”",
            officer,
            f"{url}?q={sample.given_name}+{family}",
        ),
        (
            "Search: NHS number",
            officer,
            f"{url}?q={_spaced_nhs(sample.nhs_number).replace(' ', '+')}",
        ),
        (
            f"Search: postcode “{sample.postcode}”",
            officer,
            f"{url}?q={sample.postcode.replace(' ', '+')}",
        ),
        (
            "Person page",
            officer,
            reverse(
                "person_detail", kwargs={"site_slug": site.slug, "code": person.code}
            ),
        ),
    ]


def measure(client, url, iterations, warmup):
    for _ in range(warmup):
        _get(client, url)
    timings = []
    for _ in range(iterations):
        started = time.perf_counter()
        _get(client, url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return timings, captured.captured_queries


def _get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"GET {url} answered {response.status_code}")
    return response


def _percentile(values, pct):
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", default="scale-001", help="Slug of a seeded site.")
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="Print EXPLAIN ANALYZE of the slowest query of each request.",
    )
    parser.add_argument(
        "--markdown", action="store_true", help="Print the table as Markdown."
    )
    parser.add_argument(
        "--json", metavar="PATH", help="Also write the results to PATH as JSON."
    )
    args = parser.parse_args()

    # In-process requests come from "testserver", as in the test suite.
    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    with scopes_disabled():
        site = Site.objects.filter(slug=args.site).first()
    if site is None:
        sys.exit(f"No site {args.site!r}: run seed_scale first.")
    with scope(site=site):
        people = Person.objects.filter(site=site).count()
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}, site {site.slug} "
        f"with {people} people; {args.iterations} timed requests each after "
        f"{args.warmup} warm-up; goal p95 < {GOAL_MS:.0f} ms",
        flush=True,
    )

    clients = {}
    rows = []
    for label, user, url in scenarios(site):
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        timings, queries = measure(clients[user.pk], url, args.iterations, args.warmup)
        slowest = max(queries, key=lambda q: float(q["time"]))
        row = {
            "label": label,
            "p50": statistics.median(timings),
            "p95": _percentile(timings, 95),
            "max": max(timings),
            "queries": len(queries),
            "slowest_ms": float(slowest["time"]) * 1000,
            "slowest_sql": slowest["sql"],
        }
        rows.append(row)
        if not args.markdown:
            flag = "" if row["p95"] < GOAL_MS else "  <-- misses the goal"
            print(
                f"{label:45} p50 {row['p50']:6.1f}  p95 {row['p95']:6.1f}  "
                f"max {row['max']:6.1f} ms  {row['queries']:2d} queries  "
                f"(slowest {row['slowest_ms']:.1f} ms){flag}",
                flush=True,
            )
    if args.markdown:
        print()
        print("| Request | p50 ms | p95 ms | max ms | Queries | Slowest query ms |")
        print("|---|---:|---:|---:|---:|---:|")
        for row in rows:
            print(
                f"| {row['label']} | {row['p50']:.1f} | {row['p95']:.1f} | "
                f"{row['max']:.1f} | {row['queries']} | {row['slowest_ms']:.1f} |"
            )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    if args.explain:
        for row in rows:
            print(f"\n== {row['label']}: slowest query ({row['slowest_ms']:.1f} ms)")
            print(row["slowest_sql"])
            if row["slowest_sql"].lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + row["slowest_sql"])
                    print("\n".join(line for (line,) in cursor.fetchall()))


if __name__ == "__main__":
    main()
