"""The review queue's text search on pledges through an index (FTS5 on SQLite, pg_trgm on PostgreSQL).

The search is a case-insensitive substring of a pledge's reference or title (`lower(x) LIKE
'%word%'`), which no B-tree index answers: counting the matches read every pledge of the status
(10-14 s at 1M). On SQLite the FTS5 table `pledge_search` (trigram tokenizer, external content on
pledge, kept by triggers: migration 0009_queue1m_region_search) gives the matching ids; on
PostgreSQL the same LIKE is answered by pg_trgm GIN indexes on lower(reference) and lower(title).
A trigram index needs 3 characters: shorter searches keep the LIKE of before.

The trigram tokenizer folds case for every letter (SQLite's lower() and LIKE only for ASCII), so
"ÉCOLE" finds "École" as on PostgreSQL; accents are kept ("ecole" does not find "École"), as before.
"""

from __future__ import annotations

from sqlalchemy import Select, column, func, literal_column, select, table

from p2c.extensions import db
from p2c.pledges.models import Pledge

MIN_LENGTH = 3  # a trigram index cannot answer fewer characters

_FTS = table("pledge_search", column("rowid"))


def matching_pledges(search: str, *, reference: bool = True) -> Select | None:
    """Ids of the pledges whose title (and, with `reference`, reference) contains `search` (case
    folded), read from the search index; None for fewer than 3 characters (the caller keeps its LIKE).

    The callers test `id IN (this)`, so that a count reads the (status, ...) index and probes the set,
    never a pledge row: on SQLite the FTS5 table gives the set, on PostgreSQL the same LIKE as before
    in a subquery of its own, which the pg_trgm GIN indexes answer (a LIKE beside other conditions
    was evaluated row by row)."""
    if len(search) < MIN_LENGTH:
        return None
    if db.session.get_bind().dialect.name != "sqlite":
        like = f"%{search.lower()}%"
        condition = func.lower(Pledge.title).like(like)
        if reference:
            condition = condition | func.lower(Pledge.reference).like(like)
        return select(Pledge.id).where(condition)
    phrase = '"' + search.replace('"', '""') + '"'  # one FTS5 string: every character literal
    query = phrase if reference else f"title : {phrase}"
    return select(_FTS.c.rowid).where(literal_column("pledge_search").op("MATCH")(query))


# Schema the migrations make outside the models: the FTS5 table and its shadow tables
# (pledge_search_data, _idx, _docsize, _config) and PostgreSQL's trigram expression indexes.
# Autogenerate and the migrations test leave them out (include_name).
UNMODELLED_INDEXES = ("ix_pledge_reference_trgm", "ix_pledge_title_trgm", "ix_pledge_amendment_reference_trgm",
                      "ix_progress_report_reference_trgm")


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's include_name: False for the search index's own schema objects."""
    if type_ == "table":
        return not (name or "").startswith("pledge_search")
    if type_ == "index":
        return name not in UNMODELLED_INDEXES
    return True
