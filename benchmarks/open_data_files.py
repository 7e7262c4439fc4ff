"""Open data at the speed of the disk: the full downloads written by the worker, against `sqlite3 -csv`
(or `COPY ... TO STDOUT CSV` on PostgreSQL).

    python benchmarks/open_data_files.py --pledges 100000
    python benchmarks/open_data_files.py --database-url sqlite:///benchmarks/out/progress-1000000.sqlite --no-live
    python benchmarks/open_data_files.py --pledges 20000 --database-url postgresql+psycopg://u@h/db --no-serve
    git archive main | tar -x -C /tmp/b && python benchmarks/open_data_files.py --pledges 20000 --before /tmp/b

Loads demo data into an empty database (as benchmarks/csv_export.py does), then in the same run:
1. baseline: `sqlite3 -csv` (or `psql -c "COPY (...) TO STDOUT CSV HEADER"`) writes the approved pledges
   joined with their lead organization to a file (skipped, and said so, when the command is missing);
2. full render: the worker's job (`p2c.operations.jobs.write_open_data`) on a database without rendered
   rows renders every public pledge into `opendata_row` and writes the files from them, timed; with
   `--before DIR` (another checkout of the code, e.g. the main branch), that checkout's writer too, on the
   same database in the same run, and the two sets of files compared (CSV, JSON: every byte; XLSX: every
   zip part but its creation time; IATI: every byte but its generated-datetime);
3. incremental: `--changed N` approved pledges get a new title (one transaction, as an amendment would),
   then the job runs again: it renders those N and writes the files from the rows, timed; with
   `--verify`, the rows are dropped and the files written from scratch into another directory and compared
   with the incremental ones (as in 2);
4. gunicorn serves `/data/pledges.csv` from that file (unless `--no-serve`): the download is timed and its
   SHA-256 checked against the file's; then the same download filtered (`?focus_area=connect`), live.
Prints seconds, MB and the ratios to the baseline (goal of issue 19: within 3x), the writer process's
peak resident memory (goal: constant in the number of pledges), and the load average.
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
from p2c.opendata.snapshots import entries  # noqa: E402

BASELINE_SQL = (
    "SELECT p.*, o.name, o.acronym, o.stakeholder_group_code, o.country_iso3 FROM pledge p "
    "JOIN organization o ON o.id = p.lead_organization_id WHERE p.status = 'approved' ORDER BY p.id;")


def baseline(url: str, out: Path) -> tuple[str, float] | None:
    """(command, seconds) for `sqlite3 -csv` or psql's COPY to write the approved pledges with their
    organization, or None when the command is not installed."""
    if url.startswith("sqlite"):
        if shutil.which("sqlite3") is None:
            return None
        command = ["sqlite3", "-csv", "-header", url.removeprefix("sqlite:///"), BASELINE_SQL]
        name = "sqlite3 -csv"
    else:
        if shutil.which("psql") is None:
            return None
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        command = ["psql", dsn, "-c", f"COPY ({BASELINE_SQL.rstrip(';')}) TO STDOUT CSV HEADER"]
        name = "COPY ... TO STDOUT CSV"
    started = time.perf_counter()
    with open(out, "wb") as fh:
        subprocess.run(command, stdout=fh, check=True)
    return name, time.perf_counter() - started


def run_code(url: str, code: str, directory: Path, root: Path = ROOT) -> tuple[float, str]:
    """(seconds, last output line) of Python `code` run in an app context of the code in `root`."""
    code = ("from p2c import create_app; app = create_app();"
            "ctx = app.app_context(); ctx.push();" + code)
    env = dict(os.environ, DATABASE_URL=url, P2C_CONFIG="development", P2C_EXPORT_DIR=str(directory),
               PYTHONPATH=str(root))
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)
    if result.returncode:
        print(result.stderr, file=sys.stderr)
        raise SystemExit(1)
    return time.perf_counter() - started, (result.stdout.strip().splitlines() or [""])[-1]


def write_files(url: str, directory: Path, root: Path = ROOT) -> tuple[float, str]:
    """(seconds, result line) of the worker's job, run from the code in `root`."""
    # Timed inside the process: the app's start (about 2 s, more on a loaded machine) is no part of a run.
    # The worker is a long-running process: its first connection and compiled queries are warm.
    # The writer's own peak resident memory (ru_maxrss, KB on Linux) is printed with its result: the
    # process does nothing else, so the peak is the job's (plus the app's start, about 100 MB).
    _, line = run_code(url, "import time, resource; from p2c.operations.jobs import write_open_data;"
                            "from p2c.opendata.snapshots import export_version; export_version();"
                            "t = time.perf_counter(); r = write_open_data();"
                            "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024;"
                            "print(f'{time.perf_counter() - t:.3f}|{r}; writer peak RSS {rss:,.0f} MB')",
                       directory, root)
    seconds, _, result = line.partition("|")
    return float(seconds), result


