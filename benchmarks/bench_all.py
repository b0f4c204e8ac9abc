"""``make bench``: every page kind, every PDF and the programme's dashboards, timed
in-process on a database prepared by ``seed_scale``; WeasyPrint alone on the plan's
HTML; then (benchmarks/load.py) a bounded concurrent run through gunicorn and a
worker's memory across many PDFs. Results go to ``benchmarks/results/latest.json``
and ``latest.md``; ``--write-docs`` copies the tables into docs/performance.md
between its ``bench:`` markers (tests/test_performance_docs.py checks they agree).

Run it through ``make bench`` (production settings: DEBUG off, collected static
files), or by hand with the same environment; see benchmarks/README.md.
"""

import argparse
import io
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carehub.settings")

import django  # noqa: E402

django.setup()

import bench_people  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from assessments.letters import Letter  # noqa: E402
from assessments.models import Assessment, Person  # noqa: E402
from carehub import pdf  # noqa: E402
from careplans.figures import forget_programme_figures  # noqa: E402
from careplans.models import CarePlan  # noqa: E402
from careplans.programme import (  # noqa: E402
    CaseStudy,
    ProgrammeCase,
    PublishedCaseStudy,
)
from panels.models import Decision, PanelMeeting  # noqa: E402
from sites.models import Membership, Site, User  # noqa: E402
from sites.permissions import Role  # noqa: E402
from sites.programmes import CollaborativeMeeting, Programme  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
DOCS = ROOT / "docs" / "performance.md"
GOAL_PAGE_P95_MS = 30.0
GOAL_PDF_RATIO = 1.15
ROLES = [
    Role.ASSESSING_OFFICER,
    Role.TEAM_MANAGER,
    Role.PANEL_CHAIR,
    Role.SITE_COORDINATOR,
    Role.ADVISOR,
]


# --- what is measured ---------------------------------------------------------------


def _records(site, programme):
    """One representative record of each kind behind the pages (the fullest)."""
    r = {"site": site.slug, "programme": programme.slug if programme else None}
    with scopes_disabled(), scope(site=site):
        people = Person.objects.filter(site=site)
        r["person"] = (
            people.filter(pk__in=Assessment.objects.values("person")).order_by("id")
        ).first()
        r["assessment"] = (
            Assessment.objects.filter(site=site, person=r["person"])
            .order_by("-id")
            .first()
        )
        r["plan"] = (
            CarePlan.objects.filter(site=site, status=CarePlan.Status.APPROVED)
            .annotate(n=Count("responses"))
            .order_by("-n", "pk")
            .first()
        )
        r["meeting"] = (
            PanelMeeting.objects.filter(site=site, status=PanelMeeting.Status.SCHEDULED)
            .annotate(n=Count("items"))
            .order_by("-n")
            .first()
        )
        r["decision"] = Decision.objects.filter(site=site).order_by("id").first()
        r["letter"] = Letter.objects.filter(site=site).order_by("id").first()
        r["case"] = (
            ProgrammeCase.objects.filter(site=site).included().order_by("id").first()
        )
        r["case_study"] = (
            CaseStudy.objects.filter(site=site, published__isnull=False)
            .order_by("id")
            .first()
        )
    if programme:
        r["published"] = (
            PublishedCaseStudy.objects.for_programme(programme).shared().first()
        )
        r["collab"] = (
            CollaborativeMeeting.objects.filter(programme=programme)
            .annotate(n=Count("case_studies"))
            .order_by("-n")
            .first()
        )
    return r


def _code(record):
    return None if record is None else {"code": record.code}


