"""Server time of the plan and panel pages and PDFs on a database prepared by
``seed_scale``, plus the WeasyPrint-only time for the same plan HTML.

In-process through ``django.test.Client`` like bench_people.py (whose helpers it
reuses): p50/p95/max in milliseconds and SQL queries per request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carehub_bench DEBUG=true \\
        .venv/bin/python benchmarks/bench_plans_panels.py --site scale-001
"""

import argparse
import io
import statistics
import sys
import time

from bench_people import _first_member, _percentile, measure
from django.conf import settings
from django.db.models import Count
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader
from weasyprint import HTML

from carehub.pdf import BASE_URL, _print_assets
from careplans import selectors as plan_selectors
from careplans.models import CarePlan
from panels.models import PanelMeeting
from sites.models import Site
from sites.permissions import Role

GOALS = {"plan PDF": 150.0, "panel pack PDF (20 items)": 2000.0}


def scenarios(site):
    officer = _first_member(site, Role.ASSESSING_OFFICER)
    manager = _first_member(site, Role.TEAM_MANAGER)
    chair = _first_member(site, Role.PANEL_CHAIR)
    with scope(site=site):
        plan = (
            CarePlan.objects.filter(site=site, status=CarePlan.Status.APPROVED)
            .annotate(n=Count("responses"))
            .order_by("-n", "pk")
            .first()
        )
        meeting = (
            PanelMeeting.objects.filter(site=site, status=PanelMeeting.Status.SCHEDULED)
            .annotate(n=Count("items"))
            .order_by("-n")
            .first()
        )
        items = meeting.items.count()
    slug = site.slug
    return plan, [
        ("plan page", officer, reverse("plan_detail", args=[slug, plan.code])),
        ("plan list", manager, reverse("plan_list", args=[slug])),
        (
            "reviews due (team)",
            manager,
            reverse("reviews_due", args=[slug]) + "?scope=team",
        ),
        ("plan PDF", officer, reverse("plan_pdf", args=[slug, plan.code])),
        ("panel dashboard", chair, reverse("panel_home", args=[slug])),
        (
            f"meeting page ({items} items)",
            chair,
            reverse("meeting_detail", args=[slug, meeting.code]),
        ),
        (
            f"panel pack PDF ({items} items)",
            chair,
            reverse("meeting_pack_pdf", args=[slug, meeting.code]),
        ),
    ]


def weasyprint_only(site, plan, iterations):
    """The same plan HTML through WeasyPrint alone (cached CSS and fonts)."""
    with scope(site=site):
        context = plan_selectors.plan_page_context(
            plan_selectors.plan_for_page(site, plan.code)
        )
        html = render_to_string("pdf/careplan.html", context)
    assets = _print_assets()

    def render():
        return HTML(
            string=html, base_url=BASE_URL, url_fetcher=assets.fetcher
        ).write_pdf(stylesheets=[assets.stylesheet], font_config=assets.font_config)

    pdf = render()
    timings = []
    for _ in range(iterations):
        started = time.perf_counter()
        render()
        timings.append((time.perf_counter() - started) * 1000)
    return timings, len(PdfReader(io.BytesIO(pdf)).pages)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", default="scale-001")
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with scopes_disabled():
        site = Site.objects.filter(slug=args.site).first()
    if site is None:
        sys.exit(f"No site {args.site!r}: run seed_scale first.")
    plan, cases = scenarios(site)
    print("| Request | p50 ms | p95 ms | max ms | Queries |")
    print("|---|---:|---:|---:|---:|")
    clients = {}
    for label, user, url in cases:
        client = clients.setdefault(user.pk, Client())
        client.force_login(user)
        iterations = (
            args.iterations if "pack" not in label else max(args.iterations // 3, 5)
        )
        timings, queries = measure(client, url, iterations, args.warmup)
        print(
            f"| {label} | {statistics.median(timings):.1f} | "
            f"{_percentile(timings, 95):.1f} | {max(timings):.1f} | {len(queries)} |",
            flush=True,
        )
    timings, pages = weasyprint_only(site, plan, args.iterations)
    print(
        f"| WeasyPrint only, same plan HTML ({pages} pages) | "
        f"{statistics.median(timings):.1f} | {_percentile(timings, 95):.1f} | "
        f"{max(timings):.1f} | 0 |"
    )


if __name__ == "__main__":
    main()
