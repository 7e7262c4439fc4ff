"""Open data at the speed of the disk: the full downloads written by the worker, against `sqlite3 -csv`.

    python benchmarks/open_data_files.py --pledges 100000
    python benchmarks/open_data_files.py --pledges 1000000 --database-url sqlite:////tmp/p2c-1m.sqlite
    python benchmarks/open_data_files.py --database-url sqlite:///benchmarks/out/progress-1000000.sqlite --no-live
    git archive main | tar -x -C /tmp/b && python benchmarks/open_data_files.py --pledges 20000 --before /tmp/b

Loads demo data into an empty SQLite file (as benchmarks/csv_export.py does), then in the same run:
1. baseline: `sqlite3 -csv` writes the pledge table joined with its lead organization to a file
   (Debian's sqlite3 command; the baseline is skipped, and said so, when it is not installed);
2. the worker's job writes every full download (`p2c.opendata.snapshots.write_snapshots`), timed; with
   `--before DIR` (another checkout of the code, e.g. the main branch), that checkout's writer too, on the
   same database in the same run, and the two sets of files compared (CSV, JSON: every byte; XLSX: every
   zip part but its creation time; IATI: every byte but its generated-datetime);
3. gunicorn serves `/data/pledges.csv` from that file: the download is timed and its SHA-256 checked
   against the file's; then the same download filtered (`?focus_area=connect`), which stays live.
Prints seconds, MB and the ratio of the served download to the baseline (goal of issue 19: within 3x).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.csv_export import free_port, prepare  # noqa: E402

BASELINE_SQL = (
    "SELECT p.*, o.name, o.acronym, o.stakeholder_group_code, o.country_iso3 FROM pledge p "
    "JOIN organization o ON o.id = p.lead_organization_id WHERE p.status = 'approved' ORDER BY p.id;")


def baseline(path: str, out: Path) -> float | None:
    """Seconds for `sqlite3 -csv` to write the approved pledges with their organization, or None."""
    if shutil.which("sqlite3") is None:
        return None
    started = time.perf_counter()
    with open(out, "wb") as fh:
        subprocess.run(["sqlite3", "-csv", "-header", path, BASELINE_SQL], stdout=fh, check=True)
    return time.perf_counter() - started


def write_files(url: str, directory: Path, root: Path = ROOT) -> tuple[float, str]:
    """(seconds, result line) of the worker's job, run from the code in `root`."""
    code = ("from p2c import create_app; app = create_app();"
            "ctx = app.app_context(); ctx.push();"
            "from p2c.opendata.snapshots import write_snapshots; print(write_snapshots())")
    env = dict(os.environ, DATABASE_URL=url, P2C_CONFIG="development", P2C_EXPORT_DIR=str(directory),
               PYTHONPATH=str(root))
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True,
                            check=True)
    return time.perf_counter() - started, result.stdout.strip().splitlines()[-1]


def same_files(one: Path, other: Path) -> dict[str, bool]:
    """Per format: whether two written sets hold the same download (see the module docstring)."""
    first, second = (json.loads((d / "manifest.json").read_text()) for d in (one, other))
    out = {}
    for fmt, entry in first["files"].items():
        a, b = one / entry["file"], other / second["files"][fmt]["file"]
        if fmt == "xlsx":
            with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
                out[fmt] = za.namelist() == zb.namelist() and all(
                    za.read(n) == zb.read(n) for n in za.namelist() if n != "docProps/core.xml")
        elif fmt == "iati":
            def strip(data: bytes) -> bytes:
                return re.sub(rb'generated-datetime="[^"]*"', b"", data)
            out[fmt] = strip(a.read_bytes()) == strip(b.read_bytes())
        else:
            out[fmt] = hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    return out


def download(url: str) -> tuple[float, int, str, str]:
    """(seconds, bytes, sha256, ETag) of one download."""
    digest, size = hashlib.sha256(), 0
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=7200) as response:
        etag = response.headers.get("ETag", "")
        while chunk := response.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return time.perf_counter() - started, size, digest.hexdigest(), etag


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pledges", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2030)
    parser.add_argument("--database-url", default="", help="an existing database is reused as it is (no load)")
    parser.add_argument("--before", default="", help="another checkout whose writer is timed and compared too")
    parser.add_argument("--no-live", action="store_true",
                        help="skip the filtered (live) download, which streams at about 15 MB a minute")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite:///{work / 'bench.sqlite'}"
    approved = prepare(url, args.pledges, args.seed)
    directory = work / "exports"

    base = baseline(url.removeprefix("sqlite:///"), work / "baseline.csv") if url.startswith("sqlite") else None
    if base is None:
        print("baseline: sqlite3 command not installed (or not SQLite): no ratio")
    else:
        print(f"baseline sqlite3 -csv: {base:.1f} s, {(work / 'baseline.csv').stat().st_size / 1e6:,.0f} MB")
    if args.before:
        before_in, before_result = write_files(url, work / "exports-before", Path(args.before).resolve())
        print(f"before ({args.before}): the worker wrote the downloads in {before_in:.1f} s: {before_result}")
    written_in, result = write_files(url, directory)
    print(f"worker wrote the downloads in {written_in:.1f} s: {result}")
    if args.before:
        print(f"speed-up {before_in / written_in:.1f}x; same downloads as before: "
              + ", ".join(f"{fmt} {same}" for fmt, same in same_files(directory, work / "exports-before").items()))
    if base:
        print(f"writing all files / sqlite3 -csv: {written_in / base:.0f}x")

    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, P2C_CONFIG="development", RATELIMIT_ENABLED="0",
               P2C_EXPORT_DIR=str(directory))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "--timeout", "7200", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    try:
        site = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(site + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        served, size, digest, etag = download(site + "/data/pledges.csv")
        file_hash = next(p for p in directory.iterdir() if p.name.startswith("pledges-") and p.suffix == ".csv"
                         and "excel" not in p.name)
        same = hashlib.sha256(file_hash.read_bytes()).hexdigest() == digest == etag.strip('"')
        print(f"/data/pledges.csv served from the file: {served:.2f} s, {size / 1e6:,.0f} MB, "
              f"{approved:,} approved pledges; bytes equal to the file and its ETag: {same}")
        if base:
            print(f"ratio to sqlite3 -csv: {served / base:.2f}x (goal: within 3x)")
        if args.no_live:
            return
        live, live_size, _, live_etag = download(site + "/data/pledges.csv?focus_area=connect")
        print(f"filtered download (live stream, focus_area=connect): {live:.1f} s, {live_size / 1e6:,.0f} MB, "
              f"ETag {'present' if live_etag else 'none'}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
