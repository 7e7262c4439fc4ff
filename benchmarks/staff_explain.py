"""The statements a review-queue page sends, each timed, and the plans of the slow ones.

For each filter of benchmarks/staff.py, runs what the queue view reads (the status counts, the page,
its details line, the filter choices) in process, records every statement with its parameters and its
time (the cursor's execute, i.e. the database's work plus the driver's), and prints those that took
more than `--threshold` ms with their plan: `EXPLAIN (ANALYZE, BUFFERS)` on PostgreSQL, `EXPLAIN
QUERY PLAN` on SQLite. The second run of each filter is the one timed (the first warms caches).

    PYTHONPATH=. DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/db python benchmarks/staff_explain.py
    ... staff_explain.py --filters "status=approved&q=school" --threshold 0 --full

Read-only: the EXPLAIN ANALYZE runs SELECTs only, inside a transaction rolled back.
"""

from __future__ import annotations

import argparse
import time

from flask import current_app
from sqlalchemy import event
from werkzeug.datastructures import MultiDict

FILTERS = ["", "focus_area=connect", "region=AFR", "q=school", "status=approved",
           "status=approved&focus_area=connect", "status=approved&region=AFR", "status=approved&q=school"]


def page_reads(queries, f) -> None:
    """What the queue view reads (p2c/review/views.py `queue`), without the template."""
    counted = queries.status_counts(f, current_app.config["QUEUE_COUNT_BUDGET_MS"])  # as the page counts
    page = queries.queue(f, counted, uncounted=counted is None)
    queries.queue_details(page.rows)
    queries.filter_choices()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filters", nargs="*", default=FILTERS)
    parser.add_argument("--threshold", type=float, default=20.0, help="explain statements slower than this, ms")
    parser.add_argument("--full", action="store_true", help="print the statements' SQL too")
    parser.add_argument("--jit", action="store_true", help="PostgreSQL: explain with the server's jit setting")
    args = parser.parse_args()
    from p2c import create_app
    from p2c.extensions import db
    from p2c.review import queries

    app = create_app()
    with app.test_request_context():
        engine = db.engine
        postgres = engine.dialect.name == "postgresql"
        recorded: list[list] = []

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
            conn.info["started"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
            recorded.append([statement, parameters, (time.perf_counter() - conn.info["started"]) * 1000])

        for query in args.filters:
            f = queries.QueueFilters.from_args(MultiDict([p.split("=") for p in query.split("&") if p]), None)
            page_reads(queries, f)
            db.session.rollback()
            recorded.clear()
            started = time.perf_counter()
            page_reads(queries, f)
            whole = (time.perf_counter() - started) * 1000
            statements = list(recorded)
            db.session.rollback()
            print(f"== {query or '(open, default)'}: {whole:.1f} ms in process, {len(statements)} statements, "
                  f"{sum(s[2] for s in statements):.1f} ms in the database", flush=True)
            for statement, parameters, ms in statements:
                head = " ".join(statement.split())[:110]
                print(f"  {ms:8.1f} ms  {head}")
                if ms < args.threshold:
                    continue
                if args.full:
                    print(statement, parameters)
                with engine.connect() as connection:
                    raw = connection.connection.driver_connection
                    cursor = raw.cursor()
                    if postgres and not args.jit:  # as the queue reads (p2c.review.queries._without_jit)
                        cursor.execute("SET LOCAL jit = off")
                    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
                    cursor.execute(prefix + statement, parameters)
                    for row in cursor.fetchall():
                        print("      " + " | ".join(str(c) for c in row))
                    connection.rollback()


if __name__ == "__main__":
    main()
