"""reporting.direct materializes the counted pledges into temporary tables: none may outlive a call,
including one that fails, and two calls on one connection must not collide."""

from datetime import datetime

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import DBAPIError

from p2c.extensions import db
from p2c.pledges.models import Pledge
from p2c.reporting.direct import raw_aggregates


def _temporary_tables() -> list[str]:
    if db.session.connection().dialect.name == "postgresql":
        sql = "SELECT relname FROM pg_class WHERE relnamespace = pg_my_temp_schema() AND relkind = 'r'"
    else:
        sql = "SELECT name FROM sqlite_temp_master WHERE type = 'table'"
    return [name for name in db.session.scalars(text(sql)) if name.startswith("p2c_direct_")]


def test_figures_leave_no_temporary_table(builder):
    builder.pledge(status="approved", amount=1000, currency="USD")
    builder.pledge(status="approved", amount=500, currency="USD")
    db.session.commit()
    first = raw_aggregates()
    # a second call in the same transaction (same connection) gets its own tables and the same figures
    assert raw_aggregates(datetime(2100, 1, 1)) == first
    assert first[0][("total", "")] == [2, 150000, 0]
    assert _temporary_tables() == []


def test_a_failing_call_leaves_no_temporary_table(builder, monkeypatch):
    """SQLite keeps the transaction open after a failed statement: the DROPs on the way out must have run
    (checked before any rollback). PostgreSQL refuses every statement until the rollback, which drops the
    tables itself (transactional DDL): there the cleanup must not mask the caller's error with its own
    (the DROP's "current transaction is aborted")."""
    from p2c.reporting import direct

    sqlite = db.session.connection().dialect.name == "sqlite"
    builder.pledge(status="approved", amount=1000, currency="USD")
    db.session.commit()
    with pytest.raises(DBAPIError) as failed:  # a filtered call: its first table (the matching ids) fails
        raw_aggregates(where=(func.p2c_no_such_function(Pledge.id) == 1,))
    assert "p2c_no_such_function" in str(failed.value)  # (no table was made yet: its error only)
    db.session.rollback()
    assert _temporary_tables() == []
    with monkeypatch.context() as m:  # unfiltered: the pledge query fails after the ledger and report tables exist
        m.setattr(direct, "counted_pledges", lambda cutoff=None: [func.p2c_no_such_function(Pledge.id) == 1])
        with pytest.raises(DBAPIError) as failed:
            raw_aggregates()
    assert "p2c_no_such_function" in str(failed.value)
    if sqlite:
        assert _temporary_tables() == []
    db.session.rollback()
    assert _temporary_tables() == []
    assert raw_aggregates()[0][("total", "")] == [1, 100000, 0]
