"""/api/v1/events and /api/v1/regional-initiatives read their counts from the rollups, as /events and the
region pages do, not from the pledge table (review of issue 15): at a million pledges a grouped scan per
request is seconds. A pledge whose announcement time has just passed still counts to the second: the few
pledges the rollups have not taken in yet are added by the announcement-time index."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select

import p2c.pledges.visibility as visibility
from p2c.core.db import utcnow
from p2c.extensions import db
from p2c.reference.initiatives import RegionalInitiative
from p2c.reporting import embargo
from p2c.rollups.models import Rollup

ANNOUNCE_IN = timedelta(hours=2)
PLEDGE_TABLE = re.compile(r"\b(FROM|JOIN)\s+pledge\b", re.IGNORECASE)


@pytest.fixture
def aligned(builder):
    """Two public pledges at WTDC-25 aligned with AFR1 (one also with AFR2), and one under embargo."""
    afr1, afr2 = (db.session.get(RegionalInitiative, c) for c in ("AFR1", "AFR2"))
    builder.pledge(amount=2_000_000, event_code="wtdc25", initiatives=[afr1, afr2])
    builder.pledge(amount=500_000, event_code="wtdc25", initiatives=[afr1])
    builder.pledge(amount=250_000, event_code="wtdc25", initiatives=[afr1], public_from=utcnow() + ANNOUNCE_IN)
    db.session.commit()


@pytest.fixture
def statements():
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def _figures(client) -> tuple[tuple, tuple, tuple]:
    events = {r["code"]: r for r in client.get("/api/v1/events?year=2025").get_json()["results"]}
    found = {r["code"]: r for r in client.get("/api/v1/regional-initiatives?region=AFR").get_json()["results"]}
    return ((events["wtdc25"]["pledges"], events["wtdc25"]["usd_value"]),
            (found["AFR1"]["pledges"], found["AFR1"]["usd_value"]),
            (found["AFR2"]["pledges"], found["AFR2"]["usd_value"]))


def test_the_lists_read_the_rollups_not_the_pledge_table(client, aligned, statements):
    assert _figures(client) == ((2, "2500000.00"), (2, "2500000.00"), (1, "2000000.00"))
    scans = [s for s in statements if PLEDGE_TABLE.search(s) and "public_from IS NOT NULL" not in s]
    assert scans == []
    assert any("rollup" in s for s in statements)


def test_a_pledge_counts_from_its_announcement_time_before_the_rollups_take_it_in(app, client, aligned,
                                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "EMBARGO_RELEASE_SECONDS", 3600)
    monkeypatch.setitem(app.extensions, embargo._NEXT, float("inf"))  # no web look, no worker: rollups stay
    later = utcnow() + ANNOUNCE_IN + timedelta(minutes=1)
    monkeypatch.setattr(visibility, "utcnow", lambda: later)
    assert _figures(client) == ((3, "2750000.00"), (3, "2750000.00"), (1, "2000000.00"))
    db.session.expire_all()
    assert db.session.scalar(select(Rollup.pledges).where(Rollup.dimension == "event", Rollup.key == "wtdc25")) == 2
