"""The open-data rows (`opendata_row`, rendered by `p2c.opendata.fragments`) read back in pledge-id order,
page by page, to write the full downloads (`p2c.opendata.snapshots`).

Apart from the rendering modules on purpose: `fragments.render_key` hashes their source, so a release
that changes how rows are written renders every row again (20 minutes at 1M pledges); one that changes
only how they are read must not.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import func, select

from p2c.extensions import db
from p2c.opendata.models import OpenDataRow


def sheet_size() -> tuple[int, int]:
    """(total bytes, number) of the stored XLSX sheet rows, before numbering (`xlsx_book.sheet_needs_zip64`).
    Lengths only: neither database decompresses a value for it (1.45 s at 1M on PostgreSQL here)."""
    total, count = db.session.execute(select(func.coalesce(func.sum(func.length(OpenDataRow.xlsx)), 0),
                                             func.count())).one()
    return int(total or 0), int(count or 0)


def iter_rows(columns: list[str], batch_size: int = 2000) -> Iterator[list[tuple]]:
    """The rows in pledge-id order (the files' order), `columns` of each, in batches (keyset on the key)."""
    cols = [OpenDataRow.pledge_id] + [getattr(OpenDataRow, c) for c in columns]
    connection, last = db.session.connection(), 0
    if connection.dialect.name == "postgresql":
        yield from _iter_rows_binary(connection, columns, batch_size)
        return
    while True:
        rows = connection.execute(select(*cols).where(OpenDataRow.pledge_id > last)
                                  .order_by(OpenDataRow.pledge_id).limit(batch_size)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _iter_rows_binary(connection, columns: list[str], batch_size: int, *,
                      prefetch: bool = True) -> Iterator[list[tuple]]:
    """`iter_rows` on PostgreSQL through a binary cursor: bytea comes as its bytes, not as hex text twice its
    size that the driver then decodes (40% of the time of writing the files from the rows at 20,000).

    The next page is read in a thread while the caller writes this one: reading is the server's work
    (detoasting, decompressing) and the socket's, neither holding the GIL, and at 1M it was 35-50 s of the 83
    s the files took when the two ran one after the other. One read at a time (the driver connection is not
    used by two threads at once), at most two pages in memory; closing the generator waits for the read in
    flight, so the connection is free again when it returns. `prefetch=False` reads one page after the
    other in the caller's thread (`benchmarks/open_data_files.py --read-ab` times both)."""
    names = ", ".join(["pledge_id", *[OpenDataRow.__table__.c[c].name for c in columns]])
    sql = f"SELECT {names} FROM opendata_row WHERE pledge_id > %s ORDER BY pledge_id LIMIT %s"  # noqa: S608 - column names from the table
    with connection.connection.driver_connection.cursor(binary=True) as cursor, \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="opendata-rows") as reader:
        def read(last: int) -> list[tuple]:
            return cursor.execute(sql, (last, batch_size)).fetchall()

        def ahead(last: int) -> Future:
            if prefetch:
                try:
                    return reader.submit(read, last)
                except RuntimeError:
                    # The interpreter is exiting (the worker's SIGTERM lets a running job finish, and
                    # concurrent.futures then takes no new work): the rest is read here, one page after the other.
                    pass
            done: Future = Future()
            done.set_result(read(last))
            return done

        pending = ahead(0)
        while rows := pending.result():
            pending = ahead(rows[-1][0])
            yield rows
