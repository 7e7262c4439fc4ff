"""The review queue's text search on pledges through the trigram index (see p2c.core.search)."""

from __future__ import annotations

import time

from sqlalchemy import CTE, Select, func, select

from p2c.core import search
from p2c.core.search import in_set
from p2c.extensions import db
from p2c.members.search import organizations_matching
from p2c.pledges.models import Pledge


def matching_pledges(text: str, *, reference: bool = True) -> Select | None:
    """Ids of the pledges whose title (and, with `reference`, reference) contains `text`, case
    folded, from SQLite's FTS5 trigram table; None for fewer than 3 characters and on PostgreSQL,
    where the caller keeps its LIKE on the row.

    Why not a set on PostgreSQL: `id IN (set) OR id IN (set)` cannot become a join there, so each
    part of the queue (kind x status, up to 35 in one statement) built the whole set again (16,275
    of 200,000 pledges for `school`; 12-14 s a page at 1M). A LIKE on the row lets the planner choose: the
    pg_trgm GIN index for a rare word, or the (status, submitted_at) index in order, testing each
    row and stopping at the page's LIMIT, for a common one (its estimate comes from the statistics
    of the lower(title) expression index)."""
    if not search.indexed(text) or not search.uses_fts():
        return None
    return search.fts_ids("pledge_search", text, None if reference else "title")


# From this many matching pledges a search is "common" (p2c.pledges.kinds.pledge_conditions): then a
# record is tested against its own pledge row by row, since a page stops after 50 matches. Below it,
# the matching pledges are few and read once, as an array the record's pledge_id index answers.
COMMON = 1_000


# A word's class is kept this long (seconds): an import can make a rare word common, and whether the
# queue counts it (p2c.review.queries.status_counts) follows within this time, not at a restart. A queue
# statement already built keeps the plan it was built with (p2c.review.queries._STATEMENTS, until that
# memo is cleared): a plan choice only, both shapes find the same records.
COMMON_TTL = 600

_COMMON: dict[str, tuple[bool, float]] = {}


def is_common(text: str) -> bool:
    """Whether at least COMMON pledges have `text` in their title or lead organization's name. One
    bounded read of the trigram indexes, stopped after COMMON matches (a few ms at 1M pledges): on
    SQLite the FTS5 tables, on PostgreSQL the pg_trgm indexes through the LIKE.

    Why ask, on PostgreSQL: the planner chooses between a set hashed once and a lookup per record
    from the row counts of the whole status, not the page's LIMIT, so it hashed the 16,275 pledges
    matching `school` at 200,000 (71 ms per part) to read a page of 51 reports; and a lookup per
    record would read every record of the status for a rare word. On both databases the review
    queue does not count a common word's matches per status with its page (1.4-1.7 s at 1M pledges
    on PostgreSQL, 0.4-0.7 s on SQLite: each status below the count cap is read whole). Remembered
    per text for COMMON_TTL seconds (a plan and display choice only: it changes no figure)."""
    now = time.monotonic()
    known = _COMMON.get(text)
    if known is not None and now - known[1] < COMMON_TTL:
        return known[0]
    leads = organizations_matching(text, acronym=False)
    ids = matching_pledges(text, reference=False)
    if ids is not None:  # SQLite: each FTS5 set read up to COMMON rowids, in rowid order
        by_lead = select(Pledge.id).where(Pledge.lead_organization_id.in_(leads))
        count = len(set(db.session.scalars(ids.limit(COMMON))) | set(db.session.scalars(by_lead.limit(COMMON))))
    else:
        matching = select(Pledge.id).where(search.contains(Pledge.title, text)
                                           | in_set(Pledge.lead_organization_id, leads)).limit(COMMON)
        count = db.session.execute(select(func.count()).select_from(matching.subquery())).scalar_one()
    if len(_COMMON) > 1000:
        _COMMON.clear()
    _COMMON[text] = (count >= COMMON, now)
    return count >= COMMON


_SETS: dict[str, CTE] = {}


def matching_set(text: str) -> CTE:
    """PostgreSQL: the pledges whose title or lead organization's name contains `text`, as one CTE
    object per text, so that every part of the queue's counts (a kind and status each, one
    statement) reads the same set, which PostgreSQL computes once (a CTE read more than once is
    materialized) instead of once per part or a lookup per record (5 us each: 598 ms for the
    123,000 approved reports read to find 10,000 matching `school` at 200,000 pledges)."""
    found = _SETS.get(text)
    if found is None:
        if len(_SETS) > 200:
            _SETS.clear()
        leads = organizations_matching(text, acronym=False)
        found = _SETS[text] = (select(Pledge.id).where(search.contains(Pledge.title, text)
                                                       | in_set(Pledge.lead_organization_id, leads))
                               .cte(f"search_pledges_{len(_SETS)}"))
    return found
