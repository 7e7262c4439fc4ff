"""Two filings for the same pledge and year at the same moment: one report, one clear refusal.

Each filing runs in its own thread, application context and database session, with a barrier right
after the duplicate check so that both would pass it if nothing serialized them. Two guards stand
behind the outcome: the pledge lock (row lock on PostgreSQL, write lock on SQLite) makes the second
filing wait for the first and then see its report; failing that, both would build the same unique
reference (P2C-...-R2025) and the database would refuse the second row with the same message.
"""

from __future__ import annotations

import threading
from decimal import Decimal

from sqlalchemy import func, select

from p2c.core.errors import ServiceError
from p2c.core.unit import commit, rollback
from p2c.extensions import db
from p2c.implementation import queries, services
from p2c.implementation.models import ProgressReport
from p2c.pledges.models import Pledge


def test_two_simultaneous_filings_for_one_year_make_one_report(app, builder, monkeypatch):
    pledge_id = builder.pledge(amount=1_000_000, currency="USD").id
    db.session.commit()
    barrier = threading.Barrier(2)
    original = queries.active_report_for_period

    def check_then_wait(*args, **kwargs):
        found = original(*args, **kwargs)
        try:
            barrier.wait(timeout=1.5)  # both here at once only if the lock let both in
        except threading.BrokenBarrierError:
            pass
        return found

    monkeypatch.setattr(queries, "active_report_for_period", check_then_wait)
    outcomes: list[str] = []

    def file() -> None:
        with app.app_context():
            pledge = db.session.get(Pledge, pledge_id)
            data = {"period": 2025, "implementation_status": "on_track", "usd_disbursed": Decimal("10"),
                    "narrative": "Forty schools connected this year.", "evidence_links": [],
                    "values": {}, "beneficiaries": {}}
            try:
                services.file_report(pledge, data, "en")
                commit()
                outcomes.append("filed")
            except ServiceError as exc:
                rollback()
                outcomes.append("refused" if exc.field == "period" else f"other: {exc.message}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=file) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["filed", "refused"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ProgressReport.id)).where(ProgressReport.pledge_id == pledge_id)) == 1
