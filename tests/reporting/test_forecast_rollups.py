"""The 2030 forecast's yearly totals read from the rollups (dimensions `trajectory` and `last_period`) are
exactly those computed from the tables (p2c.reporting.forecast, `direct=True`), as is the timeline (USD pledged
by month, dimension `pledged_month`), on demo data and after each kind of change that moves them, and the
forecast moves on the very next read after a report approval."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.implementation.models import ProgressReport
from p2c.pledges.models import Pledge
from p2c.pledges.visibility import public_clause
from p2c.reference.models import Indicator
from p2c.reporting.forecast import trajectories
from p2c.reporting.projection import rebuild
from p2c.reporting.queries import monthly_pledged, progress_figures
from p2c.rollups.models import Rollup


def _codes() -> list[str]:
    return list(db.session.scalars(select(Indicator.code).where(Indicator.gap_value.is_not(None))
                                   .order_by(Indicator.position)))


def _monthly_from_tables() -> dict[tuple[int, int], Decimal]:
    """USD pledged per month of the pledge date by the approved pledges, from the pledge table."""
    out: dict[tuple[int, int], Decimal] = {}
    for pledged_on, usd in db.session.execute(select(Pledge.pledged_on, Pledge.usd_value).where(
            public_clause(), Pledge.pledged_on.is_not(None))):
        key = (pledged_on.year, pledged_on.month)
        out[key] = out.get(key, Decimal(0)) + Decimal(usd or 0)
    return out


def _same_as_direct() -> dict[str, list[tuple[int, Decimal]]]:
    codes = _codes()
    rolled = trajectories(codes)
    assert rolled == trajectories(codes, direct=True)
    # The timeline's months (rollup dimension pledged_month) too: each month's step of the cumulative line.
    points = monthly_pledged()
    steps = {(d.year, d.month): Decimal(str(round(v - (points[i - 1][1] if i else 0), 2)))
             for i, (d, v) in enumerate(points)}
    assert {k: v for k, v in steps.items() if v} == {k: v for k, v in _monthly_from_tables().items() if v}
    return rolled


def _decide(client, kind, record):
    response = client.post(f"/review/{kind}/{record.id}/decide",
                           data={"action": "approve", "message": "", "version": record.version})
    assert response.status_code == 302
    db.session.expire_all()  # the request committed in its own session: reload what this one holds


def _people(figures) -> dict[int, str]:
    entry = next(f for f in figures["forecast"] if f["code"] == "people_connected")
    return {p["period"]: p["achieved"] for p in entry["trajectory"]}


def test_rollup_trajectories_equal_the_tables_on_demo_data(app, client, login, builder):
    result = app.test_cli_runner().invoke(args=["p2c", "demo-data", "--pledges", "300", "--seed", "11"])
    assert result.exit_code == 0, result.output
    start = _same_as_direct()
    # The demo set reports over several years for several indicators (a check that cannot pass empty).
    assert sum(len(s) >= 3 for s in start.values()) >= 2
    assert db.session.scalar(select(Rollup.pledges).where(Rollup.dimension == "last_period",
                                                          Rollup.key == str(start["people_connected"][-1][0])))
    last = start["people_connected"][-1][0]

    # A pledge approved through the review queue, then a progress report approved through it.
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED, targets=[("people_connected", 1000, 2030)])
    db.session.commit()
    login("reviewer")
    _decide(client, "pledge", db.session.get(Pledge, pledge.id))
    assert _same_as_direct() == start  # approved without reports: no change to the trajectory
    builder.progress_report(db.session.get(Pledge, pledge.id), period=last - 2, achieved={"people_connected": 100})
    db.session.commit()
    before = _people(progress_figures())
    pending = builder.progress_report(db.session.get(Pledge, pledge.id), period=last - 1,
                                      status=ReviewStatus.SUBMITTED, achieved={"people_connected": 250},
                                      submitted_at=datetime(last, 1, 20))
    db.session.commit()
    assert _people(progress_figures()) == before  # a submitted report counts for nothing
    _decide(client, "progress_report", pending)
    after = _people(progress_figures())  # the next read, no cache to clear
    # 250 replaces the pledge's 100 from its second period on, to the end of the series.
    assert after == {y: str(Decimal(v) + (150 if y >= last - 1 else 0)) for y, v in before.items()}
    approved = _same_as_direct()

    # A withdrawn pledge with reports leaves the trajectory, exactly.
    reported = select(ProgressReport.pledge_id).where(ProgressReport.status == ReviewStatus.APPROVED)
    reporting = db.session.scalar(select(Pledge).where(Pledge.status == ReviewStatus.APPROVED, Pledge.id != pledge.id,
                                                       Pledge.id.in_(reported)).order_by(Pledge.id))
    reporting.status = ReviewStatus.WITHDRAWN
    reporting.decided_at = datetime(2026, 11, 30)
    db.session.commit()
    assert _same_as_direct() != approved
    # A full rebuild gives the same rows as the incremental path.
    rows = set(db.session.execute(select(Rollup.dimension, Rollup.key, Rollup.pledges, Rollup.amount_cents)
                                  .where(Rollup.dimension.in_(("trajectory", "last_period")))).all())
    rebuild()
    db.session.commit()
    assert rows == set(db.session.execute(select(Rollup.dimension, Rollup.key, Rollup.pledges, Rollup.amount_cents)
                                          .where(Rollup.dimension.in_(("trajectory", "last_period")))).all())
