"""Reads for the home page."""

from __future__ import annotations

from sqlalchemy import func, select

from p2c.extensions import cache, db
from p2c.pledges.models import Pledge
from p2c.pledges.visibility import public_clause


def home_stats() -> dict:
    """Approved pledges and their USD value, cached under the rollups' data version.

    Every approval bumps that version (p2c.reporting.projection), so every web node shows the new figures
    on its next request, whichever node the approval went through.
    """
    from p2c.rollups.queries import data_version

    key = "home_stats:{}.{}".format(*data_version(committed=True))
    cached = cache.get(key)
    if cached is not None:
        return cached
    row = db.session.execute(
        select(func.count(Pledge.id), func.coalesce(func.sum(Pledge.usd_value), 0)).where(
            public_clause()
        )
    ).one()
    stats = {"pledges": row[0], "usd_value": row[1]}
    cache.set(key, stats, ttl=3600)
    return stats
