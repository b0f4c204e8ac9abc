"""docs/performance.md quotes the last ``make bench`` run: its query counts are the
ones in benchmarks/results/latest.json (issue 8 item 13)."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import report  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "latest.json"


def test_the_documented_query_counts_are_the_last_benchmark_runs():
    results = json.loads(RESULTS.read_text())
    documented = report.documented_queries(
        (ROOT / "docs" / "performance.md").read_text()
    )
    measured = {row["label"]: row["queries"] for row in results["requests"]}
    assert documented, "docs/performance.md has no make bench table"
    assert documented == measured


def test_the_documented_block_is_what_the_report_writes():
    results = json.loads(RESULTS.read_text())
    docs = (ROOT / "docs" / "performance.md").read_text()
    block = docs.split(report.START, 1)[1].split(report.END, 1)[0]
    assert block.strip() == report.markdown(results).strip()
