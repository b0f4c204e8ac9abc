"""Export and restore one site of a database prepared by ``seed_scale``: time, peak
memory and archive size (issue 13 item 3). See docs/performance.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carehub_portability DEBUG=true \\
        .venv/bin/python benchmarks/bench_site_export.py --site scale-001

The restore goes in under a new short name beside the original (so every public id
is renewed, the costlier path) inside a transaction that is rolled back, so the
benchmark can be repeated. Peak memory is measured with ``tracemalloc`` (Python
objects allocated during the step) and the process's peak resident size.
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carehub.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from sites.models import Site  # noqa: E402
from sites.portability.export import export_site  # noqa: E402
from sites.portability.restore import restore_site, verify  # noqa: E402


def _rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(step):
    tracemalloc.start()
    started = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, round(seconds, 1), round(peak / 2**20, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site", default="scale-001")
    parser.add_argument("--keep", help="Keep the archive at this path.")
    args = parser.parse_args()
    with scopes_disabled():
        site = Site.objects.get(slug=args.site)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(args.keep or Path(folder) / "site.zip")
            summary, export_s, export_mb = _measure(lambda: export_site(site, path))
            _plan, verify_s, verify_mb = _measure(
                lambda: verify(path, slug=f"{args.site}-copy")
            )
            with transaction.atomic():
                restored, restore_s, restore_mb = _measure(
                    lambda: restore_site(path, slug=f"{args.site}-copy")
                )
                transaction.set_rollback(True)
            print(
                json.dumps(
                    {
                        "database": connection.vendor,
                        "site": args.site,
                        "rows": summary.rows,
                        "archive_mb": round(path.stat().st_size / 2**20, 1),
                        "export_s": export_s,
                        "export_peak_python_mb": export_mb,
                        "verify_s": verify_s,
                        "verify_peak_python_mb": verify_mb,
                        "restore_s_incl_verify": restore_s,
                        "restore_peak_python_mb": restore_mb,
                        "renewed_public_ids": restored.renew_ids,
                        "process_peak_rss_mb": round(_rss_mb(), 1),
                    },
                    indent=2,
                )
            )


if __name__ == "__main__":
    main()
