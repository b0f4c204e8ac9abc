"""A few pages timed by CPU, for work on one of them: the person page, the plan PDF
against WeasyPrint alone on the same HTML, a light signed-in page (notifications)
and the panel meeting page, or any page ``bench_all.py`` knows by its label.

CPU time of this process (``time.process_time``) is what a shared machine inflates
least; the plan PDF and WeasyPrint alone are timed turn about, so the load drifts
the same way for both. ``--profile LABEL`` runs one page under cProfile instead.
Same environment as ``make bench`` (production settings), e.g.::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carehub_bench DEBUG=false \\
    SECRET_KEY=benchmark-only-key-never-used-for-real-data-0123456789 \\
    SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=testserver LOG_LEVEL=WARNING \\
    .venv/bin/python benchmarks/bench_focus.py --iterations 40
"""

import argparse
import cProfile
import logging
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_all  # sets up Django
import bench_people
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from carehub import pdf
from sites.models import Site
from sites.programmes import Programme

DEFAULT = ["Person page", "Plan PDF", "Notifications", "Panel meeting"]


def _cpu(client, url):
    started = time.process_time()
    response = client.get(url)
    elapsed = (time.process_time() - started) * 1000
    if response.status_code != 200:
        sys.exit(f"GET {url} answered {response.status_code}")
    return elapsed


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def _row(label, cpu, queries):
    cpu = sorted(cpu)
    quartile = cpu[len(cpu) // 4]
    print(
        f"{label[:44]:44} CPU p50 {statistics.median(cpu):6.1f} ms "
        f"(p25 {quartile:6.1f}, min {cpu[0]:6.1f})  {queries:3d} queries",
        flush=True,
    )


def _printed_html(client, url):
    printed = []
    original = pdf.html_to_pdf
    pdf.html_to_pdf = lambda html: printed.append(html) or original(html)
    try:
        client.get(url)
    finally:
        pdf.html_to_pdf = original
    return printed[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", default="scale-001")
    parser.add_argument("--prefix", default="scale-")
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--pages", nargs="*", default=DEFAULT, help="label prefixes")
    parser.add_argument("--profile", help="profile the page with this label prefix")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args()
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    logging.getLogger("django.request").setLevel(logging.ERROR)
    with scopes_disabled():
        site = Site.objects.get(slug=args.site)
        programme = Programme.objects.filter(slug=f"{args.prefix}programme").first()
        records = bench_all._records(site, programme)
        readers = bench_all.Readers(site, programme)
    found = [
        (label, user, url)
        for label, user, url in bench_people.scenarios(site)
        if label.startswith("Person page")
    ]
    for _kind, label, url in bench_all.pages(records):
        client, user = readers.client_for(url)
        if client is not None:
            found.append((label, user, url))
    wanted = [args.profile] if args.profile else args.pages
    chosen = [f for f in found if any(f[0].startswith(w) for w in wanted)]
    for label, user, url in chosen:
        client = Client()
        client.force_login(user)
        for _ in range(args.warmup):
            client.get(url)
        if args.profile:
            # CPU time, not wall: waiting for PostgreSQL is not the app's work.
            profile = cProfile.Profile(time.process_time)
            profile.enable()
            for _ in range(args.iterations):
                client.get(url)
            profile.disable()
            stats = pstats.Stats(profile).strip_dirs().sort_stats(args.sort)
            print(f"{label}: {args.iterations} requests")
            stats.print_stats(args.top)
            continue
        if label.startswith("Plan PDF"):
            html = _printed_html(client, url)
            pdf.html_to_pdf(html)
            view, alone = [], []
            for _ in range(args.iterations):
                view.append(_cpu(client, url))
                started = time.process_time()
                pdf.html_to_pdf(html)
                alone.append((time.process_time() - started) * 1000)
            _row(label, view, _queries(client, url))
            _row("WeasyPrint alone, the same HTML", alone, 0)
            ratios = sorted(v / a for v, a in zip(view, alone, strict=True))
            print(
                f"{'Plan PDF view / WeasyPrint alone':44} "
                f"{statistics.median(view) / statistics.median(alone):.3f} "
                f"(median of the pairs {statistics.median(ratios):.3f})",
                flush=True,
            )
            continue
        cpu = [_cpu(client, url) for _ in range(args.iterations)]
        _row(label, cpu, _queries(client, url))


if __name__ == "__main__":
    main()
