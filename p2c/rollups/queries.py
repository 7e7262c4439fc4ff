"""Reads of the rollup tables that more than one feature needs."""

from __future__ import annotations

from sqlalchemy import select

from p2c.extensions import db
from p2c.rollups.models import Rollup, RollupState

STATE_ID = 1
_VERSION_QUERY = select(RollupState.epoch, RollupState.version).where(RollupState.id == STATE_ID)


def data_version(*, committed: bool = False) -> tuple[int, int]:
    """(epoch, version) of the rollups: changes with every rollup write. One primary-key read.

    committed=True reads on a connection of its own, outside the request's session: what every other
    process sees. The hot read-only pages use it because it skips the ORM session (about half of
    their cost per request); code that may read its own uncommitted writes must not.
    """
    if committed:
        with db.engine.connect() as connection:
            row = connection.execute(_VERSION_QUERY).first()
    else:
        row = db.session.execute(_VERSION_QUERY).first()
    return (row[0], row[1]) if row else (0, 0)


def organization_count() -> int:
    """Organizations leading at least one approved pledge."""
    return int(db.session.scalar(select(RollupState.organizations).where(RollupState.id == STATE_ID)) or 0)


def public_pledge_count() -> int:
    """Public pledges (approved and announced): the rollups' ("total", "") row, one primary-key read.

    The same count as `SELECT count(*)` over the public pledges (p2c.pledges.visibility), kept by the
    projection in the transaction of each approval, withdrawal and embargo release; that count reads
    every approved pledge (5-10 s at 1M on SQLite).
    """
    return int(db.session.scalar(select(Rollup.pledges).where(Rollup.dimension == "total", Rollup.key == "")) or 0)