def pages(r):
    """(kind, label, url) of every page kind measured, from the records found."""
    s = {"site_slug": r["site"]}
    p = {"programme_slug": r["programme"]}
    items = r["meeting"].n if r["meeting"] else 0
    wanted = [
        ("page", "Home (sites)", "home", {}),
        ("page", "Site home", "site_home", s),
        ("page", "Audit trail", "audit_list", s),
        ("page", "Notifications", "notification_list", s),
        ("page", "New person form", "person_create", s),
        ("page", "Assessment page", "assessment_detail", _code(r["assessment"]) and s | _code(r["assessment"])),
        ("page", "Plan page (most responses)", "plan_detail", _code(r["plan"]) and s | _code(r["plan"])),
        ("page", "Plan list", "plan_list", s),
        ("page", "Reviews due", "reviews_due", s),
        ("page", "Delegated limits", "limit_list", s),
        ("page", "Panel dashboard", "panel_home", s),
        ("page", f"Panel meeting ({items} items)", "meeting_detail", _code(r["meeting"]) and s | _code(r["meeting"])),
        ("page", "Panel decision", "decision_detail", _code(r["decision"]) and s | _code(r["decision"])),
        ("page", "Programme cases (site)", "programme_case_list", s),
        ("page", "Programme case", "programme_case_detail", _code(r["case"]) and s | _code(r["case"])),
        ("page", "Case studies (site)", "case_study_list", s),
        ("page", "Case study (site)", "case_study_detail", _code(r["case_study"]) and s | _code(r["case_study"])),
        ("pdf", "Plan PDF", "plan_pdf", _code(r["plan"]) and s | _code(r["plan"])),
        ("pdf", "Letter PDF", "letter_pdf", _code(r["letter"]) and s | _code(r["letter"])),
        ("pdf", "Panel decision PDF", "decision_pdf", _code(r["decision"]) and s | _code(r["decision"])),
        ("pdf", "Panel dashboard PDF", "panel_dashboard_pdf", s),
        ("pdf", f"Panel pack PDF ({items} items)", "meeting_pack_pdf", _code(r["meeting"]) and s | _code(r["meeting"])),
        ("pdf", "Case study PDF (site)", "case_study_pdf", _code(r["case_study"]) and s | _code(r["case_study"])),
    ]  # fmt: skip
    if r["programme"]:
        sp = {"site_slug": r["site"], "programme": r["programme"]}
        collab = _code(r.get("collab"))
        studies = r["collab"].n if r.get("collab") else 0
        wanted += [
            ("page", "Programme home", "programme_home", p),
            ("page", "Programme schedule", "schedule", p),
            ("page", "Programme meetings", "programme_meeting_list", p),
            ("page", "Programme meeting", "programme_meeting_detail", collab and p | collab),
            ("page", "Programme tables", "programme_tables", p),
            ("page", "Shared case studies", "shared_case_study_list", p),
            ("page", "Shared case study", "shared_case_study_detail", _code(r["published"]) and p | _code(r["published"])),
            ("dashboard", "Programme dashboard (figures kept)", "programme_figures", p),
            ("dashboard", "Programme dashboard, figures worked out afresh", "programme_figures", p),
            ("dashboard", "A site's own figures", "site_programme_figures", sp),
            ("dashboard", "Unmet-need register (programme)", "programme_unmet_need", p),
            ("dashboard", "Unmet-need register (site)", "site_unmet_need", sp),
            ("dashboard", "Evaluation", "programme_evaluation", p),
            ("pdf", "Shared case study PDF", "shared_case_study_pdf", _code(r["published"]) and p | _code(r["published"])),
            ("pdf", f"Meeting pack PDF ({studies} case studies)", "meeting_pack", collab and p | collab),
            ("pdf", "Evaluation PDF", "programme_evaluation_pdf", p),
            ("pdf", "Practitioner brief PDF", "practitioner_brief_pdf", p | {"site": r["site"]}),
        ]  # fmt: skip
    result = []
    for kind, label, name, kwargs in wanted:
        if kwargs is None:
            print(f"  (no record for {label}: skipped)", flush=True)
            continue
        result.append((kind, label, reverse(name, kwargs=kwargs)))
    return result


# --- timing ---------------------------------------------------------------------------


def _pct(values, pct):
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def _summary(timings):
    return {
        "p50": round(statistics.median(timings), 1),
        "p95": round(_pct(timings, 95), 1),
        "max": round(max(timings), 1),
        "n": len(timings),
    }


class Readers:
    """A signed-in client per user; finds a user whose role may open each page."""

    def __init__(self, site, programme):
        self.candidates = []
        for role in ROLES:
            membership = (
                Membership.objects.filter(site=site, role=role, is_active=True)
                .select_related("user")
                .order_by("user__username")
                .first()
            )
            if membership:
                self.candidates.append(membership.user)
        if programme:
            lead = User.objects.filter(username__endswith="programme-coordinator")
            self.candidates += list(lead.order_by("username")[:1])
        self.clients = {}

    def client_for(self, url):
        for user in self.candidates:
            client = self.clients.get(user.pk)
            if client is None:
                client = self.clients[user.pk] = Client()
                client.force_login(user)
            if client.get(url).status_code == 200:
                return client, user
        return None, None


def measure(client, url, iterations, warmup, before=None):
    """Wall time (what a user waits, inflated by a busy machine) and this process's
    CPU time (Django and WeasyPrint, not PostgreSQL: steadier on a shared machine)."""
    for _ in range(warmup):
        if before:
            before()
        client.get(url)
    timings, cpu = [], []
    for _ in range(iterations):
        if before:
            before()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}")
    if before:
        before()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    row = _summary(timings) | {
        "cpu_p50": round(statistics.median(cpu), 1),
        "queries": len(captured.captured_queries),
    }
    if response["Content-Type"] == "application/pdf":
        row["pdf_pages"] = len(PdfReader(io.BytesIO(response.content)).pages)
    return row


