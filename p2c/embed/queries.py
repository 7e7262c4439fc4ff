"""Reads for the widgets: the same figures as the pages they come from, never a second computation.

The coalition counter reads `p2c.reporting.queries.progress_figures()` (cached on the data version),
the country counter the rollup row of the country page, the badge the public pledge page's record.
"""

from __future__ import annotations

from decimal import Decimal

from p2c.pledges import queries as pledge_queries
from p2c.pledges.models import Pledge
from p2c.reference.models import Country
from p2c.reporting import queries as reporting_queries


def coalition() -> dict:
    """Headline totals of approved pledges: {pledges, usd_value (Decimal, USD), organizations, countries, as_of}."""
    figures = reporting_queries.progress_figures()
    t = figures["totals"]
    return {"pledges": t["pledges"], "usd_value": Decimal(t["usd_value"]), "organizations": t["organizations"],
            "countries": t["countries"], "as_of": figures["as_of"]}


def country(iso3: str) -> tuple[Country, dict] | None:
    """(country, {pledges, usd_value}) for a country code (any case), or None when unknown."""
    record = reporting_queries.country(iso3)
    if record is None:
        return None
    return record, reporting_queries.country_summary(record.iso3)


def pledge(reference: str) -> Pledge | None:
    """An approved pledge by reference (any case), or None: a badge never shows anything unapproved."""
    return pledge_queries.public_pledge(reference)
