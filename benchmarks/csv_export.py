"""Memory of the streamed CSV export: peak RSS of the process that exports N approved pledges.

    python benchmarks/csv_export.py --pledges 100000
    python benchmarks/csv_export.py --pledges 1000000 --database-url sqlite:////tmp/p2c-1m.sqlite
    python benchmarks/csv_export.py --mode cli --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Loads demo data with `p2c demo-data` into an empty SQLite file (unless --database-url points at a
database that already has pledges), then either serves the app with gunicorn (one sync worker) and
downloads /data/pledges.csv, or runs `flask p2c export --format csv` in a child process. It reads
the exporting process's RSS after start-up (the baseline, measured in the same run) and its peak
(VmHWM from /proc), and prints both against the 200 MB target of DESIGN.md section 7. Linux only.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MB = 200.0


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB."""
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    return out


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry))
            except OSError:
                continue
    return found


def prepare(url: str, pledges: int, seed: int) -> int:
    """Migrate and load demo data when the database has no pledges; returns the approved count."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from p2c import create_app
    from p2c.core.enums import ReviewStatus
    from p2c.extensions import db
    from p2c.pledges.models import Pledge
    from p2c.reference.loaders import load_all

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(revision="heads")
        load_all()
        db.session.commit()
        existing = db.session.scalar(select(func.count(Pledge.id)))
    if not existing:
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["p2c", "demo-data", "--pledges", str(pledges), "--seed",
                                                    str(seed)])
        if result.exit_code != 0:
            print(result.output, file=sys.stderr)
            raise SystemExit(1)
        print(f"loaded {pledges:,} demo pledges in {time.perf_counter() - started:.0f} s")
    with app.app_context():
        approved = db.session.scalar(select(func.count(Pledge.id)).where(Pledge.status == ReviewStatus.APPROVED))
        db.engine.dispose()
    return approved


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def watch_peak(pid: int, stop: threading.Event, peak: list[float]) -> None:
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], proc_status(pid)["VmRSS"])
        except OSError:
            return
        time.sleep(0.05)


def run_gunicorn(url: str) -> tuple[float, float, float, int, int]:
    """(baseline MB, peak MB, seconds, bytes, rows) for /data/pledges.csv through gunicorn."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, P2C_CONFIG="development", RATELIMIT_ENABLED="0")
    # A long download must not hit the sync worker's 30 s timeout.
    master = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "--timeout", "3600", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        urllib.request.urlopen(base + "/data", timeout=60).read()  # warm: app, templates, DB connection
        worker = children_of(master.pid)[0]
        baseline = proc_status(worker)["VmRSS"]
        stop, peak = threading.Event(), [baseline]
        watcher = threading.Thread(target=watch_peak, args=(worker, stop, peak), daemon=True)
        watcher.start()
        started = time.perf_counter()
        size = rows = 0
        with urllib.request.urlopen(base + "/data/pledges.csv", timeout=3600) as response:
            while chunk := response.read(1 << 16):
                size += len(chunk)
                rows += chunk.count(b"\r\n")
        elapsed = time.perf_counter() - started
        stop.set()
        watcher.join()
        hwm = proc_status(worker)["VmHWM"]
        return baseline, max(hwm, peak[0]), elapsed, size, rows - 1
    finally:
        master.terminate()
        master.wait(timeout=30)


def run_cli(url: str) -> tuple[float, float, float, int, int]:
    """(baseline MB, peak MB, seconds, bytes, rows) for `flask p2c export --format csv` in a child process."""
    out = Path(tempfile.mkdtemp()) / "pledges.csv"
    env = dict(os.environ, DATABASE_URL=url, P2C_CONFIG="development")
    # The child prints its RSS after app start (baseline), then exports, then prints VmHWM.
    code = (
        "import sys; from benchmarks.csv_export import proc_status; import os;"
        "from p2c import create_app; app = create_app();"
        "ctx = app.app_context(); ctx.push();"
        "from p2c.opendata.exports import csv_chunks; from sqlalchemy import text; from p2c.extensions import db;"
        "db.session.execute(text('SELECT 1'));"
        "print(proc_status(os.getpid())['VmRSS'], flush=True);"
        f"fh = open({str(out)!r}, 'wb');"
        "[fh.write(c) for c in csv_chunks(None)]; fh.close();"
        "print(proc_status(os.getpid())['VmHWM'], flush=True)"
    )
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True)
    elapsed = time.perf_counter() - started
    baseline, peak = (float(x) for x in result.stdout.split()[-2:])
    data = out.read_bytes()
    return baseline, peak, elapsed, len(data), data.count(b"\r\n") - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pledges", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2030)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--mode", choices=["gunicorn", "cli"], default="gunicorn")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}"
    approved = prepare(url, args.pledges, args.seed)
    baseline, peak, elapsed, size, rows = (run_gunicorn if args.mode == "gunicorn" else run_cli)(url)
    kind = url.split(":", 1)[0]
    print(f"{kind} / {args.mode}: exported {rows:,} approved pledges (database has {approved:,}), "
          f"{size / 1e6:,.0f} MB of CSV in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s)")
    print(f"RSS after start (baseline): {baseline:.0f} MB; peak during export: {peak:.0f} MB "
          f"(+{peak - baseline:.0f} MB over the baseline); target < {TARGET_MB:.0f} MB: "
          f"{peak / TARGET_MB:.2f} of the budget -> {'OK' if peak < TARGET_MB else 'OVER'}")


if __name__ == "__main__":
    main()
