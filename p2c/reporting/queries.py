"""Reads for the progress page, the progress API, country pages and published reports.

`progress_figures()` reads the maintained rollups (a few thousand rows whatever the number of
pledges) and caches the result under the data version, so it is fast and never stale;
`progress_figures(as_of=day)` computes from the pledge tables directly (published reports).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select

from p2c.core.numbers import money
from p2c.extensions import cache, db
from p2c.pledges.filters import active_filters
from p2c.pledges.models import Pledge
from p2c.pledges.queries import conditions
from p2c.pledges.visibility import public_clause
from p2c.reference.models import Country
from p2c.reporting.contributions import DISBURSING_ORGANIZATION, NOT_FIGURES, PLEDGED_MONTH
from p2c.reporting.direct import raw_aggregates
from p2c.reporting.figures import assemble
from p2c.reporting.finance import TOP_ORGANIZATIONS
from p2c.reporting.forecast import forecasts
from p2c.reporting.layout import layout_current
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


def rollup_raw(*, every_organization: bool = False) -> tuple[dict[tuple[str, str], list[int]], int]:
    """The rollup rows as {(dimension, key): [pledges, usd_cents, amount_cents]}, and the organization count
    (the same as p2c.reporting.direct.raw_aggregates: without the 2030 forecast's and the timeline's rows),
    with only the `disb_org` rows the figures show (`_top_disbursing`), or all of them with
    `every_organization` (the tests that compare the rollups with the tables)."""
    left_out = (*NOT_FIGURES,) if every_organization else (*NOT_FIGURES, DISBURSING_ORGANIZATION)
    raw = {}
    for d, k, n, u, a in db.session.execute(
            select(Rollup.dimension, Rollup.key, Rollup.pledges, Rollup.usd_cents, Rollup.amount_cents)
            .where(Rollup.dimension.not_in(left_out))):
        raw[(d, k)] = [int(n), int(u), int(a)]
    if not every_organization:
        raw.update(_top_disbursing())
    return raw, organization_count()


def _top_disbursing() -> dict[tuple[str, str], list[int]]:
    """The `disb_org` rows the figures show: the TOP_ORGANIZATIONS lead organizations with the most USD
    disbursed (amount_cents), ties by organization id, as p2c.reporting.finance picks them from all.

    Read in that order from ix_rollup_dimension_amount and cut there: there is one row per disbursing
    organization (about 380,000 at 1M pledges), and reading them all made the first read after each
    approval take 3.9-5.5 s. Ids are decimal strings without leading zeros, so (length, text) is their
    numeric order. Rows counting no pledge (left by a withdrawal) are not figures, as in `assemble`.
    """
    rows = db.session.execute(
        select(Rollup.key, Rollup.pledges, Rollup.usd_cents, Rollup.amount_cents)
        .where(Rollup.dimension == DISBURSING_ORGANIZATION, Rollup.pledges > 0)
        .order_by(Rollup.amount_cents.desc(), func.length(Rollup.key), Rollup.key)
        .limit(TOP_ORGANIZATIONS))
    return {(DISBURSING_ORGANIZATION, k): [int(n), int(u), int(a)] for k, n, u, a in rows}


def progress_figures(as_of: date | None = None, *, today: date | None = None) -> dict:
    """The published figures (plain JSON data; see p2c.reporting.figures.assemble), with the 2030
    `forecast` of each indicator with a gap (p2c.reporting.forecast.forecasts).

    Without `as_of`: from the rollups, as of now (cached on the data version, never stale).
    With `as_of`: computed from the pledge tables for pledges approved on or before that day,
    with reporting statuses as of that day (slow at a million pledges; for published reports).
    """
    if as_of is not None:
        cutoff = datetime.combine(as_of, time.max)
        raw, organizations = raw_aggregates(cutoff)
        return {**assemble(raw, organizations, as_of, cutoff, "direct"), "forecast": forecasts(cutoff)}
    today = today or _now().date()
    token = state_token(today)
    key = f"progress-figures-v3:{token}"  # v2: achieved figures split by level; v3: goal units
    figures = cache.get(key)
    if figures is None:
        raw, organizations = rollup_raw()
        figures = assemble(raw, organizations, today, _now(), "rollups")
        # From the rollups too (a few rows); any approved report bumps the data version, so never stale.
        figures["forecast"] = forecasts()
        cache.set(key, figures, ttl=24 * 3600)
    return figures


def filtered_figures(filters: dict, *, today: date | None = None) -> dict:
    """The same figures for the approved pledges matching the directory's filters (p2c.pledges.filters),
    computed from the pledge tables (p2c.reporting.direct) and cached under the data version and the
    filters. Without any filter: `progress_figures()`. No 2030 forecast for a narrowed set (`forecast`
    is empty): the forecast is the coalition's."""
    active = active_filters(filters)
    if not active:
        return {**progress_figures(today=today), "filters": {}}
    today = today or _now().date()
    key = f"progress-filtered:{state_token(today)}:{json.dumps(active, sort_keys=True, default=str)}"
    figures = cache.get(key)
    if figures is None:
        raw, organizations = raw_aggregates(None, where=tuple(conditions(active, today, every=True)))
        figures = {**assemble(raw, organizations, today, _now(), "direct"), "forecast": [], "filters": active}
        cache.set(key, figures, ttl=3600)
    return figures


