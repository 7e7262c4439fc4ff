"""Filtered progress figures (p2c.reporting.direct.raw_aggregates with the directory's filters) read the
matching pledge ids first and restrict the ledger and the latest reports to them: for every kind of
filter, on demo data with a ledger, they equal the sum of the matching pledges' own rollup contributions
(p2c.reporting.contributions, an independent per-pledge computation), in cents, and the same filters in
the directory's form (a correlated EXISTS) select the same pledges."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import func, select

from p2c.extensions import db
from p2c.members.models import Organization
from p2c.pledges.models import (
    Pledge,
    pledge_beneficiary,
    pledge_country,
    pledge_gdc,
    pledge_initiative,
    pledge_pillar,
    pledge_sdg,
    pledge_sdg_target,
    pledge_wsis,
)
from p2c.pledges.queries import conditions
from p2c.reporting.contributions import NOT_FIGURES
from p2c.reporting.direct import raw_aggregates
from p2c.reporting.projection import decode
from p2c.rollups.models import RollupPledge

TODAY = date(2026, 11, 30)


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["p2c", "demo-data", "--pledges", "300", "--seed", "7"])
    assert result.exit_code == 0, result.output


def _most_common(table, column: str):
    """The code most pledges have in a link table, as the column types it (an SDG is a number)."""
    return db.session.scalar(select(table.c[column]).group_by(table.c[column])
                             .order_by(func.count().desc(), table.c[column]).limit(1))


def _filters() -> list[dict]:
    links = {"country": (pledge_country, "country_iso3"), "pillar": (pledge_pillar, "pillar_code"),
             "beneficiary": (pledge_beneficiary, "beneficiary_code"), "sdg": (pledge_sdg, "sdg_number"),
             "wsis": (pledge_wsis, "wsis_code"), "initiative": (pledge_initiative, "initiative_code"),
             "sdg_target": (pledge_sdg_target, "sdg_target_code"), "gdc": (pledge_gdc, "gdc_code")}
    found = [{name: _most_common(table, column)} for name, (table, column) in links.items()
             if db.session.scalar(select(func.count()).select_from(table))]
    stakeholder = db.session.scalar(select(Organization.stakeholder_group_code).limit(1))
    return [*found, {"region": "AFR"}, {"region": "EUR"}, {"lead_region": "AFR"}, {"focus_area": "connect"},
            {"stakeholder": stakeholder}, {"group": "ldc"}, {"focus_area": "connect", "region": "ASP"},
            {"reporting": "inactive"}, {"reporting": "current"},
            {"country": "KEN", "pillar": _most_common(pledge_pillar, "pillar_code")}]


def _from_contributions(ids: set[int]) -> tuple[dict, int]:
    raw: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    leads = set()
    for pid, text in db.session.execute(select(RollupPledge.pledge_id, RollupPledge.contribution)):
        if pid not in ids:
            continue
        lead, _u, entries = decode(text)
        leads.add(lead)
        for d, k, u, a in entries:
            if d in NOT_FIGURES:
                continue
            row = raw[(d, k)]
            row[0] += 1
            row[1] += u
            row[2] += a
    return dict(raw), len(leads)


def test_filtered_figures_equal_the_matching_pledges_contributions(demo):
    checked = 0
    for filters in _filters():
        ids = set(db.session.scalars(select(Pledge.id).where(*conditions(filters, TODAY, every=True))))
        assert ids == set(db.session.scalars(select(Pledge.id).where(*conditions(filters, TODAY)))), filters
        raw, organizations = raw_aggregates(None, where=tuple(conditions(filters, TODAY, every=True)))
        expected, leads = _from_contributions(ids)
        assert ({k: v for k, v in raw.items() if v[0]}, organizations) == (expected, leads), filters
        checked += bool(ids) and any(d == "ledger" for d, _k in raw)
    assert checked >= 8  # most filters match pledges with ledger entries (a check that cannot pass empty)
