"""Open-data rows on PostgreSQL: lz4 compression, kept in the row (`STORAGE MAIN`).

The writer reads every row of `opendata_row` to write the files (issue 19: within 3x of `COPY`). With
PostgreSQL's defaults each bytea value was pglz-compressed and most were moved out of line into the TOAST
table (average sizes 0.7, 1.5, 2.1 and 2.4 KB): reading the 816,342 rows of the 1M demo data took 42-49 s.
A copy with lz4 and `STORAGE MAIN` (compressed, kept in the heap row unless the row cannot fit a page) read
in 16-23 s (README, "Issue 19: the queue's counts at 1M, and open data on PostgreSQL at 1M").

Only the metadata changes (no table rewrite): values written from now on use them; rows written before keep
pglz and their place until rendered again. lz4 only where the server was built with it (Debian's is;
`default_toast_compression` lists it), and PostgreSQL 14 or newer; SQLite has nothing of the kind.

Revision ID: 0011_odrows_lz4_main
Revises: 0010_pgqueue_queue_indexes
Create Date: 2026-12-01 02:20:00
"""
from alembic import op
from sqlalchemy import text

revision = '0011_odrows_lz4_main'
down_revision = '0010_pgqueue_queue_indexes'
branch_labels = None
depends_on = None

COLUMNS = ("csv", "json", "xlsx", "iati")


def _has_lz4(bind) -> bool:
    if bind.execute(text("SELECT current_setting('server_version_num')::int")).scalar() < 140000:
        return False
    return bool(bind.execute(text(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")).scalar())


def _alter(storage: str, compression: str | None) -> None:
    clauses = [f"ALTER COLUMN {c} SET STORAGE {storage}" for c in COLUMNS]
    if compression:
        clauses += [f"ALTER COLUMN {c} SET COMPRESSION {compression}" for c in COLUMNS]
    op.execute("ALTER TABLE opendata_row " + ", ".join(clauses))


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _alter("MAIN", "lz4" if _has_lz4(bind) else None)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # EXTENDED is bytea's default; DEFAULT compression follows default_toast_compression (pglz unless set).
    _alter("EXTENDED", "DEFAULT" if _has_lz4(bind) else None)