CHANGE = ("from sqlalchemy import select; from p2c.extensions import db; from p2c.pledges.models import Pledge;"
          "from p2c.pledges.visibility import public_clause;"
          "ids = list(db.session.scalars(select(Pledge.id).where(public_clause()).order_by(Pledge.id)));"
          "step = max(1, len(ids) // {n});"
          "pledges = [db.session.get(Pledge, i) for i in ids[::step][:{n}]];"
          "[setattr(p, 'title', p.title + ' (amended)') for p in pledges];"
          "db.session.commit(); print(len(pledges))")
# The files written again from the rows as they are (nothing to render), timed in process. With
# `sequential`, the writer's own PostgreSQL reader runs with `prefetch=False` (one read after the other, as
# before the reading thread), so both are timed on the same rows in one run (`--read-ab`); row_pages' source
# is not hashed with the rendering's, so no row is rendered again (`fragments.render_key`).
SEQUENTIAL = ("import functools;"
              "row_pages._iter_rows_binary = functools.partial(row_pages._iter_rows_binary, prefetch=False)")
# With `spooled`, the XLSX sheet's rows go to a temporary file and are deflated at the end (as before the sheet
# was streamed, and as a live download still does): `sheet_needs_zip64` answering None picks that mode
# (`xlsx_book.WorkbookZip`), so both are timed on the same rows in one run (`--sheet-ab`).
SPOOLED = "snapshots.sheet_needs_zip64 = lambda *size: None"
REWRITE = ("import time; from p2c.opendata import row_pages, snapshots;"
           "exec({swap!r});"
           "t = time.perf_counter(); r = snapshots.write_snapshots(force=True);"
           "print(f'{{time.perf_counter() - t:.3f}}|{{r}}')")
FORGET = ("from p2c.opendata.fragments import clear_rows; from p2c.extensions import db;"
          "clear_rows(); db.session.commit(); print('cleared')")


def same_files(one: Path, other: Path) -> dict[str, bool]:
    """Per format: whether two written sets hold the same download (see the module docstring)."""
    first, second = (entries(json.loads((d / "manifest.json").read_text())) for d in (one, other))
    out = {}
    for fmt, entry in first.items():
        a, b = one / entry["file"], other / second[fmt]["file"]
        if fmt == "xlsx":
            with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
                out[fmt] = za.namelist() == zb.namelist() and all(
                    za.read(n) == zb.read(n) for n in za.namelist() if n != "docProps/core.xml")
        elif fmt == "iati":
            def strip(data: bytes) -> bytes:
                return re.sub(rb'generated-datetime="[^"]*"', b"", data)
            out[fmt] = strip(a.read_bytes()) == strip(b.read_bytes())
        else:  # an entry with a prefix (the excel CSV) is those bytes, then the file it names
            out[fmt] = (_file_sha256(a, bytes.fromhex(entry.get("prefix", "")))
                        == _file_sha256(b, bytes.fromhex(second[fmt].get("prefix", ""))))
    return out


