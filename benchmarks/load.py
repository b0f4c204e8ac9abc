"""The part of ``make bench`` that goes through a real server: gunicorn (sync workers,
the settings of the environment it is started from) on a free port on the loopback.

- ``concurrent_run``: C client threads, each with its own connection, ask for the
  signed-in pages round-robin for a fixed time: requests a second, errors, p50/p95.
  The client threads run on the same machine, so they take some of its CPU too.
- ``memory_run``: one worker prints the plan PDF N times; its resident memory (RSS,
  from /proc) is read every N/10 prints.
"""

import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(workers):
    port = _free_port()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "carehub.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        # Serving once the sign-in page answers (workers boot slowly on a busy machine).
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                if _get(conn, "/accounts/login/", "") == 200:
                    break
            time.sleep(0.5)
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _get(conn, url, cookie):
    conn.request("GET", url, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    return response.status


def _cookie(client):
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def _targets(readers, urls):
    """(url, cookie of a user who may open it) for each page."""
    targets = []
    for url in urls:
        client, _user = readers.client_for(url)
        if client is not None:
            targets.append((url, _cookie(client)))
    return targets


def concurrent_run(readers, urls, args):
    targets = _targets(readers, urls)
    timings, errors, statuses = [], [], {}
    lock = threading.Lock()
    with gunicorn(args.workers) as (port, _process):
        # Warm every worker up (first requests load templates and connect).
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for url, cookie in targets * args.workers:
            _get(warm, url, cookie)
        warm.close()
        deadline = time.monotonic() + args.load_seconds

        def client(offset):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine, n = [], offset
            while time.monotonic() < deadline:
                url, cookie = targets[n % len(targets)]
                n += 1
                started = time.perf_counter()
                try:
                    status = _get(conn, url, cookie)
                except (OSError, http.client.HTTPException) as error:
                    status = type(error).__name__
                    conn.close()
                mine.append((time.perf_counter() - started) * 1000)
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if status != 200:
                        errors.append(f"{status} {url}")
            with lock:
                timings.extend(mine)

        started = time.monotonic()
        threads = [
            threading.Thread(target=client, args=(i * 7,))
            for i in range(args.concurrency)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    result = {
        "workers": args.workers,
        "concurrency": args.concurrency,
        "seconds": round(elapsed, 1),
        "pages": len(targets),
        "requests": len(timings),
        "requests_per_second": round(len(timings) / elapsed, 1),
        "errors": len(errors),
        "statuses": {str(k): v for k, v in statuses.items()},
        "p50": round(statistics.median(timings), 1),
        "p95": round(statistics.quantiles(timings, n=100)[94], 1),
        "first_errors": errors[:5],
    }
    print(
        f"Concurrent: {result['requests_per_second']} requests/s, "
        f"{result['errors']} errors ({result['requests']} in {result['seconds']} s, "
        f"{args.workers} workers, {args.concurrency} clients)",
        flush=True,
    )
    return result


def _children(pid):
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    children.append(int(entry.name))
    return children


def _rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def memory_run(readers, plan_row, _records, args):
    url = plan_row["url"]
    client, _user = readers.client_for(url)
    cookie = _cookie(client)
    samples = []
    with gunicorn(1) as (port, process):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for _ in range(10):
            _get(conn, url, cookie)
        worker = _children(process.pid)[0]
        samples.append((0, _rss_mb(worker)))
        step = max(args.pdfs // 10, 1)
        failures = 0
        for n in range(1, args.pdfs + 1):
            if _get(conn, url, cookie) != 200:
                failures += 1
            if n % step == 0:
                samples.append((n, _rss_mb(worker)))
        conn.close()
    first, last = samples[0][1], samples[-1][1]
    result = {
        "pdfs": args.pdfs,
        "failures": failures,
        "rss_mb": samples,
        "growth_mb": round(last - first, 1),
        "growth_in_second_half_mb": round(last - samples[len(samples) // 2][1], 1),
    }
    print(
        f"Memory: {args.pdfs} plan PDFs, one worker: RSS {first} → {last} MB "
        f"(second half {result['growth_in_second_half_mb']:+} MB)",
        flush=True,
    )
    return result
