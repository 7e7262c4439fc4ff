"""A savepoint rolled back inside a transaction (a claimed period, a sign-in throttle) must not drop the
pending work of the changes flushed before it: the rollups and the open-data marks follow the commit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from p2c.core.enums import ReviewStatus
from p2c.core.unit import commit
from p2c.extensions import db
from p2c.opendata.models import OpenDataStale
from p2c.rollups.models import Rollup


def test_changes_flushed_before_a_rolled_back_savepoint_are_counted(builder):
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED)
    commit()
    db.session.execute(OpenDataStale.__table__.delete())
    commit()
    pledge.status = ReviewStatus.APPROVED
    db.session.flush()
    with pytest.raises(RuntimeError), db.session.begin_nested():
        raise RuntimeError("a savepoint's own failure")
    commit()
    total = db.session.scalar(select(Rollup.pledges).where(Rollup.dimension == "total", Rollup.key == ""))
    assert total == 1
    assert db.session.scalars(select(OpenDataStale.pledge_id)).all() == [pledge.id]
