"""Benchmark: a cold task-force view (`by_year` + `by_country`, what /progress/task-force computes after
every approval), in process, from the rollups against the same view computed from the tables
(`direct=True`, the baseline, measured in the same run on the same file).

    python benchmarks/taskforce_cold.py --database-url sqlite:///benchmarks/out/tf-20000.sqlite \
        [--code /path/to/other/checkout] [--periods 2021-2026 2023-2023]

`--code` runs another checkout's p2c (e.g. main, whose view always reads the tables: its `by_year` has no
`direct` parameter, so only the default path is timed there). Read only.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--code", default=str(ROOT), help="checkout whose p2c package to run")
    parser.add_argument("--periods", nargs="*", default=["2021-2026", "2023-2023", "2020-2040"])
    args = parser.parse_args()
    sys.path.insert(0, args.code)
    os.environ.update(DATABASE_URL=args.database_url, P2C_CONFIG="production", SECRET_KEY="benchmark-only",
                      FLASK_DEBUG="0")
    from p2c import create_app
    from p2c.extensions import db
    from p2c.reporting import taskforce

    has_direct = "direct" in inspect.signature(taskforce.by_year).parameters
    app = create_app("production")
    with app.app_context():
        print(f"code: {Path(taskforce.__file__).resolve().parent.parent.parent}")
        # Warm-up (connection, statement compilation, file cache) on a one-year period, not timed: what is
        # timed is the work of a new data version, not the process start.
        warm = taskforce.Period(2021, 2021)
        taskforce.by_year(warm), taskforce.by_country(warm)
        if has_direct:
            taskforce.by_year(warm, direct=True), taskforce.by_country(warm, direct=True)
        db.session.rollback()
        for text in args.periods:
            first, last = (int(y) for y in text.split("-"))
            period = taskforce.Period(first, last)
            default, rows = timed(lambda p=period: (taskforce.by_year(p), taskforce.by_country(p)))
            db.session.rollback()
            line = f"{first}-{last}: default path {default:.3f} s"
            if has_direct:
                tables, direct_rows = timed(lambda p=period: (taskforce.by_year(p, direct=True),
                                                              taskforce.by_country(p, direct=True)))
                db.session.rollback()
                same = "same rows" if rows == direct_rows else "ROWS DIFFER"
                line += f", tables (baseline) {tables:.3f} s, ratio x{default / tables:.4f} ({same})"
            print(line)


if __name__ == "__main__":
    main()
