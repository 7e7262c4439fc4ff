"""Reads for the home page."""

from __future__ import annotations

from sqlalchemy import func, select

from p2c.core.enums import ReviewStatus
from p2c.extensions import cache, db
from p2c.pledges.models import Pledge


def home_stats() -> dict:
    """Approved pledges and their USD value (cached briefly; the progress page has the exact figures)."""
    cached = cache.get("home_stats")
    if cached is not None:
        return cached
    row = db.session.execute(
        select(func.count(Pledge.id), func.coalesce(func.sum(Pledge.usd_value), 0)).where(
            Pledge.status == ReviewStatus.APPROVED
        )
    ).one()
    stats = {"pledges": row[0], "usd_value": row[1]}
    cache.set("home_stats", stats, ttl=30)
    return stats
