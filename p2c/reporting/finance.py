"""The financial commitments figures of the progress page, the API and published reports: pledged
versus disbursed, overall and rolled up, from the same raw aggregates as every other figure (the
rollups, or the direct computation as of a date), so they cost a few hundred rows.

Every figure is labelled: `pledged_usd` (approved pledges' USD value), `disbursed_usd` (the USD value
of the entries of their approved progress reports). They are never added together. Destinations:
pledged where it was meant to go (the countries and regions a pledge targets; a multi-country pledge
counts in full in each, so those rows do not add up), disbursed where it went (each entry's recipient).
"""

from __future__ import annotations

import heapq
from decimal import Decimal

from sqlalchemy import select

from p2c.core.numbers import money
from p2c.extensions import db
from p2c.members.models import Organization
from p2c.reporting.contributions import DISBURSING_ORGANIZATION, NONE_KEY

# The largest lead organizations by USD disbursed that the figures list.
TOP_ORGANIZATIONS = 50
ADDITIVE = (("focus_area", "focus_area"), ("pledge_type", "type"), ("stakeholder", "stakeholder"),
            ("lead_region", "lead_region"))


def _ratio(part: int, whole: int) -> str | None:
    if not whole:
        return None
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")))


def _row(key: str, name: str, pledges: int, pledged: int | None, disbursed: int) -> dict:
    return {"key": key, "name": name, "pledges": pledges,
            "pledged_usd": money(pledged) if pledged is not None else None, "disbursed_usd": money(disbursed),
            "share": _ratio(disbursed, pledged) if pledged is not None else None}


def _paired(pledged: dict, disbursed: dict, order=None) -> list[dict]:
    """Rows over the keys of both: pledged (usd cents) of one dimension, disbursed (amount cents) of another."""
    keys = set(pledged) | set(disbursed)
    rows = [_row(k, k, pledged.get(k, [0, 0, 0])[0], pledged.get(k, [0, 0, 0])[1], disbursed.get(k, [0, 0, 0])[2])
            for k in keys]
    rows.sort(key=order or (lambda r: (-Decimal(r["disbursed_usd"]), -Decimal(r["pledged_usd"]), r["key"])))
    return rows


def _organizations(rows: dict) -> list[dict]:
    # The first 50 of one row per disbursing organization: from the rollups only those 50 come
    # (p2c.reporting.queries._top_disbursing, in the same order); computed from the tables, all of them
    # (tens of thousands at 100k pledges): a heap, not a full sort, the same rows as sorted()[:50].
    top = heapq.nsmallest(TOP_ORGANIZATIONS, rows.items(), key=lambda kv: (-kv[1][2], int(kv[0])))
    ids = [int(k) for k, _v in top]
    names = dict(db.session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids)))
                 .all()) if ids else {}
    return [_row(k, names.get(int(k), k), n, u, a) for k, (n, u, a) in top]


def finance_figures(by_dim: dict, names: dict[str, dict[str, str]]) -> dict:
    """Pledged, disbursed and the share, overall and by dimension (see the module docstring)."""
    total_n, total_u, _ = by_dim.get("total", {}).get("", [0, 0, 0])
    reporting_n, reporting_u, disbursed = by_dim.get("ledger", {}).get("", [0, 0, 0])
    breakdowns = []
    for dimension, param in ADDITIVE:
        order = list(names.get(dimension, {}))
        named = names.get(dimension, {})
        rows = [_row(k, named.get(k, k), n, u, a) for k, (n, u, a) in by_dim.get(dimension, {}).items()]
        rows.sort(key=lambda r: (order.index(r["key"]) if r["key"] in order else len(order), r["key"]))
        breakdowns.append({"dimension": dimension, "filter": param, "additive": True, "rows": rows})
    breakdowns.append({"dimension": "country", "filter": "country", "additive": False,
                       "rows": _paired(by_dim.get("country", {}), by_dim.get("disb_country", {}))})
    breakdowns.append({"dimension": "region", "filter": "region", "additive": False,
                       "rows": _paired(by_dim.get("target_region", {}), by_dim.get("disb_region", {}),
                                       order=lambda r: (r["key"] in ("global", NONE_KEY), r["key"]))})
    breakdowns.append({"dimension": "year", "filter": None, "additive": True,
                       "rows": _paired(by_dim.get("pledged_year", {}), by_dim.get("disb_year", {}),
                                       order=lambda r: r["key"])})
    breakdowns.append({"dimension": "lead_organization", "filter": None, "additive": True,
                       "rows": _organizations(by_dim.get(DISBURSING_ORGANIZATION, {}))})
    return {
        "pledged_usd": money(total_u), "disbursed_usd": money(disbursed), "share": _ratio(disbursed, total_u),
        "pledges": total_n, "reporting_pledges": reporting_n, "reporting_pledged_usd": money(reporting_u),
        "reporting_share": _ratio(reporting_n, total_n),
        "breakdowns": breakdowns,
    }
