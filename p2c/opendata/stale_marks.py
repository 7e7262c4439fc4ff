"""The stale marks (`OpenDataStale`) as the row writer (`p2c.opendata.fragments.refresh_rows`) reads and
removes them: a bounded page at a time, so an import of a million pledges (a million marks) is taken in
constant memory, and each page's marks removed by one statement that leaves a mark rewritten since it was
read (a new `mark` value) in place."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, func, select, tuple_

from p2c.extensions import db
from p2c.opendata.models import OpenDataStale
from p2c.opendata.records import is_approved
from p2c.pledges.models import Pledge
from p2c.pledges.visibility import announced_by, now

Mark = tuple[int, int]  # (pledge_id, mark)

# The pairs are rendered into the statement as integer literals (`literal_execute`), not bound: a page of
# a thousand pairs would otherwise bind two thousand variables, over the 999 of an SQLite built before 3.32.
# The page's id range too: SQLite answers a tuple IN by scanning the whole table (1M marks after an import:
# 0.1-0.3 s a page) and the range by its primary key (0.01-0.03 s).
_REMOVE = delete(OpenDataStale).where(
    OpenDataStale.pledge_id >= bindparam("first"), OpenDataStale.pledge_id <= bindparam("last"),
    tuple_(OpenDataStale.pledge_id, OpenDataStale.mark).in_(bindparam("pairs", expanding=True, literal_execute=True)))


def read_marks(after: int, upto: int | None, limit: int) -> list[Mark]:
    """The first `limit` marks of the pledges in (after, upto] (no upper bound when `upto` is None), in
    pledge-id order (a keyset page on the primary key)."""
    stmt = select(OpenDataStale.pledge_id, OpenDataStale.mark).where(OpenDataStale.pledge_id > after)
    if upto is not None:
        stmt = stmt.where(OpenDataStale.pledge_id <= upto)
    rows = db.session.execute(stmt.order_by(OpenDataStale.pledge_id).limit(limit)).all()
    return [(pledge_id, mark) for pledge_id, mark in rows]


def remove_marks(marks: list[Mark]) -> None:
    """Delete these (pledge_id, mark) pairs, in one statement: a pledge marked again since (a new value)
    keeps its mark, so the next run renders it."""
    if marks:
        ids = [pledge_id for pledge_id, _mark in marks]
        db.session.execute(_REMOVE, {"pairs": marks, "first": min(ids), "last": max(ids)})


def public_top(after: int, count: int) -> int | None:
    """The id of the `count`-th public pledge above `after` (of the last one when there are fewer), None
    when there is none: where a range of the full render ends. Read only to choose the range: what is
    rendered is what the range's pledge read finds."""
    ids = (select(Pledge.id).where(is_approved(Pledge.status), announced_by(now()), Pledge.id > after)
           .order_by(Pledge.id).limit(count).subquery())
    return db.session.scalar(select(func.max(ids.c.id)))