def country(iso3: str) -> Country | None:
    """A country by ISO3 code (case-insensitive), or None."""
    return db.session.get(Country, iso3.upper()) if len(iso3) == 3 and iso3.isalpha() else None


def country_summary(iso3: str) -> dict:
    """Approved pledges targeting a country and their USD value (from the rollups)."""
    row = db.session.execute(select(Rollup.pledges, Rollup.usd_cents).where(
        Rollup.dimension == "country", Rollup.key == iso3)).first()
    return {"pledges": int(row[0]) if row else 0, "usd_value": money(int(row[1]) if row else 0)}


def monthly_pledged(*, direct: bool = False) -> list[tuple[date, float]]:
    """[(first day of month, cumulative USD value pledged up to the end of that month)] over approved
    pledges by pledge date, every month from the first pledge to the last (no gaps); [] without any.
    From the rollups (dimension `pledged_month`: one row per month, exact cents), so an approval costs
    the timeline nothing (a GROUP BY over every pledge took about 1 s at 100k pledges); from the tables
    with `direct` (the daily check) or while the rollups are not yet in this release's layout
    (p2c.reporting.layout.layout_current)."""
    by_month: dict[tuple[int, int], float] = {}
    if direct or not layout_current():
        year, month = func.extract("year", Pledge.pledged_on), func.extract("month", Pledge.pledged_on)
        for y, m, usd in db.session.execute(
                select(year, month, func.coalesce(func.sum(Pledge.usd_value), 0))
                .where(public_clause(), Pledge.pledged_on.is_not(None)).group_by(year, month)):
            by_month[(int(y), int(m))] = float(usd)
    else:
        for key, usd_cents in db.session.execute(
                select(Rollup.key, Rollup.usd_cents).where(Rollup.dimension == PLEDGED_MONTH)):
            y, m = key.split("-")
            by_month[(int(y), int(m))] = int(usd_cents) / 100
    if not by_month:
        return []
    (y, m), last = min(by_month), max(by_month)
    points, total = [], 0.0
    while (y, m) <= last:
        total += by_month.get((y, m), 0.0)
        points.append((date(y, m, 1), total))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return points


def pledging_events() -> list[tuple[date, str, dict[str, str]]]:
    """(start date, English name, the team's translations {"fr": ...}) of the pledging events that have
    a date, oldest first."""
    from p2c.reference.models import Event

    return [(d, n, t or {}) for d, n, t in db.session.execute(
        select(Event.starts_on, Event.name, Event.name_translations).where(Event.starts_on.is_not(None))
        .order_by(Event.starts_on))]
