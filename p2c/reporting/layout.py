"""The rollups' layout: which dimensions the maintained rows hold, and whether the database's rows are in it.

Read by the writer (p2c.reporting.projection, which records it on every full rebuild), by the worker's
`rollup_layout` job (p2c.operations.jobs) and by the readers of dimensions a layout added (the forecast,
the timeline, the task-force view), which read the tables until the rows are in this release's layout.
"""

from __future__ import annotations

from sqlalchemy import select

from p2c.extensions import db
from p2c.rollups.models import RollupState
from p2c.rollups.queries import STATE_ID

# The rollups' layout: change it whenever `contributions` counts a new dimension (this release added the
# verification levels, the ledger, regional initiatives and the embargo rule), so that the worker's
# `rollup_layout` job rebuilds the rollups of an upgraded database once (p2c.operations.jobs).
# "-whole": counts typed before the whole-number rule were rounded (migration 0008_revfix_whole_counts).
# "-trajectory": each pledge's part of the 2030 forecast's yearly totals (contributions.Batch.trajectory).
# "-taskforce": the task-force view's dimensions (contributions.TASKFORCE_DIMENSIONS).
LAYOUT = "2026-11-30-taskforce"


def layout_current() -> bool:
    """Whether the rollups hold every dimension of this release's LAYOUT (False on a database upgraded from
    an earlier layout until the worker's `rollup_layout` job, or `flask p2c rollups rebuild`, has rebuilt
    them). Readers of a dimension a layout added (the forecast's trajectory, the timeline's pledged_month)
    read the tables while it is False: partial rollup rows would show a few re-counted pledges as the
    coalition's totals. No state row yet: nothing was ever counted, so nothing is partial."""
    layout = db.session.execute(select(RollupState.layout).where(RollupState.id == STATE_ID)).first()
    return layout is None or layout[0] == LAYOUT
