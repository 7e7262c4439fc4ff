"""Benchmark: the progress page, the progress API and a filtered directory against /healthz.

For each size (default 1k and 100k pledges; add 1000000 for the full target) it loads demo data into
a fresh database, marks every pledge approved except a few kept for the approval test, rebuilds the
rollups, serves the app with gunicorn (2 sync workers on 127.0.0.1), and drives it with a load
generator. Load generator: `wrk` (Debian package) when installed, with a small Lua script for the
p95; otherwise a Python thread pool (slower client, so ratios come out closer to 1: prefer wrk).

Printed per size: requests/s and p95 of /healthz, /progress, /api/v1/progress and /pledges?...,
each endpoint's throughput relative to /healthz in the same run (8 connections: saturated, so its p95
is mostly queueing), and the p95 at 2 connections (= workers, no queueing: the latency a reader
sees); after the sizes, the ratio of those
relative throughputs between the largest and the smallest size (1.0 = cost flat in N). Then the
latency of the first requests right after an approval and the time until the approval shows.

With the ledger (issue 14): the demo data give about five disbursement entries per reporting pledge;
the filtered progress API and the task-force view are measured too.

    python benchmarks/progress.py [--sizes 1000 100000 1000000] [--duration 10] [--database-url URL]

SQLite files go to benchmarks/out/ (git-ignored); with --database-url (PostgreSQL) the database is
emptied first. Loading 1M pledges takes several minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PY = sys.executable
ENDPOINTS = ["/healthz", "/progress", "/api/v1/progress", "/pledges?focus_area=connect&group=ldc",
             # The ledger: filtered figures (computed from the tables, cached per filter and data version)
             # and the task-force view (GROUP BY over the ledger on every request).
             "/api/v1/progress?region=AFR", "/progress/task-force"]
RESERVED = 5  # pledges left "submitted" to approve during the run
WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %f %f %d %d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(95) / 1000.0, summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout, summary.requests))
end
"""

APPROVE = """
import sys, time
from datetime import datetime
from sqlalchemy import select
from p2c import create_app
from p2c.core.enums import ReviewStatus
from p2c.core.unit import commit
from p2c.extensions import db
from p2c.pledges.models import Pledge
app = create_app()
with app.app_context():
    pledge = db.session.scalar(select(Pledge).where(Pledge.status == ReviewStatus.SUBMITTED).limit(1))
    started = time.perf_counter()
    pledge.status = ReviewStatus.APPROVED
    pledge.approved_at = pledge.decided_at = datetime.utcnow()
    commit()
    print(f"{(time.perf_counter() - started) * 1000:.1f}")
"""

PREPARE = """
import sys
from sqlalchemy import select, update, func
from p2c import create_app
from p2c.core.enums import ReviewStatus
from p2c.core.signals import bulk_loaded
from p2c.core.unit import commit
from p2c.extensions import db
from p2c.pledges.models import Pledge
app = create_app()
with app.app_context():
    reserved = list(db.session.scalars(select(Pledge.id).order_by(Pledge.id.desc()).limit(%d)))
    db.session.execute(update(Pledge).where(Pledge.id.notin_(reserved)).values(
        status=ReviewStatus.APPROVED, approved_at=func.coalesce(Pledge.approved_at, Pledge.submitted_at)))
    db.session.execute(update(Pledge).where(Pledge.id.in_(reserved)).values(
        status=ReviewStatus.SUBMITTED, approved_at=None))
    bulk_loaded.send(app, what="benchmark")
    commit()
    from p2c.implementation.models import DisbursementEntry
    entries = db.session.scalar(select(func.count(DisbursementEntry.id)))
    reporting = db.session.scalar(select(func.count(func.distinct(DisbursementEntry.pledge_id))))
    print(db.session.scalar(select(func.count()).where(Pledge.status == ReviewStatus.APPROVED)),
          f"approved; ledger: {entries} entries of {reporting} reporting pledges")
""".replace("%d", str(RESERVED))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env: dict, *args: str) -> None:
    subprocess.run([PY, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def load(size: int, env: dict, demo: bool = True) -> float:
    """Fresh database with `size` pledges, all approved but RESERVED; returns seconds taken. With
    `demo` False the database already has its pledges (--reuse --prepare): upgraded and prepared only."""
    started = time.perf_counter()
    flask(env, "db", "upgrade", "heads")
    flask(env, "p2c", "reference", "load")
    if demo:
        flask(env, "p2c", "demo-data", "--pledges", str(size), "--seed", "2030")
    approved = subprocess.run([PY, "-c", PREPARE], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    print(f"  loaded {size} pledges ({approved.stdout.strip()}) in {time.perf_counter() - started:.0f} s")
    return time.perf_counter() - started


# Every browser sends this; set by --accept-encoding ('' to measure uncompressed responses).
ACCEPT_ENCODING = ["gzip, deflate"]


def _headers() -> dict[str, str]:
    return {"Accept-Encoding": ACCEPT_ENCODING[0]} if ACCEPT_ENCODING[0] else {}


def run_wrk(url: str, duration: int, connections: int) -> tuple[float, float, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_LUA)
    headers = [arg for k, v in _headers().items() for arg in ("-H", f"{k}: {v}")]
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", f.name, *headers, url],
                         capture_output=True, text=True, check=True).stdout
    os.unlink(f.name)
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT"))
    _, rps, p95, errors, _n = line.split()
    return float(rps), float(p95), int(errors)


def run_python(url: str, duration: int, connections: int) -> tuple[float, float, int]:
    latencies: list[float] = []
    errors = [0]
    stop = time.perf_counter() + duration
    lock = threading.Lock()

    def worker() -> None:
        mine = []
        while time.perf_counter() < stop:
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=_headers()), timeout=10) as r:
                    r.read()
            except Exception:  # noqa: BLE001
                errors[0] += 1
                continue
            mine.append((time.perf_counter() - t) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)] if latencies else float("nan")
    return len(latencies) / duration, p95, errors[0]


