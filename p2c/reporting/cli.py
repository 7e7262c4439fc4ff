"""`flask p2c rollups rebuild`: recompute the progress rollups from the pledge tables.

Approvals, edits and imports keep the rollups in step by themselves; this is for a database changed by
other means (a restore, hand-written SQL), or after an upgrade that adds a rollup dimension. It also drops
the open-data files' rendered rows, derived the same way.
"""

from __future__ import annotations

import click

from p2c.cli import p2c_cli
from p2c.core.unit import commit
from p2c.reporting import projection


@p2c_cli.group("rollups")
def rollups_group() -> None:
    """The maintained aggregates behind /progress and /api/v1/progress."""


@rollups_group.command("rebuild")
def rebuild() -> None:
    """Recompute every rollup from the approved pledges (in one transaction), and drop the open-data rows
    (`p2c.opendata.fragments`: data changed by other means has no stale marks), which the worker's next
    `open_data` run renders again from scratch."""
    from p2c.opendata.fragments import clear_rows

    counted = projection.rebuild()
    clear_rows()
    commit()
    click.echo(f"rollups rebuilt from {counted} approved pledges; open-data rows dropped (rendered again by"
               " the worker's next open_data run)")
