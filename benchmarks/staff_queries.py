"""The review queue's reads timed in process (no HTTP, no template): page of 50 + total, and the
status counts (tabs), for the filters of benchmarks/staff.py; best of `--repeat`, in ms.

    PYTHONPATH=. DATABASE_URL=sqlite:///benchmarks/out/staff-100000.sqlite python benchmarks/staff_queries.py

Run it with another checkout first on PYTHONPATH to compare before and after on the same file.
"""

from __future__ import annotations

import argparse
import time

from werkzeug.datastructures import MultiDict

FILTERS = ["", "focus_area=connect", "region=AFR", "q=school", "status=approved",
           "status=approved&focus_area=connect", "status=approved&region=AFR", "status=approved&q=school"]


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from p2c import create_app
    from p2c.extensions import db
    from p2c.review import queries

    app = create_app()
    with app.test_request_context():
        for query in FILTERS:
            f = queries.QueueFilters.from_args(MultiDict([p.split("=") for p in query.split("&") if p]), None)
            page = best(lambda f=f: queries.queue(f), args.repeat)
            counts = best(lambda f=f: queries.status_counts(f), args.repeat)  # all of them, no budget
            found = queries.queue(f).total
            plus = "+" if getattr(found, "capped", False) else ""  # past the cap (p2c/review/counts.py)
            print(f"  {query or '(open, default)':40s} page of 50 + total {page:8.1f} ms   "
                  f"status counts {counts:8.1f} ms   ({found:,}{plus} matching)", flush=True)
            db.session.rollback()


if __name__ == "__main__":
    main()
