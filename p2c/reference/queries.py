"""Reads of reference data: lookups, choices for forms, currency conversion."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import has_request_context, request
from sqlalchemy import select

from p2c.extensions import db
from p2c.reference.models import ExchangeRate


def usd_rate(currency: str, on: date) -> tuple[Decimal, int] | None:
    """USD per unit of `currency` for the year of `on`: that year's average, else the nearest earlier
    year, else the earliest later one. Returns (rate, year used) or None when the currency has no rate."""
    if currency == "USD":
        return Decimal(1), on.year
    rows = db.session.execute(
        select(ExchangeRate.year, ExchangeRate.usd_per_unit).where(ExchangeRate.currency_code == currency)
    ).all()
    if not rows:
        return None
    earlier = [r for r in rows if r.year <= on.year]
    chosen = max(earlier, key=lambda r: r.year) if earlier else min(rows, key=lambda r: r.year)
    return Decimal(chosen.usd_per_unit), chosen.year


def to_usd(amount: Decimal, rate: Decimal) -> Decimal:
    """Convert with the given rate, rounded to cents."""
    return (Decimal(amount) * Decimal(rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def name_translations(model: type) -> dict[str, dict[str, str]]:
    """{code: the team's translations of its name ({"fr": "..."})} of a reference table with
    `name_translations` (Event, SdgTarget, GdcObjective), read once per request (breakdown rows and
    filter options look names up by code)."""
    # On the request, not on `g`: an app context (and its `g`) can outlive many requests.
    cache: dict = {}
    if has_request_context():
        cache = request.environ.setdefault("p2c.name_translations", {})
    if model not in cache:
        cache[model] = {code: t or {} for code, t in db.session.execute(select(model.code, model.name_translations))}
    return cache[model]
