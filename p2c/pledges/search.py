"""The review queue's text search on pledges through the trigram index (see p2c.core.search)."""

from __future__ import annotations

from sqlalchemy import Select, select

from p2c.core import search
from p2c.pledges.models import Pledge


def matching_pledges(text: str, *, reference: bool = True) -> Select | None:
    """Ids of the pledges whose title (and, with `reference`, reference) contains `text`, case
    folded, from the trigram index; None for fewer than 3 characters (the caller keeps its LIKE).
    On PostgreSQL the LIKE of before in a subquery of its own, which the pg_trgm GIN indexes answer
    (beside other conditions it was evaluated row by row)."""
    if not search.indexed(text):
        return None
    if search.uses_fts():
        return search.fts_ids("pledge_search", text, None if reference else "title")
    condition = search.contains(Pledge.title, text)
    if reference:
        condition = condition | search.contains(Pledge.reference, text)
    return select(Pledge.id).where(condition)
