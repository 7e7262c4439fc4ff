"""Load and faults, served as in production: submitters and readers while things break (issues 18 and 19).

Serves the platform with gunicorn (production config) and `flask p2c worker` on a fresh PostgreSQL
database with demo pledges, Redis, and a real local SMTP server (aiosmtpd in its own process). For
--seconds (60) it runs --submitters (30) clients filing pledges and --readers (20) clients reading the
public pages and API (bounded loops, loopback only), while on a fixed timeline:
  at 25% the worker is killed (SIGKILL) and restarted 2 s later;
  at 35%-45% PostgreSQL is away: a TCP proxy between the app and the machine's PostgreSQL cuts every
     connection and refuses new ones (the machine's server is shared by other work, so it is not
     restarted; pass --restart-postgres to run `pg_ctlcluster` instead, only on a machine of your own);
  at 50%-75% the mail server hangs (accepts connections, never answers);
  at 65% the worker is killed again and restarted 2 s later.
Then it waits for the worker to empty the outbox and prints: requests, 5xx (inside and outside the
database outage), accepted submissions, stored, lost, doubled, partial, confirmation mails delivered
once / missing / more than once, and submission latency with the mail server answering and hanging.

Rate limits are off (RATELIMIT_ENABLED=0): every client comes from 127.0.0.1 and would share one budget.
Run: .venv/bin/python benchmarks/load_faults.py [--seconds 60] [--demo-pledges 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import redis
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.cluster import Cluster, Visitor  # noqa: E402
from tests.faults import ProxyProcess  # noqa: E402
from tests.pledges.formdata import valid_pledge  # noqa: E402
from tests.smtp import free_port  # noqa: E402

READ_PATHS = ["/progress", "/pledges", "/api/v1/progress", "/", "/pledges?focus_area=connect", "/api/v1/pledges"]


class Timeline:
    """Which faults are active now (for labelling each request)."""

    def __init__(self) -> None:
        self.db_away = False
        self.smtp_hanging = False
        self.start = time.monotonic()


def submitter(n: int, base: str, deadline: float, line: Timeline, results: list, lock: threading.Lock) -> None:
    visitor = Visitor()
    i = 0
    while time.monotonic() < deadline:
        i += 1
        token = f"{n}-{i}-{uuid.uuid4().hex[:8]}"
        data = valid_pledge(title=f"Load pledge {token}", focal_email=f"load-{token}@example.org")
        smtp_hanging, db_away = line.smtp_hanging, line.db_away
        started = time.monotonic()
        try:
            response = visitor.post_form(base + "/pledges/new", data, timeout=30)
            status = response.status_code
        except requests.RequestException as exc:
            status = f"error:{type(exc).__name__}"
        elapsed = time.monotonic() - started
        with lock:
            results.append({"kind": "submit", "token": token, "status": status, "seconds": elapsed,
                            "smtp_hanging": smtp_hanging, "db_away": db_away or line.db_away})
        if status != 302:
            time.sleep(0.2)  # a person would wait a moment before trying again


def reader(base: str, deadline: float, line: Timeline, results: list, lock: threading.Lock) -> None:
    session = requests.Session()
    while time.monotonic() < deadline:
        db_away = line.db_away
        try:
            status = session.get(base + random.choice(READ_PATHS), timeout=30).status_code  # noqa: S311
        except requests.RequestException as exc:
            status = f"error:{type(exc).__name__}"
        with lock:
            results.append({"kind": "read", "status": status, "db_away": db_away or line.db_away})


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--submitters", type=int, default=30)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--demo-pledges", type=int, default=2000)
    parser.add_argument("--database-server", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--restart-postgres", action="store_true",
                        help="restart the machine's PostgreSQL (pg_ctlcluster) instead of cutting the proxy")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="p2c-load-"))
    mails = tmp / "mails.jsonl"
    smtp_port = free_port()
    sink = subprocess.Popen([sys.executable, "-m", "tests.smtp", str(smtp_port), str(mails)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert sink.stdout.readline().strip() == "ready"
    smtp_proxy = ProxyProcess(smtp_port)
    redis.Redis.from_url(args.redis_url).flushdb()
    cluster = Cluster(tmp, database_server=args.database_server, redis_url=args.redis_url, smtp_port=smtp_proxy.port,
                      extra_env={"RATELIMIT_ENABLED": "0", "MAIL_TIMEOUT": "5", "P2C_DIGEST_HOUR": "24",
                                 "MAIL_CLAIM_LEASE_SECONDS": "60"})
    db_proxy = None
    try:
        print(f"preparing a database with {args.demo_pledges} demo pledges ...", flush=True)
        cluster.prepare()
        cluster.flask("p2c", "demo-data", "--pledges", str(args.demo_pledges))
        url = make_url(cluster.database_url)
        if not args.restart_postgres:
            db_proxy = ProxyProcess(url.port or 5432)
            cluster.env["DATABASE_URL"] = url.set(port=db_proxy.port).render_as_string(hide_password=False)
        base = cluster.start_node("web", workers=args.web_workers, threads=4)
        cluster.start_worker("worker")
        for path in READ_PATHS:
            requests.get(base + path, timeout=60)
        results: list[dict] = []
        lock = threading.Lock()
        line = Timeline()
        deadline = time.monotonic() + args.seconds
        threads = [threading.Thread(target=submitter, args=(n, base, deadline, line, results, lock))
                   for n in range(args.submitters)]
        threads += [threading.Thread(target=reader, args=(base, deadline, line, results, lock))
                    for _ in range(args.readers)]
        print(f"running {args.submitters} submitters and {args.readers} readers for {args.seconds} s", flush=True)
        for thread in threads:
            thread.start()
        events = []

        def at(share: float) -> None:
            time.sleep(max(0.0, line.start + share * args.seconds - time.monotonic()))

        def note(what: str) -> None:
            events.append(f"{time.monotonic() - line.start:5.1f} s  {what}")
            print(events[-1], flush=True)

        at(0.25)
        cluster.kill("worker")
        note("worker killed (SIGKILL)")
        time.sleep(2)
        cluster.start_worker("worker")
        note("worker restarted")
        at(0.35)
        line.db_away = True
        if args.restart_postgres:
            subprocess.run(["pg_ctlcluster", "15", "main", "restart"], check=True)
            note("PostgreSQL restarted (pg_ctlcluster)")
        else:
            db_proxy.cut()
            note("PostgreSQL away (connections cut, new ones refused)")
            at(0.45)
            db_proxy.forward()
            note("PostgreSQL back")
        line.db_away = False
        at(0.50)
        smtp_proxy.hang()
        line.smtp_hanging = True
        note("mail server hanging")
        at(0.65)
        cluster.kill("worker")
        note("worker killed (SIGKILL)")
        time.sleep(2)
        cluster.start_worker("worker")
        note("worker restarted")
        at(0.75)
        smtp_proxy.forward()
        line.smtp_hanging = False
        note("mail server answering again")
        for thread in threads:
            thread.join(timeout=120)
        note("load over; waiting for the worker to empty the outbox")
        report(cluster, results, mails, args, events)
    finally:
        cluster.stop()
        for proxy in (db_proxy, smtp_proxy):
            if proxy is not None:
                proxy.stop()
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=10)
        cluster.drop()


def report(cluster: Cluster, results: list[dict], mails: Path, args, events: list[str]) -> None:
    engine = create_engine(cluster.database_url)
    deadline = time.monotonic() + 240  # failed sends wait their back-off (1, then 2 minutes)
    with engine.connect() as conn:
        while conn.execute(text("SELECT count(*) FROM outbox_message WHERE sent_at IS NULL")).scalar_one():
            if time.monotonic() > deadline:
                break
            time.sleep(1)
            conn.rollback()
        pending = conn.execute(text("SELECT count(*) FROM outbox_message WHERE sent_at IS NULL")).scalar_one()
        stored_titles = Counter(conn.execute(text(
            "SELECT title FROM pledge WHERE title LIKE 'Load pledge %'")).scalars())
        partial = conn.execute(text(
            "SELECT count(*) FROM pledge p WHERE p.title LIKE 'Load pledge %' AND ("
            " NOT EXISTS (SELECT 1 FROM pledge_target t WHERE t.pledge_id = p.id)"
            " OR NOT EXISTS (SELECT 1 FROM pledge_country c WHERE c.pledge_id = p.id)"
            " OR NOT EXISTS (SELECT 1 FROM contact c WHERE c.id = p.focal_point_id))")).scalar_one()
    engine.dispose()
    submits = [r for r in results if r["kind"] == "submit"]
    accepted = {r["token"] for r in submits if r["status"] == 302}
    stored = {title.removeprefix("Load pledge "): n for title, n in stored_titles.items()}
    delivered = Counter(json.loads(line)["to"] for line in mails.read_text().splitlines()) if mails.exists() else {}
    confirmations = {t: delivered.get(f"load-{t}@example.org", 0) for t in stored}
    five = [r for r in results if isinstance(r["status"], int) and r["status"] >= 500]
    errors = [r for r in results if not isinstance(r["status"], int)]
    normal = [r["seconds"] for r in submits if r["status"] == 302 and not r["smtp_hanging"] and not r["db_away"]]
    hanging = [r["seconds"] for r in submits if r["status"] == 302 and r["smtp_hanging"]]
    print("\n== timeline\n" + "\n".join(events))
    print("\n== results")
    figures = {
        "requests": len(results), "reads": len(results) - len(submits), "submissions": len(submits),
        "5xx during the database outage": sum(1 for r in five if r["db_away"]),
        "5xx outside it": sum(1 for r in five if not r["db_away"]),
        "connection errors": len(errors),
        "accepted (302)": len(accepted), "stored": len(stored),
        "lost (accepted, not stored)": len(accepted - set(stored)),
        "stored without a 302 (answer lost)": len(set(stored) - accepted),
        "doubled": sum(1 for n in stored.values() if n > 1), "partial": partial,
        "confirmation mails delivered once": sum(1 for n in confirmations.values() if n == 1),
        "missing": sum(1 for n in confirmations.values() if n == 0),
        "more than once": sum(1 for n in confirmations.values() if n > 1),
        "outbox still unsent at the end": pending,
    }
    for name, value in figures.items():
        print(f"{name:40} {value}")
    for name, values in (("mail server answering", normal), ("mail server hanging", hanging)):
        if values:
            print(f"submission latency, {name:22} n={len(values):4}  p50 {percentile(values, 50) * 1000:6.0f} ms"
                  f"  p95 {percentile(values, 95) * 1000:6.0f} ms  max {max(values) * 1000:6.0f} ms")
    statuses = Counter(str(r["status"]) for r in results)
    print("statuses:", dict(sorted(statuses.items())))


if __name__ == "__main__":
    main()
