"""Server time of the collaborative programme's dashboard, a site's own figures, the
unmet-need register, the evaluation and the 20-case-study meeting pack, on a database
prepared by ``seed_scale`` (which adds a synthetic programme across its sites).

In-process through ``django.test.Client`` like bench_people.py (whose helpers it
reuses): p50/p95/max in milliseconds and SQL queries per request. ``--explain``
prints EXPLAIN ANALYZE of the dashboard's slowest queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carehub_bench DEBUG=true \\
        .venv/bin/python benchmarks/bench_programme.py
"""

import argparse
import statistics
import sys
import time

from bench_people import _first_member, _percentile, measure
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from careplans.figures import forget_programme_figures
from careplans.programme import MeetingCaseStudy, ProgrammeCase
from panels.models import PanelMeeting
from sites.models import User
from sites.permissions import Role
from sites.programmes import CollaborativeMeeting, Programme

GOALS = {"programme dashboard": 200.0, "meeting pack PDF": 2000.0}


def scenarios(programme, prefix):
    coordinator = User.objects.get(username=f"{prefix}programme-coordinator")
    site = programme.participants.select_related("site").first().site
    officer = _first_member(site, Role.ASSESSING_OFFICER)
    meeting = CollaborativeMeeting.objects.filter(programme=programme).first()
    studies = MeetingCaseStudy.objects.filter(meeting=meeting).count()
    slug = programme.slug
    chair = _first_member(site, Role.PANEL_CHAIR)
    with scope(site=site):
        panel_meeting = (
            PanelMeeting.objects.filter(site=site, status=PanelMeeting.Status.SCHEDULED)
            .annotate(n=Count("items"))
            .order_by("-n")
            .first()
        )
        items = panel_meeting.items.count()
    return [
        (
            "programme dashboard, figures worked out afresh",
            coordinator,
            reverse("programme_figures", args=[slug]),
        ),
        ("programme dashboard", coordinator, reverse("programme_figures", args=[slug])),
        (
            "programme dashboard (a site's officer)",
            officer,
            reverse("programme_figures", args=[slug]),
        ),
        (
            "a site's own figures",
            officer,
            reverse("site_programme_figures", args=[site.slug, slug]),
        ),
        (
            "unmet-need register (programme)",
            coordinator,
            reverse("programme_unmet_need", args=[slug]),
        ),
        (
            "unmet-need register (site)",
            officer,
            reverse("site_unmet_need", args=[site.slug, slug]),
        ),
        ("evaluation", coordinator, reverse("programme_evaluation", args=[slug])),
        (
            f"meeting pack PDF ({studies} case studies)",
            coordinator,
            reverse("meeting_pack", args=[slug, meeting.code]),
        ),
        (
            "evaluation PDF",
            coordinator,
            reverse("programme_evaluation_pdf", args=[slug]),
        ),
        # The panel pack measured in docs/performance.md, in the same run: how busy
        # the machine is.
        (
            f"for comparison: panel pack PDF ({items} items)",
            chair,
            reverse("meeting_pack_pdf", args=[site.slug, panel_meeting.code]),
        ),
    ]


def measure_afresh(client, programme, url, iterations, warmup):
    """As ``measure``, with the kept figures forgotten before every request."""
    timings = []
    for n in range(warmup + iterations):
        forget_programme_figures(programme)
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}")
        if n >= warmup:
            timings.append(elapsed)
    forget_programme_figures(programme)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return timings, captured.captured_queries


def explain(client, url, top=5):
    """EXPLAIN ANALYZE of the slowest queries of one request."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    slowest = sorted(
        captured.captured_queries, key=lambda q: float(q["time"]), reverse=True
    )[:top]
    with connection.cursor() as cursor:
        for query in slowest:
            print(f"\n-- {query['time']} s: {query['sql'][:300]}…")
            cursor.execute("EXPLAIN ANALYZE " + query["sql"])
            for (line,) in cursor.fetchall():
                print("   ", line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prefix", default="scale-")
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    programme = Programme.objects.filter(slug=f"{args.prefix}programme").first()
    if programme is None:
        sys.exit("No synthetic programme: run seed_scale first.")
    with scopes_disabled():
        cases = ProgrammeCase.objects.filter(programme=programme).count()
    sites = programme.participants.count()
    print(f"Programme {programme.slug}: {sites} sites, {cases} programme cases\n")
    print("| Request | p50 ms | p95 ms | max ms | Queries |")
    print("|---|---:|---:|---:|---:|")
    clients = {}
    for label, user, url in scenarios(programme, args.prefix):
        client = clients.setdefault(user.pk, Client())
        client.force_login(user)
        iterations = (
            args.iterations if "PDF" not in label else max(args.iterations // 5, 5)
        )
        if "afresh" in label:
            timings, queries = measure_afresh(
                client, programme, url, iterations, args.warmup
            )
        else:
            timings, queries = measure(client, url, iterations, args.warmup)
        print(
            f"| {label} | {statistics.median(timings):.1f} | "
            f"{_percentile(timings, 95):.1f} | {max(timings):.1f} | {len(queries)} |",
            flush=True,
        )
        if args.explain and label == "programme dashboard":
            explain(client, url)


if __name__ == "__main__":
    main()
