"""Organizations whose name (or acronym) contains a search: the review queue's search (pledges,
amendments, reports and EOIs match their organization's name), through the trigram index on 3
characters or more (p2c.core.search): about 480,000 organizations at 1M demo pledges."""

from __future__ import annotations

from sqlalchemy import Select, select

from p2c.core import search
from p2c.members.models import Organization


def organizations_matching(text: str, *, acronym: bool = True) -> Select:
    """Ids of organizations whose name (or, with `acronym`, acronym) contains `text`, case folded."""
    if search.indexed(text) and search.uses_fts():
        return search.fts_ids("organization_search", text, None if acronym else "name")
    # PostgreSQL: answered by the pg_trgm indexes on lower(name), lower(acronym)
    condition = search.contains(Organization.name, text)
    if acronym:
        condition = condition | search.contains(Organization.acronym, text)
    return select(Organization.id).where(condition)
