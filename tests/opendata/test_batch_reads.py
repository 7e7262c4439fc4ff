"""How a batch of the export reads its related rows (issue 19): by pledge-id range when the batch is dense,
never lending a non-public pledge's rows to a public one, and never through the status index (SQLite)."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import event

from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.extensions import db
from p2c.opendata.records import iter_batches


def _rows(client, url="/data/pledges.csv") -> dict[str, dict]:
    return {r["title"]: r for r in csv.DictReader(io.StringIO(client.get(url).data.decode()))}


def test_a_hidden_pledge_between_two_public_ones_lends_them_nothing(client, builder):
    partner = builder.organization(name="Secret Partner")
    first = builder.pledge(title="First", countries=["KEN"], targets=[("people_connected", 10, 2030)])
    hidden = builder.pledge(title="Hidden", status=ReviewStatus.SUBMITTED, countries=["NPL"], partners=[partner],
                            targets=[("people_trained", 99, 2029)])
    builder.progress_report(hidden, period=2025, achieved={"people_trained": 50}, usd_disbursed=777,
                            implementation_status=ImplementationStatus.DELAYED)
    last = builder.pledge(title="Last", countries=["SEN"], targets=[])
    db.session.commit()
    assert first.id < hidden.id < last.id  # one dense batch: read by range, the hidden pledge's rows included
    for url in ("/data/pledges.csv", "/data/pledges.csv?country=SEN"):  # range, then IN (a filtered batch)
        rows = _rows(client, url)
        assert "Hidden" not in rows
        assert rows["Last"]["countries"] == "SEN" and rows["Last"]["partners"] == ""
        assert rows["Last"]["targets"] == "[]" and rows["Last"]["usd_disbursed"] == ""
    assert _rows(client)["First"]["countries"] == "KEN"
    body = client.get("/data/pledges.json").data + client.get("/data/iati-activities.xml").data
    assert b"Secret Partner" not in body and b"777" not in body and b"NPL" not in body


def test_no_batch_query_reads_the_progress_reports_by_status(app, builder):
    # Without statistics SQLite took ix_progress_report_status_submitted for "status = 'approved' AND
    # pledge_id BETWEEN ...": every approved report read again for each batch (quadratic at 1M pledges).
    if db.engine.dialect.name != "sqlite":
        pytest.skip("query plans of SQLite (PostgreSQL plans with its statistics)")
    for n in range(3):
        pledge = builder.pledge(title=f"P{n}")
        builder.progress_report(pledge, period=2025, achieved={}, usd_disbursed=n + 1)
    db.session.commit()
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    from p2c.opendata.iati_stream import iati_chunks

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert len([r for b in iter_batches(None) for r in b]) == 3
        b"".join(iati_chunks(None))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    plans = []
    for statement, parameters in statements:
        if "progress_report" in statement:
            rows = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            plans.append(" | ".join(str(r[-1]) for r in rows))
    assert len(plans) >= 5  # latest reports, evidence files, the IATI disbursements and ledger
    assert not [p for p in plans if "status_submitted" in p], plans
    # By pledge: the (pledge_id, period) index, or the queue's (pledge_id, status) one (0009_queue1m_region_search).
    assert all("ix_progress_report_pledge_period" in p or "ix_progress_report_pledge_status" in p
               or "ix_disbursement_entry_pledge_year" in p
               for p in plans), plans