def get(url: str, timeout: float = 30) -> tuple[float, bytes]:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=timeout) as r:
        body = r.read()
    return (time.perf_counter() - t) * 1000, body


def approval_check(base: str, env: dict) -> dict:
    """Approve a pledge, then read at once: latency of the first reads and time until it shows."""
    results = {"commit_ms": [], "first_read_ms": [], "visible_after_ms": [], "page_ms": []}
    for _ in range(RESERVED):
        _, body = get(base + "/api/v1/progress")
        before = json.loads(body)["totals"]["pledges"]
        out = subprocess.run([PY, "-c", APPROVE], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        committed = time.perf_counter()
        results["commit_ms"].append(float(out.stdout.strip().splitlines()[-1]))
        first = True
        while True:
            ms, body = get(base + "/api/v1/progress", timeout=900)
            if first:
                results["first_read_ms"].append(ms)
                first = False
            if json.loads(body)["totals"]["pledges"] == before + 1:
                results["visible_after_ms"].append((time.perf_counter() - committed) * 1000)
                break
            if time.perf_counter() - committed > 10:
                results["visible_after_ms"].append(float("inf"))
                break
        results["page_ms"].append(get(base + "/progress", timeout=900)[0])
    return {k: max(v) for k, v in results.items()}


def serve(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([str(Path(PY).parent / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                             "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            get(base + "/healthz")
            break
        except OSError:
            time.sleep(0.2)
    for path in ENDPOINTS:  # warm every worker's cache and imports (a cold /progress at 1M takes about a minute)
        for _ in range(4):
            ms, _ = get(base + path, timeout=900)
            if ms > 1000:
                print(f"  warm-up: {path} took {ms / 1000:.1f} s")
    return proc, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (emptied first); default SQLite files")
    parser.add_argument("--accept-encoding", default=ACCEPT_ENCODING[0],
                        help="Accept-Encoding sent with every request, as a browser does ('' for none)")
    parser.add_argument("--reuse", action="store_true", help="reuse an existing SQLite file of the same size")
    parser.add_argument("--check-approval", action="store_true",
                        help="with --reuse: run the approval check (the file must still have its reserved pledges)")
    parser.add_argument("--endpoints", nargs="+", default=None,
                        help="measure only these paths (/healthz is always measured first, as the baseline)")
    parser.add_argument("--prepare", action="store_true",
                        help="with --reuse: upgrade the file, approve all but the reserved pledges, rebuild the "
                             "rollups, and run the approval check (a reused file is otherwise served as it is)")
    args = parser.parse_args()
    if args.endpoints:
        ENDPOINTS[:] = ["/healthz", *[e for e in args.endpoints if e != "/healthz"]]
    ACCEPT_ENCODING[0] = args.accept_encoding
    driver = run_wrk if shutil.which("wrk") else run_python
    print(f"load generator: {'wrk' if driver is run_wrk else 'python threads'}; gunicorn 2 sync workers; "
          f"{args.connections} connections, {args.duration} s per endpoint; "
          f"Accept-Encoding: {args.accept_encoding or '(none)'}")
    OUT.mkdir(parents=True, exist_ok=True)
    relative: dict[int, dict[str, float]] = {}
    for size in args.sizes:
        env = dict(os.environ, P2C_CONFIG="production", SECRET_KEY="benchmark-only", FLASK_DEBUG="0")
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
            subprocess.run([PY, "-c", "from sqlalchemy import create_engine, text; e=create_engine("
                            f"{args.database_url!r}); c=e.connect(); c.execute(text('DROP SCHEMA public CASCADE'));"
                            "c.execute(text('CREATE SCHEMA public')); c.commit()"], check=True)
            fresh = True
        else:
            path = OUT / f"progress-{size}.sqlite"
            env["DATABASE_URL"] = f"sqlite:///{path}"
            fresh = not (args.reuse and path.exists())
            if fresh and path.exists():
                path.unlink()
        print(f"== {size:,} pledges")
        if fresh:
            load(size, env)
        elif args.prepare:
            load(size, env, demo=False)
        proc, base = serve(env)
        try:
            rows, latency = {}, {}
            for path in ENDPOINTS:
                rows[path] = driver(base + path, args.duration, args.connections)
                # Latency without queueing: as many connections as workers.
                latency[path] = driver(base + path, max(3, args.duration // 2), 2)[1]
            baseline = rows["/healthz"][0]
            relative[size] = {}
            for path, (rps, p95, errors) in rows.items():
                relative[size][path] = rps / baseline
                print(f"  {path:40s} {rps:7.0f} req/s  x{rps / baseline:.2f} of /healthz  p95 {p95:6.1f} ms "
                      f"(at 2 connections: {latency[path]:5.1f} ms)"
                      f"{'  ERRORS ' + str(errors) if errors else ''}")
            if fresh or args.prepare or args.check_approval:
                check = approval_check(base, env)
                print(f"  approval: commit {check['commit_ms']:.0f} ms; first /api/v1/progress after it "
                      f"{check['first_read_ms']:.0f} ms; visible after {check['visible_after_ms']:.0f} ms; "
                      f"/progress after it {check['page_ms']:.0f} ms (max of {RESERVED})")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    if len(relative) > 1:
        small, large = min(relative), max(relative)
        print(f"== relative throughput at {large:,} / at {small:,} (1.00 = flat in N)")
        for path in ENDPOINTS[1:]:
            print(f"  {path:45s} {relative[large][path] / relative[small][path]:.2f}")


if __name__ == "__main__":
    main()
