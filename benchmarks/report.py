"""Write ``make bench`` results: JSON (for comparing runs and for the docs test), a
Markdown summary, and optionally the same summary inside docs/performance.md between
the ``<!-- bench:start -->`` and ``<!-- bench:end -->`` markers."""

import json
import re
from pathlib import Path

START, END = "<!-- bench:start -->", "<!-- bench:end -->"
TABLE_HEAD = "| Request | Kind | p50 ms | p95 ms | max ms | CPU p50 ms | Queries |"


def markdown(results) -> str:
    m, sc, goals = results["machine"], results["scale"], results["goals"]
    lines = [
        f"Run by `make bench` on {m['when']} at commit `{m['commit']}`: "
        f"{sc['sites']} sites, {sc['people']:,} people, {sc['plans']:,} plans, "
        f"{sc['programme_cases']:,} programme cases; {m['database']}, Python "
        f"{m['python']}, Django {m['django']}, DEBUG {'on' if m['debug'] else 'off'}; "
        f"{m['cpus']} CPUs, load average {m['load_average'][0]} at the start and "
        f"{m.get('load_average_after', ['?'])[0]} at the end. In-process requests "
        f"(`django.test.Client`), {results['settings']['iterations']} timed per page "
        f"and {results['settings']['pdf_iterations']} per PDF after "
        f"{results['settings']['warmup']} warm-up. CPU is the benchmark process's own "
        f"(Django and WeasyPrint, not PostgreSQL). Query counts are the requests' own.",
        "",
        TABLE_HEAD,
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in results["requests"]:
        pages = f" ({row['pdf_pages']} pp.)" if row.get("pdf_pages") else ""
        lines.append(
            f"| {row['label']}{pages} | {row['kind']} | {row['p50']:.1f} | "
            f"{row['p95']:.1f} | {row['max']:.1f} | {row['cpu_p50']:.1f} | "
            f"{row['queries']} |"
        )
    lines.append("")
    missing = goals["pages_missing"]
    lines.append(
        f"Pages with p95 at or over {goals['page_p95_under_ms']:.0f} ms: "
        + (", ".join(missing) if missing else "none")
        + "."
    )
    if "plan_pdf_over_weasyprint" in goals:
        lines.append(
            f"Plan PDF view against WeasyPrint alone on the same HTML: "
            f"{goals['plan_pdf_over_weasyprint']:.2f} times by wall time (p50), "
            f"{goals['plan_pdf_over_weasyprint_cpu']:.2f} times by CPU time."
        )
    if "load" in results:
        lo = results["load"]
        lines.append(
            f"Concurrent run through gunicorn ({lo['workers']} sync workers, "
            f"{lo['concurrency']} client threads on the same machine, {lo['pages']} "
            f"signed-in pages round-robin, {lo['seconds']} s): "
            f"**{lo['requests_per_second']} requests a second**, {lo['errors']} "
            f"errors, p50 {lo['p50']} ms, p95 {lo['p95']} ms."
        )
    if "memory" in results:
        me = results["memory"]
        rss = " → ".join(f"{mb}" for _n, mb in me["rss_mb"])
        lines.append(
            f"One worker printing the plan PDF {me['pdfs']} times: RSS (MB, every "
            f"{me['pdfs'] // 10}) {rss}; {me['growth_in_second_half_mb']:+} MB over "
            f"the second half, {me['failures']} failures."
        )
    return "\n".join(lines) + "\n"


def write(results, out: Path, docs: Path | None = None):
    out.parent.mkdir(parents=True, exist_ok=True)
    text = markdown(results)
    out.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    out.with_suffix(".md").write_text(text)
    print(f"\nWrote {out.with_suffix('.json')} and {out.with_suffix('.md')}")
    if docs is not None:
        current = docs.read_text()
        pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
        if not pattern.search(current):
            raise SystemExit(f"{docs} has no {START} … {END} block to fill.")
        docs.write_text(pattern.sub(lambda _m: f"{START}\n{text}{END}", current))
        print(f"Updated {docs}")


def documented_queries(docs_text: str) -> dict:
    """{request label: query count} from the table between the markers."""
    block = docs_text.split(START, 1)[1].split(END, 1)[0]
    rows = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[6].isdigit():
            rows[re.sub(r" \(\d+ pp\.\)$", "", cells[0])] = int(cells[6])
    return rows
