"""`flask p2c rollups rebuild`: recompute the progress rollups from the pledge tables.

Approvals, edits and imports keep the rollups in step by themselves; this is for a database changed by
other means (a restore, hand-written SQL), or after an upgrade that adds a rollup dimension.
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
    """Recompute every rollup from the approved pledges (in one transaction)."""
    counted = projection.rebuild()
    commit()
    click.echo(f"rollups rebuilt from {counted} approved pledges")