def weasyprint_alone(client, url, iterations):
    """The HTML the plan PDF view printed, through ``html_to_pdf`` alone (same print
    stylesheets, fonts and fetcher): no middleware, queries, template or audit."""
    printed = []
    original = pdf.html_to_pdf
    pdf.html_to_pdf = lambda html: printed.append(html) or original(html)
    try:
        client.get(url)
    finally:
        pdf.html_to_pdf = original
    html = printed[0]
    timings, cpu = [], []
    original(html)
    for _ in range(iterations):
        started, cpu_started = time.perf_counter(), time.process_time()
        original(html)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return _summary(timings) | {
        "cpu_p50": round(statistics.median(cpu), 1),
        "queries": 0,
    }


# --- the run --------------------------------------------------------------------------


def machine():
    load = os.getloadavg()
    version = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split(" ")[0]
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in load],
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": f"{connection.vendor} {version}".strip(),
        "debug": settings.DEBUG,
        "commit": subprocess.run(  # noqa: S603
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip(),
    }


def scale():
    with scopes_disabled():
        return {
            "sites": Site.objects.filter(slug__startswith="scale-").count(),
            "people": Person.objects.count(),
            "plans": CarePlan.objects.count(),
            "programme_cases": ProgrammeCase.objects.count(),
        }


def run_pages(args):
    with scopes_disabled():
        site = Site.objects.filter(slug=args.site).first()
        if site is None:
            sys.exit(f"No site {args.site!r}: run seed_scale first.")
        programme = Programme.objects.filter(slug=f"{args.prefix}programme").first()
        records = _records(site, programme)
        readers = Readers(site, programme)
    rows = []
    print(f"{'Request':52} {'p50':>7} {'p95':>7} {'max':>7} {'cpu':>7}  queries")
    for label, user, url in bench_people.scenarios(site):
        client = readers.clients.get(user.pk) or Client()
        client.force_login(user)
        row = {"kind": "page", "label": label, "url": url}
        rows.append(row | measure(client, url, args.iterations, args.warmup))
        _print(rows[-1])
    for kind, label, url in pages(records):
        client, user = readers.client_for(url)
        if client is None:
            print(f"  {label}: nobody at {site.slug} may open it; skipped")
            continue
        iterations = args.iterations if kind != "pdf" else args.pdf_iterations
        before = None
        if "afresh" in label:
            before = lambda: forget_programme_figures(programme)  # noqa: E731
        row = {"kind": kind, "label": label, "url": url}
        rows.append(row | measure(client, url, iterations, args.warmup, before))
        _print(rows[-1])
    plan_pdf = next((r for r in rows if r["label"] == "Plan PDF"), None)
    if plan_pdf:
        client, _user = readers.client_for(plan_pdf["url"])
        row = {"kind": "pdf", "label": "WeasyPrint alone, the plan's HTML"}
        rows.append(
            row | weasyprint_alone(client, plan_pdf["url"], args.pdf_iterations)
        )
        _print(rows[-1])
    urls = [r["url"] for r in rows if r["kind"] == "page"]
    return rows, readers, urls, records


def _print(row):
    print(
        f"{row['label'][:52]:52} {row['p50']:7.1f} {row['p95']:7.1f} "
        f"{row['max']:7.1f} {row['cpu_p50']:7.1f}  {row['queries']:3d}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", default="scale-001")
    parser.add_argument("--prefix", default="scale-")
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--pdf-iterations", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pdfs", type=int, default=1000, help="PDFs for the RSS run.")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--out", default=str(RESULTS / "latest"))
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Finding a role that may open each page is answered 403 by the others: quiet.
    logging.getLogger("django.request").setLevel(logging.ERROR)

    results = {"machine": machine(), "scale": scale(), "settings": vars(args)}
    print(json.dumps(results["machine"]), json.dumps(results["scale"]), flush=True)
    rows, readers, urls, records = run_pages(args)
    results["requests"] = rows
    results["goals"] = goals(rows)
    import report

    # Written now and again at the end: a failed load run keeps the page timings.
    report.write(results, Path(args.out), None)
    if not args.skip_load:
        import load

        results["load"] = load.concurrent_run(readers, urls, args)
        plan_pdf = next((r for r in rows if r["label"] == "Plan PDF"), None)
        if plan_pdf:
            results["memory"] = load.memory_run(readers, plan_pdf, records, args)
    results["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    report.write(results, Path(args.out), DOCS if args.write_docs else None)


def goals(rows):
    by = {r["label"]: r for r in rows}
    pages_ = [r for r in rows if r["kind"] == "page"]
    out = {
        "page_p95_under_ms": GOAL_PAGE_P95_MS,
        "pages_missing": [r["label"] for r in pages_ if r["p95"] >= GOAL_PAGE_P95_MS],
    }
    alone = by.get("WeasyPrint alone, the plan's HTML")
    if "Plan PDF" in by and alone:
        view = by["Plan PDF"]
        out["plan_pdf_over_weasyprint"] = round(view["p50"] / alone["p50"], 2)
        out["plan_pdf_over_weasyprint_cpu"] = round(
            view["cpu_p50"] / alone["cpu_p50"], 2
        )
    return out


if __name__ == "__main__":
    main()