def _file_sha256(path: Path, prefix: bytes = b"") -> str:
    """SHA-256 (hex) of `prefix` then a file read in chunks: reading a 710 MB file whole to hash it made
    this process's peak RSS (882 MB at 1M) say nothing about the writer's."""
    digest = hashlib.sha256(prefix)
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


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


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pledges", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2030)
    parser.add_argument("--database-url", default="", help="an existing database is reused as it is (no load)")
    parser.add_argument("--before", default="", help="another checkout whose writer is timed and compared too")
    parser.add_argument("--changed", type=int, default=10, help="pledges changed before the incremental write")
    parser.add_argument("--verify", action="store_true",
                        help="compare the incremental files with files written from scratch (one more full render)")
    parser.add_argument("--keep-rows", action="store_true",
                        help="no full render: keep the rows an earlier run left in --database-url (incremental only)")
    parser.add_argument("--read-ab", type=int, default=0, metavar="N",
                        help="PostgreSQL: then write the files again 2N times, alternating the rows read in a thread "
                             "(as the writer does) and one read after the other")
    parser.add_argument("--sheet-ab", type=int, default=0, metavar="N",
                        help="then write the files again 2N times, alternating the XLSX sheet deflated as its rows "
                             "come (as the writer does) and spooled to a file and deflated at the end")
    parser.add_argument("--no-serve", action="store_true", help="skip the downloads through gunicorn")
    parser.add_argument("--no-live", action="store_true",
                        help="skip the filtered (live) download, which streams at about 15 MB a minute")
    args = parser.parse_args()
    if args.keep_rows and (args.before or not args.database_url or not args.changed):
        # Another checkout's writer would render the rows again under its own key, a new database has none,
        # and without the incremental write no file is written to time or serve.
        parser.error("--keep-rows needs --database-url and --changed N (N > 0) and excludes --before")
    if args.read_ab and not args.database_url.startswith("postgresql"):
        parser.error("--read-ab is for PostgreSQL (the reading thread is PostgreSQL's)")
    work = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite:///{work / 'bench.sqlite'}"
    approved = prepare(url, args.pledges, args.seed)
    directory = work / "exports"
    print(f"{approved:,} approved pledges; load average {load_average()}")

    found = baseline(url, work / "baseline.csv")
    base = found[1] if found else None
    if found is None:
        print("baseline: sqlite3 / psql not installed: no ratio")
    else:
        print(f"baseline {found[0]}: {base:.1f} s, {(work / 'baseline.csv').stat().st_size / 1e6:,.0f} MB")

    def ratio(seconds: float) -> str:
        return f" ({seconds / base:.1f}x the baseline)" if base else ""

    if args.before:
        before_in, before_result = write_files(url, work / "exports-before", Path(args.before).resolve())
        print(f"before ({args.before}): the worker wrote the downloads in {before_in:.1f} s{ratio(before_in)}: "
              f"{before_result}")
    if args.keep_rows:
        print("full render: skipped (--keep-rows: the rows an earlier run rendered are kept)")
    else:
        run_code(url, FORGET, directory)  # a database prepared by an earlier run may hold rows already
        written_in, result = write_files(url, directory)
        print(f"full render: the worker wrote the downloads in {written_in:.1f} s{ratio(written_in)}: {result}; "
              f"load average {load_average()}")
    if args.before and not args.keep_rows:
        print(f"speed-up {before_in / written_in:.1f}x; same downloads as before: "
              + ", ".join(f"{fmt} {same}" for fmt, same in same_files(directory, work / "exports-before").items()))
    if args.changed:
        _, changed = run_code(url, CHANGE.format(n=args.changed), directory)
        again_in, again = write_files(url, directory)
        if "rendered all" in again:  # --keep-rows on rows of other code: that was a full render
            raise SystemExit(f"the incremental write rendered every row (rows of other code?): {again}")
        print(f"incremental after {changed} changed pledges: {again_in:.1f} s{ratio(again_in)}: {again}; "
              f"load average {load_average()}")
        if args.verify:
            run_code(url, FORGET, work / "exports-scratch")
            scratch_in, _ = write_files(url, work / "exports-scratch")
            print(f"from scratch again {scratch_in:.1f} s; incremental files equal to the scratch ones: "
                  + ", ".join(f"{fmt} {same}" for fmt, same in same_files(directory, work / "exports-scratch").items()))
    trials = [("--read-ab", "read in a thread", ""), ("--read-ab", "one read after the other", SEQUENTIAL)] * \
        args.read_ab + [("--sheet-ab", "sheet deflated as its rows come", ""),
                        ("--sheet-ab", "sheet spooled and deflated at the end", SPOOLED)] * args.sheet_ab
    for option, how, swap in trials:
        line = run_code(url, REWRITE.format(swap=swap), work / "exports-ab")[1]
        seconds, _, result = line.partition("|")
        seconds = float(seconds)
        if "rendered 0 of" not in result:  # a render (rows of other code), a busy lease: not this figure
            raise SystemExit(f"{option}: the write did more than write the files: {result}")
        print(f"files written again from the rows, {how}: {seconds:.1f} s{ratio(seconds)}; "
              f"load average {load_average()}")
    if args.no_serve:
        return

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
        file_hash = directory / json.loads((directory / "manifest.json").read_text())["files"]["csv"]["file"]
        same = _file_sha256(file_hash) == digest == etag.strip('"')
        print(f"/data/pledges.csv served from the file: {served:.2f} s, {size / 1e6:,.0f} MB, "
              f"{approved:,} approved pledges; bytes equal to the file and its ETag: {same}")
        if base:
            print(f"served download / baseline: {served / base:.2f}x (goal: within 3x)")
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
