"""Memory of checking a large import file: peak RSS of `flask p2c import FILE --dry-run` on a CSV of
about --megabytes MB in the export format (issue 18: a 100 MB CSV took 1.15 GB to validate).

    python benchmarks/import_memory.py --megabytes 100
    python benchmarks/import_memory.py --megabytes 100 --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Loads --pledges demo pledges into an empty SQLite file (unless --database-url has pledges), exports
them as CSV, and repeats the rows (each with its own reference, as new pledges) until the file has the
requested size. Then runs the dry-run import in a child process and prints its peak RSS (VmHWM from
/proc) next to the start-up baseline of the same command on a one-row file. Linux only.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.csv_export import prepare  # noqa: E402 - after the path set-up


def export_rows(url: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of /data/pledges.csv."""
    from p2c import create_app

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    body = app.test_client().get("/data/pledges.csv").get_data(as_text=True)
    reader = csv.reader(io.StringIO(body, newline=""))
    header = next(reader)
    return header, list(reader)


def write_file(path: Path, header: list[str], rows: list[list[str]], megabytes: float) -> int:
    """Repeat the rows, each with a fresh reference and title, until the file reaches the size."""
    ref, title = header.index("reference"), header.index("title")
    target = int(megabytes * 1024 * 1024)
    written = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        while fh.tell() < target:
            for row in rows:
                written += 1
                copy = list(row)
                copy[ref] = f"P2C-2099-{written:07d}"
                copy[title] = f"{row[title][:200]} #{written}"
                out.writerow(copy)
                if written % 1000 == 0 and fh.tell() >= target:
                    break
    return written


def peak_of(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """(peak RSS in MB, seconds, last output line) of a child process, sampled from /proc."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0.0
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            pass
        time.sleep(0.05)
    output = proc.stdout.read() if proc.stdout else ""
    lines = [line for line in output.splitlines() if line.strip()]
    return peak, time.perf_counter() - started, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=100)
    parser.add_argument("--pledges", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="p2c-import-mem-"))
    url = args.database_url or f"sqlite:///{work / 'bench.sqlite'}"
    prepare(url, args.pledges, args.seed)
    header, rows = export_rows(url)
    big, small = work / "big.csv", work / "small.csv"
    count = write_file(big, header, rows, args.megabytes)
    write_file(small, header, rows[:1], 0)
    print(f"file: {big.stat().st_size / 1024 / 1024:.0f} MB, {count:,} rows")
    env = {**os.environ, "DATABASE_URL": url, "P2C_CONFIG": "development"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "p2c", "import", "--dry-run"]
    baseline, _seconds, _line = peak_of([*flask, str(small)], env)
    peak, seconds, line = peak_of([*flask, str(big)], env)
    print(f"dry-run import: {line}")
    print(f"peak RSS: {peak:.0f} MB (start-up baseline {baseline:.0f} MB, +{peak - baseline:.0f} MB) "
          f"in {seconds:.0f} s")


if __name__ == "__main__":
    main()
