"""A read that is given up after a time budget, on SQLite and PostgreSQL alike.

For figures a page can do without (the review queue's counts per status): a page must not wait 1.5 s
for a count of every record matching a common word at 1M records (issue 19: a review page under
250 ms). The database stops the statement, not Python: PostgreSQL by `statement_timeout` (set for
this statement only, inside a savepoint, so the request's transaction goes on), SQLite by a progress
handler that interrupts the statement once the deadline has passed (an interrupted SELECT leaves the
transaction as it was: https://sqlite.org/c3ref/interrupt.html).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Executable, text
from sqlalchemy.exc import OperationalError

from p2c.extensions import db

# SQLite calls the progress handler every this many virtual-machine instructions: how often it looks at
# the clock. Each call is Python and needs the GIL: with 1,000 steps a count took 3x longer while another
# thread of the same gthread worker ran Python (a reviewer's measure: 777-854 ms against 226-300 ms);
# 10,000 steps is ten times fewer waits, and still well under a millisecond of SQLite's work between looks.
_SQLITE_STEPS = 10_000


def first_row(statement: Executable, budget_ms: int | None) -> Any | None:
    """The first row of `statement` (a read), or None when it took longer than `budget_ms`
    milliseconds and was stopped. No budget (None) waits as long as the statement takes. On PostgreSQL
    the session's pending changes are flushed first (the savepoint); on SQLite a statement that stopped
    left the transaction as it was.

    Raises what the statement raises for any other reason (a query stopped by the budget is the only
    error turned into None)."""
    if budget_ms is None or budget_ms <= 0:  # no budget (a negative setting too: it would stop everything)
        return db.session.execute(statement).first()
    if db.session.get_bind().dialect.name == "postgresql":
        return _postgresql(statement, budget_ms)
    return _sqlite(statement, budget_ms)


def _postgresql(statement: Executable, budget_ms: int) -> Any | None:
    # The timeout in force (the server's, the role's or the session's; milliseconds, 0 = none): the budget
    # never loosens a stricter one, and it is put back after the statement.
    previous = int(db.session.execute(text("SELECT setting FROM pg_settings WHERE name = 'statement_timeout'"))
                   .scalar_one())
    budget = min(int(budget_ms), previous) if previous else int(budget_ms)
    try:
        with db.session.begin_nested():  # a cancelled statement rolls back to here, not the whole request
            db.session.execute(text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": f"{budget}ms"})
            row = db.session.execute(statement).first()
            # A SET LOCAL made in a savepoint that is released lasts to the transaction's end: put the
            # value back before releasing (a rollback to the savepoint undoes it by itself).
            db.session.execute(text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": f"{previous}ms"})
    except OperationalError as error:
        # query_canceled (psycopg 3's `sqlstate`, psycopg2's `pgcode`): the budget ran out. Any other
        # error (a lock timeout, the server going away) is raised.
        if (getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)) == "57014":
            return None
        raise
    return row


def _sqlite(statement: Executable, budget_ms: int) -> Any | None:
    raw = db.session.connection().connection.dbapi_connection
    deadline = time.monotonic() + budget_ms / 1000
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), _SQLITE_STEPS)
    try:
        return db.session.execute(statement).first()
    except OperationalError as error:
        if "interrupted" in str(error.orig):
            return None
        raise
    finally:
        raw.set_progress_handler(None, 0)
