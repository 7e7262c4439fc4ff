"""Fast bulk inserts: COPY on PostgreSQL, executemany elsewhere (demo data, benchmarks, the rollup rebuild)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Table, func, insert, select, text

from p2c.extensions import db

# For the raw sqlite3 path: store decimals as text (NUMERIC affinity keeps them exact enough, as
# SQLAlchemy does) and datetimes in SQLAlchemy's own format.
sqlite3.register_adapter(Decimal, str)
# isoformat gives the same text as strftime("%Y-%m-%d %H:%M:%S.%f"), three times faster (a 100k load has 1.3 M).
sqlite3.register_adapter(datetime, lambda value: value.isoformat(" ", "microseconds"))


def next_id(table: Table) -> int:
    """The next free integer primary key of a table."""
    return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1


def insert_rows(table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert many rows (tuples in `columns` order) in the current transaction."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        cols = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    if connection.dialect.name == "sqlite":
        # Raw executemany: SQLAlchemy's per-row parameter processing would cost more than the insert.
        raw = connection.connection.driver_connection
        cols = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        raw.executemany(f'INSERT INTO "{table.name}" ({cols}) VALUES ({marks})', rows)
        return
    connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


def reset_sequences(*tables: Table) -> None:
    """After inserting explicit ids on PostgreSQL, move each serial sequence past the largest id."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 1))"
        ))


def defer_foreign_key_checks() -> bool:
    """On PostgreSQL, skip per-row foreign-key trigger checks for the rest of this transaction.

    Bulk loads write rows whose references are consistent by construction; the checks would
    otherwise dominate the load time. Needs a role allowed to set session_replication_role
    (a superuser or the table owner with that privilege); without it, nothing changes and the
    load is just slower. Returns whether the checks are skipped.
    """
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return False
    savepoint = connection.begin_nested()
    try:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
    except Exception:  # noqa: BLE001 - permission denied: keep the checks
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def analyze_after_load() -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load, inside the loading transaction (ANALYZE
    counts the transaction's own new rows). Without them the tables look empty to the planner until
    autovacuum gets to them, and the rollup rebuild and the demo report that follow pick nested loops over
    millions of rows: at 1M demo pledges one query of the demo report ran for over 20 minutes before it
    was cancelled; ANALYZE took 30 s. SQLite keeps no statistics unless asked, and the queries' plans are
    written for that: nothing is done there."""
    if db.session.connection().dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))


def vacuum_after_load() -> None:
    """PostgreSQL: VACUUM (ANALYZE) once a bulk load is committed (outside any transaction, as VACUUM
    must run). ANALYZE alone leaves the visibility map unset until autovacuum comes: index-only counts
    (the review queue's tabs) then read the table's rows too, and the trigram indexes keep their pending
    entries; at 200,000 demo pledges the queue's figures were 2-5x slower until vacuumed (issue 19,
    README "Review queue at scale"). SQLite: nothing to do."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE)"))
