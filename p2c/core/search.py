"""Substring search through trigram indexes: the review queue's search at 1M records.

A case-insensitive substring (`lower(x) LIKE '%word%'`) is answered by no B-tree index: the queue's
search read every record of the status (10-14 s at 1M pledges). Migration 0009_queue1m_region_search
adds trigram indexes: on SQLite FTS5 tables with the trigram tokenizer (SQLite 3.34+), external
content on the indexed table and kept by triggers (`pledge_search`: reference, title;
`organization_search`: name, acronym); on PostgreSQL pg_trgm GIN indexes on lower(column), which
answer the LIKE itself. Callers test `id IN (matching ids)`, so that a count reads an index and
probes the set. A trigram index needs 3 characters: shorter searches keep the LIKE of before.

The trigram tokenizer folds case for every letter (SQLite's own lower() and LIKE only for ASCII), so
"ÉCOLE" finds "École" as on PostgreSQL; accents are kept ("ecole" does not find "École"), as before.

Every search is a literal substring, whatever path answers it: `contains` escapes LIKE's wildcards
(`%`, `_`) and its escape character (an explicit `/`), so "50%" or "e_learning" find only those
characters, as the FTS5 phrase (every character literal) does; a LIKE built by hand would take them
as wildcards, and `\\` would be an escape on PostgreSQL (its default) but a plain character on SQLite.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, any_, column, func, literal_column, or_, select, table

from p2c.extensions import db

MIN_LENGTH = 3  # a trigram index cannot answer fewer characters
ESCAPE = "/"  # LIKE's escape in `contains`: not PostgreSQL's default `\\`, which SQLite lacks

# Schema the migrations make outside the models: the FTS5 tables and their shadow tables
# (<name>_data, _idx, _docsize, _config) and PostgreSQL's trigram expression indexes. Autogenerate
# and the migrations test leave them out (include_name).
FTS_TABLES = ("pledge_search", "organization_search")
TRIGRAM_INDEXES = ("ix_pledge_reference_trgm", "ix_pledge_title_trgm", "ix_pledge_amendment_reference_trgm",
                   "ix_progress_report_reference_trgm", "ix_organization_name_trgm", "ix_organization_acronym_trgm",
                   "ix_expression_of_interest_reference_trgm")  # the last: migration 0010_pgqueue_queue_indexes


def indexed(search: str) -> bool:
    """Whether `search` can be answered from a trigram index (3 characters or more)."""
    return len(search) >= MIN_LENGTH


def contains(expression: ColumnElement, text: str) -> ColumnElement[bool]:
    """`lower(expression) LIKE lower('%' + escaped text + '%') ESCAPE '/'`: the text column (or SQL
    expression) contains `text` as typed, `%`, `_`, `\\` and `/` literal, case folded by the database
    on both sides as above (so "École" finds "École" on SQLite too, where Python's lower() would not).

    PostgreSQL folds the pattern to a constant, which its pg_trgm GIN indexes on lower(column) answer
    (checked with EXPLAIN, also for a generic plan).
    """
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    condition = func.lower(expression).like(func.lower(f"%{escaped}%"), escape=ESCAPE)
    folded = escaped.lower()
    if folded != _ascii_lower(escaped) and db.session.get_bind().dialect.name == "sqlite":
        # SQLite's lower() folds A-Z only: "NUMÉRIQUE" would become "numÉrique" and miss "numérique".
        # Python's lower() of the typed text too (what the searches did before), so a capital typed
        # for a small letter stored is found as on PostgreSQL; the first form keeps "ÉCOLE" for "École".
        condition = or_(condition, func.lower(expression).like(f"%{folded}%", escape=ESCAPE))
    return condition


def _ascii_lower(text: str) -> str:
    """What SQLite's lower() makes of `text`: A-Z folded, every other character as it is."""
    return text.translate(_ASCII_FOLD)


_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def uses_fts() -> bool:
    """SQLite reads the FTS5 tables; PostgreSQL's trigram indexes answer LIKE itself."""
    return db.session.get_bind().dialect.name == "sqlite"


def fts_ids(fts_table: str, search: str, only_column: str | None = None) -> Select:
    """Rowids (the indexed table's ids) whose columns (or `only_column`) contain `search`."""
    phrase = '"' + search.replace('"', '""') + '"'  # one FTS5 string: every character literal
    query = f"{only_column} : {phrase}" if only_column else phrase
    fts = table(fts_table, column("rowid"))
    return select(fts.c.rowid).where(literal_column(fts_table).op("MATCH")(query))


def in_set(column_: ColumnElement, ids: Select) -> ColumnElement:
    """`column_ IN (ids)`; on PostgreSQL `column_ = ANY(ARRAY(ids))`.

    A search ORs the record's own LIKEs with its organization among the matching ones. With IN the
    organization arm is a subplan, which no index answers, so the planner could not read the
    record's trigram index either (it scanned every record of the status); ANY of an array computed
    once (an InitPlan) is an index condition on `column_`, so a rare word is a BitmapOr of the
    trigram and B-tree indexes, and a common one is still tested row by row against the array."""
    if uses_fts():
        return column_.in_(ids)
    return column_ == any_(func.array(ids.scalar_subquery()))


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's include_name: False for the search indexes' own schema objects."""
    if type_ == "table":
        return not (name or "").startswith(FTS_TABLES)
    if type_ == "index":
        return name not in TRIGRAM_INDEXES
    return True
