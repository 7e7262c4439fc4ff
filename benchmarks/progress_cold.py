"""Benchmark: the first (cold) reads of the progress figures, in process, on a prepared database.

What `benchmarks/progress.py` does not show (its wrk runs measure cached reads): the time of
- a cold `/progress` (first request after start: the figures and the 2030 forecast are computed),
- `/progress` and `/api/v1/progress` right after a pledge approval and right after a progress-report
  approval (each moves the data version, so the next read recomputes),
- the first `/api/v1/progress?<filter>` per filter (computed from the pledge tables,
  p2c.reporting.direct.raw_aggregates with a WHERE),
each also as a ratio to a warm `/progress` read measured in the same run (the baseline).

    python benchmarks/progress_cold.py --database-url sqlite:///benchmarks/out/progress-100000.sqlite \
        [--code /path/to/other/checkout] [--filters region=AFR focus_area=connect country=KEN]

The database is one `benchmarks/progress.py` loaded and prepared (all pledges approved but 5); this run
approves one of the 5 and one submitted progress report, so work on a copy. `--code` runs another
checkout's p2c (e.g. the main branch, for a before/after on the same file).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime
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
    parser.add_argument("--filters", nargs="*", default=["region=AFR", "focus_area=connect", "country=KEN"])
    args = parser.parse_args()
    sys.path.insert(0, args.code)
    os.environ.update(DATABASE_URL=args.database_url, P2C_CONFIG="production", SECRET_KEY="benchmark-only",
                      FLASK_DEBUG="0")
    from sqlalchemy import select

    import p2c
    from p2c import create_app
    from p2c.core.enums import FigureLevel, ReviewStatus
    from p2c.core.unit import commit
    from p2c.extensions import db
    from p2c.implementation.models import ProgressReport
    from p2c.pledges.models import Pledge
    print(f"code: {Path(p2c.__file__).parent}; database: {args.database_url}")
    app = create_app()
    client = app.test_client()

    def get(url: str) -> float:
        seconds, response = timed(lambda: client.get(url, headers={"Accept-Encoding": "gzip"}))
        assert response.status_code == 200, (url, response.status_code)
        return seconds

    get("/healthz")
    rows: list[tuple[str, float]] = [("cold /progress (first request)", get("/progress")),
                                     ("cold /api/v1/progress (same data version)", get("/api/v1/progress"))]
    warm = statistics.median(get("/progress") for _ in range(20))
    with app.app_context():
        pledge = db.session.scalar(select(Pledge).where(Pledge.status == ReviewStatus.SUBMITTED).limit(1))
        pledge.status = ReviewStatus.APPROVED
        pledge.approved_at = pledge.decided_at = datetime.utcnow()  # noqa: DTZ003 - naive UTC, as the app stores
        rows.append(("pledge approval: commit", timed(commit)[0]))
    rows += [("/progress right after it", get("/progress")), ("/api/v1/progress after it", get("/api/v1/progress"))]
    with app.app_context():
        report = db.session.scalar(select(ProgressReport).where(ProgressReport.status == ReviewStatus.SUBMITTED,
                                                                ProgressReport.pledge_id.in_(
                                                                    select(Pledge.id).where(
                                                                        Pledge.status == ReviewStatus.APPROVED)))
                                   .order_by(ProgressReport.id).limit(1))
        if report is not None:
            report.status = ReviewStatus.APPROVED
            report.approved_at = report.decided_at = datetime.utcnow()  # noqa: DTZ003
            report.figure_level = FigureLevel.REVIEWED
            rows.append(("progress-report approval: commit", timed(commit)[0]))
    if report is not None:
        rows += [("/progress right after it", get("/progress")),
                 ("/api/v1/progress after it", get("/api/v1/progress"))]
    for spec in args.filters:
        rows.append((f"first /api/v1/progress?{spec}", get(f"/api/v1/progress?{spec}")))
        rows.append(("  again (cached)", get(f"/api/v1/progress?{spec}")))
    print(f"baseline: warm /progress, median of 20: {warm * 1000:.1f} ms")
    for name, seconds in rows:
        print(f"{name:48} {seconds:9.3f} s   x{seconds / warm:,.0f}")


if __name__ == "__main__":
    main()
