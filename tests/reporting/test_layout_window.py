"""Between a deploy that adds rollup dimensions and the worker's rebuild, the forecast and the timeline read
the tables: partial rows (only the pledges re-counted since) must never be shown as the coalition's totals."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select, update

from p2c.extensions import db
from p2c.reporting.contributions import NOT_FIGURES
from p2c.reporting.forecast import forecasts, trajectories
from p2c.reporting.layout import LAYOUT, layout_current
from p2c.reporting.projection import decode, encode, rebuild
from p2c.reporting.queries import monthly_pledged
from p2c.rollups.models import Rollup, RollupPledge, RollupState

CODES = ["people_connected"]


def _as_previous_layout() -> None:
    """The rollups of a database upgraded from the layout before: no forecast or timeline rows."""
    db.session.execute(delete(Rollup).where(Rollup.dimension.in_(NOT_FIGURES)))
    for pid, text in db.session.execute(select(RollupPledge.pledge_id, RollupPledge.contribution)).all():
        lead, usd, entries = decode(text)
        db.session.execute(update(RollupPledge).where(RollupPledge.pledge_id == pid).values(
            contribution=encode(lead, usd, [e for e in entries if e[0] not in NOT_FIGURES])))
    db.session.execute(update(RollupState).values(layout="2026-11-29-previous"))
    db.session.commit()


def test_forecast_and_timeline_read_the_tables_until_the_rebuild(builder):
    pledges = [builder.pledge(pledged_on=date(2024, month, 1)) for month in (1, 2, 3)]
    for i, pledge in enumerate(pledges):
        builder.progress_report(pledge, period=2023, achieved={"people_connected": 100 * (i + 1)})
    db.session.commit()
    assert layout_current() and db.session.scalar(select(RollupState.layout)) == LAYOUT
    _as_previous_layout()
    assert not layout_current()
    # One report approved after the deploy, before the rebuild: its pledge alone is re-counted in the rollups.
    builder.progress_report(pledges[0], period=2024, achieved={"people_connected": 150})
    db.session.commit()
    assert trajectories(CODES)["people_connected"] == [(2023, 100), (2024, 150)]  # the partial rows
    direct = trajectories(CODES, direct=True)["people_connected"]
    assert direct == [(2023, 600), (2024, 650)]
    shown = next(f for f in forecasts() if f["code"] == "people_connected")
    assert shown["trajectory"] == [{"period": 2023, "achieved": "600.00"}, {"period": 2024, "achieved": "650.00"}]
    assert [(d, round(v, 2)) for d, v in monthly_pledged()] == [
        (date(2024, 1, 1), 1_000_000.0), (date(2024, 2, 1), 2_000_000.0), (date(2024, 3, 1), 3_000_000.0)]
    rebuild()
    db.session.commit()
    assert layout_current()
    assert trajectories(CODES)["people_connected"] == direct
    assert monthly_pledged() == monthly_pledged(direct=True)
