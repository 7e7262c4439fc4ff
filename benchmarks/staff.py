"""Benchmark: where staff work (the review queue, its filters and search), `/data` and the directory.

For each size it loads demo data into a fresh SQLite file (or reuses one: `--database FILE`, copied
from e.g. benchmarks/progress.py's prepared file, is never written to except for the reviewer
account and the migrations), serves the app with gunicorn (2 sync workers on 127.0.0.1), signs a
reviewer in (session cookie, sent with the staff pages only: the public ones are read without it, as
anonymous readers read them) and drives every endpoint with `wrk` (Debian package, at /usr/bin/wrk).

Printed per endpoint: requests/s, p50/p95/p99 latency and the throughput relative to /healthz in the
same run. The staff pages are measured at `--staff-connections` (default 1: one reviewer's wait,
no queueing), the public pages (/data, the directory) at `--connections` (default 8: concurrent
load on a 2-core machine, so part of their p95 is queueing). Goals (DESIGN.md, issue 19): a review
page under 250 ms; the directory's p95 under 50 ms at 8 clients.

    python benchmarks/staff.py [--sizes 1000 100000] [--database FILE] [--duration 10]

With `--database FILE` only that file is measured (its size is read from it). Files go to
benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PY = sys.executable
EMAIL, PASSWORD = "bench-reviewer@example.org", "benchmark-password-2030"
# (path, staff page?)
ENDPOINTS = [
    ("/healthz", False),
    ("/review/", True),
    ("/review/?focus_area=connect", True),
    ("/review/?region=AFR", True),
    ("/review/?q=school", True),
    ("/review/?status=approved", True),
    ("/review/?status=approved&focus_area=connect", True),
    ("/review/?status=approved&region=AFR", True),
    ("/review/?status=approved&q=school", True),
    ("/data", False),
    ("/pledges?focus_area=connect&group=ldc", False),
]
INDEXES = ("CREATE INDEX IF NOT EXISTS ix_pledge_status_focus_submitted"
           " ON pledge (status, focus_area_code, submitted_at)",
           "CREATE INDEX IF NOT EXISTS ix_need_status_submitted ON need (status, submitted_at)")
WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %f %f %f %f %d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000.0, latency:percentile(95) / 1000.0, latency:percentile(99) / 1000.0,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout))
end
"""


def flask(env: dict, *args: str, stdin: str | None = None) -> None:
    subprocess.run([PY, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, input=stdin,
                   text=True, stdout=subprocess.DEVNULL)


def load(size: int, env: dict) -> None:
    started = time.perf_counter()
    flask(env, "db", "upgrade", "heads")
    flask(env, "p2c", "reference", "load")
    flask(env, "p2c", "demo-data", "--pledges", str(size), "--seed", "2030")
    print(f"  loaded {size:,} pledges in {time.perf_counter() - started:.0f} s")


def prepare(path: Path, size: int | None, env: dict) -> None:
    """A database with the demo data (loaded unless the file exists), migrated, with the reviewer."""
    if not path.exists():
        load(size or 1000, env)
    else:
        flask(env, "db", "upgrade", "heads")
    with sqlite3.connect(path) as connection:
        # A file prepared by another checkout may stand at a head that comes after this branch's
        # migration in the chain (its revision is then never run there): create its indexes.
        for statement in INDEXES:
            connection.execute(statement)
        if connection.execute("SELECT 1 FROM user WHERE email = ?", (EMAIL,)).fetchone() is None:
            flask(env, "p2c", "create-user", EMAIL, "--role", "reviewer", stdin=PASSWORD + "\n")


def pledge_count(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM pledge").fetchone()[0]


def serve(env: dict) -> tuple[subprocess.Popen, str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([str(Path(PY).parent / "gunicorn"), "--workers", "2", "--timeout", "120",
                             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5).read()
            break
        except OSError:
            time.sleep(0.2)
    return proc, base


def sign_in(base: str) -> str:
    """The reviewer's session cookie ("name=value"), signed in through the login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = html.unescape(re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1))
    data = urllib.parse.urlencode({"csrf_token": token, "email": EMAIL, "password": PASSWORD}).encode()
    opener.open(base + "/login", data=data).read()
    if "Sign out" not in opener.open(base + "/review/").read().decode() and not any(
            c.name == "session" for c in jar):
        raise SystemExit("could not sign the reviewer in")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def single(url: str, cookie: str) -> float:
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(url, headers={**headers, "Accept-Encoding": "gzip, deflate"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()
        if response.status != 200 or "/login" in response.url:
            raise SystemExit(f"{url}: {response.status} {response.url}")
    return (time.perf_counter() - started) * 1000


def run_wrk(url: str, duration: int, connections: int, cookie: str) -> tuple[float, float, float, float, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_LUA)
    out = subprocess.run(["wrk", "-t1" if connections == 1 else "-t2", f"-c{connections}", f"-d{duration}s",
                          "--timeout", "60s", "-s", f.name, *(("-H", f"Cookie: {cookie}") if cookie else ()),
                          "-H", "Accept-Encoding: gzip, deflate", url],
                         capture_output=True, text=True, check=True).stdout
    os.unlink(f.name)
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT"))
    _, rps, p50, p95, p99, errors = line.split()
    return float(rps), float(p50), float(p95), float(p99), int(errors)


def measure(path: Path, size: int | None, args: argparse.Namespace) -> None:
    # PYTHONPATH: this checkout's `p2c`, not another one installed in the same virtualenv.
    env = dict(os.environ, P2C_CONFIG="production", SECRET_KEY="benchmark-only", FLASK_DEBUG="0",
               PYTHONPATH=str(ROOT), SESSION_COOKIE_SECURE="0", DATABASE_URL=f"sqlite:///{path}",
               LOGIN_RATE_LIMIT="1000/minute")
    prepare(path, size, env)
    print(f"== {pledge_count(path):,} pledges ({path.name})")
    proc, base = serve(env)
    try:
        cookie = sign_in(base)
        results = {}
        for endpoint, staff in ENDPOINTS:
            # The public pages are measured as the public reads them: no session cookie (a signed-in
            # reviewer gets the directory rendered for them, an anonymous reader its cached page).
            who = cookie if staff else ""
            first = single(base + endpoint, who)  # also warms both workers' caches
            single(base + endpoint, who)
            connections = args.staff_connections if staff else args.connections
            results[endpoint] = (connections, first, *run_wrk(base + endpoint, args.duration, connections, who))
        baseline = results["/healthz"][2]
        for endpoint, (connections, first, rps, p50, p95, p99, errors) in results.items():
            print(f"  {endpoint:46s} c={connections} {rps:7.1f} req/s x{rps / baseline:.3f} of /healthz  "
                  f"p50 {p50:7.1f}  p95 {p95:7.1f}  p99 {p99:7.1f} ms  (first request {first:6.0f} ms)"
                  f"{'  ERRORS ' + str(errors) if errors else ''}")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--database", type=Path, help="measure this prepared SQLite file instead of loading")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8, help="for /healthz, /data and the directory")
    parser.add_argument("--staff-connections", type=int, default=1, help="for the review pages")
    args = parser.parse_args()
    print(f"wrk; gunicorn 2 sync workers; {args.duration} s per endpoint")
    OUT.mkdir(parents=True, exist_ok=True)
    if args.database:
        measure(args.database.resolve(), None, args)
        return
    for size in args.sizes:
        measure(OUT / f"staff-{size}.sqlite", size, args)


if __name__ == "__main__":
    main()
