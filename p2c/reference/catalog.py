"""The reference codes forms and schemas check against, read once per request as plain rows.

Used by the pledge form and schema (`p2c.pledges.rules`), the expression-of-interest form and the
pledge form's currency hints; reads only reference tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import g
from sqlalchemy import select

from p2c.extensions import db
from p2c.reference.models import (
    BeneficiaryGroup,
    Country,
    Currency,
    Event,
    ExchangeRate,
    FocusArea,
    GdcObjective,
    Indicator,
    Pillar,
    PledgeType,
    Sdg,
    SdgTarget,
    StakeholderGroup,
    WsisLine,
)


@dataclass(frozen=True)
class Area:
    """A focus area with its active pillars (plain data for forms and checks)."""

    code: str
    official_name: str
    name: str
    pillars: list = field(default_factory=list)


@dataclass
class Catalog:
    """Reference codes the rules check against, read once per request as plain rows (no ORM objects)."""

    countries: dict
    currencies: dict
    rated_currencies: set[str]
    focus_areas: dict[str, Area]
    pillars: dict
    pledge_types: dict
    stakeholder_groups: dict
    beneficiary_groups: dict
    sdgs: dict
    wsis_lines: dict
    indicators: dict
    events: dict
    sdg_targets: dict = field(default_factory=dict)
    gdc_objectives: dict = field(default_factory=dict)


def _rows(model, key: str, *order) -> dict:
    """{key: row} with every column of the table; rows read like the model (row.name, row.ldc ...)."""
    columns = [c for c in model.__table__.columns]
    rows = db.session.execute(select(*columns).order_by(*order)).all()
    return {getattr(row, key): row for row in rows}


def catalog() -> Catalog:
    """The reference data the pledge and EOI forms need (cached on `g` for the request)."""
    cached = g.get("_p2c_catalog")
    if cached is not None:
        return cached
    pillars = {code: row for code, row in _rows(Pillar, "code", Pillar.focus_area_code, Pillar.position).items()
               if row.active}
    areas = {
        code: Area(code=code, official_name=row.official_name, name=row.name,
                   pillars=[p for p in pillars.values() if p.focus_area_code == code])
        for code, row in _rows(FocusArea, "code", FocusArea.position).items()
    }
    result = Catalog(
        countries=_rows(Country, "iso3", Country.name),
        currencies=_rows(Currency, "code", Currency.code),
        rated_currencies=set(db.session.scalars(select(ExchangeRate.currency_code).distinct())) | {"USD"},
        focus_areas=areas,
        pillars=pillars,
        pledge_types=_rows(PledgeType, "code", PledgeType.position),
        stakeholder_groups=_rows(StakeholderGroup, "code", StakeholderGroup.position),
        beneficiary_groups=_rows(BeneficiaryGroup, "code", BeneficiaryGroup.position),
        sdgs=_rows(Sdg, "number", Sdg.number),
        wsis_lines=_rows(WsisLine, "code", WsisLine.position),
        indicators=_rows(Indicator, "code", Indicator.position),
        events=_rows(Event, "code", Event.position),
        sdg_targets=_rows(SdgTarget, "code", SdgTarget.position),
        gdc_objectives=_rows(GdcObjective, "code", GdcObjective.position),
    )
    g._p2c_catalog = result
    return result


def current_rates(on: date) -> dict[str, str]:
    """USD per unit of every currency with a rate, for the year of `on` (same choice as
    `p2c.reference.queries.usd_rate`: that year, else the nearest earlier, else the earliest), in one query."""
    by_currency: dict[str, list[tuple[int, Decimal]]] = {}
    for code, year, rate in db.session.execute(
        select(ExchangeRate.currency_code, ExchangeRate.year, ExchangeRate.usd_per_unit)
    ):
        by_currency.setdefault(code, []).append((year, rate))
    rates = {"USD": "1"}
    for code, rows in by_currency.items():
        earlier = [r for r in rows if r[0] <= on.year]
        chosen = max(earlier) if earlier else min(rows)
        rates[code] = str(Decimal(chosen[1]).normalize())
    rates["USD"] = "1"
    return rates
