"""Reads for the progress page, the progress API, country pages and published reports.

`progress_figures()` reads the maintained rollups (a few thousand rows whatever the number of
pledges) and caches the result under the data version, so it is fast and never stale;
`progress_figures(as_of=day)` computes from the pledge tables directly (published reports).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from p2c.core.numbers import money
from p2c.extensions import cache, db
from p2c.reference.models import Country
from p2c.reporting.direct import raw_aggregates
from p2c.reporting.figures import assemble
from p2c.rollups.models import Rollup
from p2c.rollups.queries import data_version, organization_count


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def state_token(today: date | None = None, *, committed: bool = False) -> str:
    """A string that changes whenever the figures may change: the rollup data version (bumped by every
    rollup write and every goal change, see p2c.reporting.projection) and the day (reporting statuses and
    the recent pace move with the calendar). One primary-key read."""
    today = today or _now().date()
    epoch, version = data_version(committed=committed)
    return f"{epoch}.{version}.{today.isoformat()}"


def rollup_raw() -> tuple[dict[tuple[str, str], list[int]], int]:
    """The rollup rows as {(dimension, key): [pledges, usd_cents, amount_cents]}, and the organization count."""
    raw = {}
    for d, k, n, u, a in db.session.execute(
            select(Rollup.dimension, Rollup.key, Rollup.pledges, Rollup.usd_cents, Rollup.amount_cents)):
        raw[(d, k)] = [int(n), int(u), int(a)]
    return raw, organization_count()


def progress_figures(as_of: date | None = None, *, today: date | None = None) -> dict:
    """The published figures (plain JSON data; see p2c.reporting.figures.assemble).

    Without `as_of`: from the rollups, as of now (cached on the data version, never stale).
    With `as_of`: computed from the pledge tables for pledges approved on or before that day,
    with reporting statuses as of that day (slow at a million pledges; for published reports).
    """
    if as_of is not None:
        raw, organizations = raw_aggregates(datetime.combine(as_of, time.max))
        return assemble(raw, organizations, as_of, datetime.combine(as_of, time.max), "direct")
    today = today or _now().date()
    token = state_token(today)
    key = f"progress-figures:{token}"
    figures = cache.get(key)
    if figures is None:
        raw, organizations = rollup_raw()
        figures = assemble(raw, organizations, today, _now(), "rollups")
        cache.set(key, figures, ttl=24 * 3600)
    return figures


def country(iso3: str) -> Country | None:
    """A country by ISO3 code (case-insensitive), or None."""
    return db.session.get(Country, iso3.upper()) if len(iso3) == 3 and iso3.isalpha() else None


def country_summary(iso3: str) -> dict:
    """Approved pledges targeting a country and their USD value (from the rollups)."""
    row = db.session.execute(select(Rollup.pledges, Rollup.usd_cents).where(
        Rollup.dimension == "country", Rollup.key == iso3)).first()
    return {"pledges": int(row[0]) if row else 0, "usd_value": money(int(row[1]) if row else 0)}
