"""Migration 0007_finance_ledger: each report's former "USD disbursed to date" becomes one entry of its
period, marked migrated: the increase over the pledge's previous approved report (none when it does not grow)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_migrate import upgrade
from sqlalchemy import text

from p2c import create_app
from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.reference.loaders import load_all
from tests.builders import Builder
from tests.test_migrations import _fresh_database

# The data below is made with today's models, so this migration must stay the last of the chain: the
# revision before it has every other table.
FINANCE_DOWN = "0008_revfix_whole_counts"


def test_report_totals_become_migrated_entries(tmp_path):
    with _fresh_database(tmp_path) as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context(), app.test_request_context():
            upgrade(revision=FINANCE_DOWN)  # the revision before 0007_finance_ledger (the last one)
            load_all()
            builder = Builder()
            pledge = builder.pledge()
            for period, total, status in ((2023, 100, ReviewStatus.APPROVED), (2024, 300, ReviewStatus.APPROVED),
                                          (2025, 250, ReviewStatus.APPROVED), (2026, 500, ReviewStatus.SUBMITTED)):
                builder.progress_report(pledge, period=period, usd_disbursed=total, status=status,
                                        submitted_at=datetime(period, 12, 1))
            builder.progress_report(pledge, period=2022, usd_disbursed=None)
            db.session.flush()
            db.session.info.pop("p2c_rollup_dirty", None)  # the rollups' ledger table does not exist yet
            db.session.commit()
            pid = pledge.id
            upgrade(revision="heads")
            rows = db.session.execute(text(
                "SELECT r.period, e.amount, e.currency_code, e.year, e.recipient, e.instrument, e.usd_value, "
                "e.usd_rate, e.migrated FROM disbursement_entry e JOIN progress_report r ON r.id = e.report_id "
                "WHERE e.pledge_id = :pid ORDER BY r.period"), {"pid": pid}).all()
            assert [(r[0], Decimal(r[1]), r[2], r[3], r[4], r[5], Decimal(r[6]), Decimal(r[7]), bool(r[8]))
                    for r in rows] == [
                (2023, Decimal("100.00"), "USD", 2023, "", "other", Decimal("100.00"), Decimal(1), True),
                (2024, Decimal("200.00"), "USD", 2024, "", "other", Decimal("200.00"), Decimal(1), True),
                # 2025 stated less than 2024 (a correction): no entry. 2026 is pending: 500 - 300.
                (2026, Decimal("200.00"), "USD", 2026, "", "other", Decimal("200.00"), Decimal(1), True),
            ]
            assert db.session.scalar(text("SELECT counts FROM goal LIMIT 1")) == "active"
            db.session.remove()
            db.engine.dispose()
