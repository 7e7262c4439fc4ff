"""Benchmark: the public directory (/pledges) before and after its page cache, in the same run.

Three servers in turn on the same SQLite file (gunicorn, 2 sync workers on 127.0.0.1, production
settings), each driven by `wrk` (anonymous readers: no cookie, Accept-Encoding gzip like a browser):

- baseline: the code of `--baseline` (default `main`), exported with `git archive` to a temporary folder;
- render:   this checkout with the page cache off (P2C_DIRECTORY_PAGE_CACHE_MB=0): every request renders;
- cached:   this checkout as shipped (the rendered page is kept per language, URL and data version).

For each URL: p50/p95/p99 at 1 connection (service time, no queueing: for `baseline` and `render` that
is the cold render of the page) and at `--connections` (default 8: the goal, DESIGN.md issue 19, is a
p95 under 50 ms), with requests/s and the ratio to /healthz served by the same server in the same run.

    python benchmarks/directory.py [--size 20000] [--database FILE] [--duration 10] [--baseline main]

Without --database a file benchmarks/out/directory-<size>.sqlite is loaded (demo data, all pledges
approved but five, as benchmarks/progress.py prepares them) unless it exists.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PY = sys.executable
URLS = ["/pledges?focus_area=connect&group=ldc", "/pledges", "/pledges?group=ldc&lang=ar"]
WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %f %f %f %f %d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000.0, latency:percentile(95) / 1000.0, latency:percentile(99) / 1000.0,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout))
end
"""


def load(path: Path, size: int, env: dict) -> None:
    """Demo data with every pledge approved but a few (benchmarks/progress.py's PREPARE)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import progress

    started = time.perf_counter()
    for args in (("db", "upgrade", "heads"), ("p2c", "reference", "load"),
                 ("p2c", "demo-data", "--pledges", str(size), "--seed", "2030")):
        subprocess.run([PY, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    done = subprocess.run([PY, "-c", progress.PREPARE], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True)
    print(f"  loaded {path.name}: {done.stdout.strip()} in {time.perf_counter() - started:.0f} s")


def export(ref: str) -> Path:
    """The code of `ref` in a temporary folder, with this checkout's compiled catalogs (not in git)."""
    folder = Path(tempfile.mkdtemp(prefix="p2c-baseline-"))
    archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, check=True, capture_output=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    for mo in (ROOT / "translations").glob("*/LC_MESSAGES/messages.mo"):
        target = folder / mo.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(mo, target)
    return folder


def serve(code: Path, env: dict) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # PYTHONPATH: the served checkout's `p2c`, not the one installed in the virtualenv.
    proc = subprocess.Popen([str(Path(PY).parent / "gunicorn"), "--workers", "2", "--timeout", "120",
                             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
                            cwd=code, env=dict(env, PYTHONPATH=str(code)))
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5).read()
            break
        except OSError:
            time.sleep(0.2)
    for url in URLS:  # both workers: imports, option lists, and (cached) the pages themselves
        for _ in range(6):
            urllib.request.urlopen(urllib.request.Request(base + url, headers={"Accept-Encoding": "gzip"}),
                                   timeout=60).read()
    return proc, base


def run_wrk(url: str, duration: int, connections: int) -> tuple[float, float, float, float, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_LUA)
    out = subprocess.run(["wrk", "-t1" if connections == 1 else "-t2", f"-c{connections}", f"-d{duration}s",
                          "--timeout", "30s", "-s", f.name, "-H", "Accept-Encoding: gzip, deflate", url],
                         capture_output=True, text=True, check=True).stdout
    os.unlink(f.name)
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT"))
    _, rps, p50, p95, p99, errors = line.split()
    return float(rps), float(p50), float(p95), float(p99), int(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--database", type=Path, help="a prepared SQLite file (default: loaded for --size)")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--baseline", default="main", help="git ref measured as the baseline ('' to skip)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = (args.database or OUT / f"directory-{args.size}.sqlite").resolve()
    env = dict(os.environ, P2C_CONFIG="production", SECRET_KEY="benchmark-only", FLASK_DEBUG="0",
               SESSION_COOKIE_SECURE="0", DATABASE_URL=f"sqlite:///{path}")
    if not path.exists():
        load(path, args.size, dict(env, PYTHONPATH=str(ROOT)))
    print(f"wrk; gunicorn 2 sync workers; {args.duration} s per run; {path.name}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    servers = [("render", ROOT, {"P2C_DIRECTORY_PAGE_CACHE_MB": "0"}), ("cached", ROOT, {})]
    baseline = export(args.baseline) if args.baseline else None
    if baseline:
        servers.insert(0, (f"baseline ({args.baseline})", baseline, {}))
    try:
        for name, code, extra in servers:
            proc, base = serve(code, dict(env, **extra))
            try:
                health, h50, h95, _h99, _errors = run_wrk(base + "/healthz", args.duration, args.connections)
                print(f"== {name}: /healthz {health:.0f} req/s, p50 {h50:.1f} p95 {h95:.1f} ms at c={args.connections}")
                for url in URLS:
                    for connections in (1, args.connections):
                        rps, p50, p95, p99, errors = run_wrk(base + url, args.duration, connections)
                        print(f"  {url:40s} c={connections}  {rps:7.1f} req/s x{rps / health:.3f} of /healthz  "
                              f"p50 {p50:6.1f}  p95 {p95:6.1f}  p99 {p99:6.1f} ms"
                              f"{'  ERRORS ' + str(errors) if errors else ''}")
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=60)
    finally:
        if baseline:
            shutil.rmtree(baseline, ignore_errors=True)


if __name__ == "__main__":
    main()
