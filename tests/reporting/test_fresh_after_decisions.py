"""An approval through the review back-office shows at once in /api/v1/progress and on /progress,
for a pledge and for a progress report (its achieved values), whatever the client cached before."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from decimal import Decimal

from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.extensions import db
from p2c.implementation.models import ProgressReport, ProgressValue


def _figures(client, etag=None):
    headers = {"Accept-Encoding": "gzip"} | ({"If-None-Match": etag} if etag else {})
    response = client.get("/api/v1/progress", headers=headers)
    assert response.status_code == 200
    return json.loads(gzip.decompress(response.get_data())), response.headers["ETag"]


def _decide(client, kind, record, action="approve"):
    return client.post(f"/review/{kind}/{record.id}/decide",
                       data={"action": action, "message": "", "version": record.version})


def test_pledge_approval_through_the_queue_is_visible_on_the_next_read(client, login, builder):
    builder.pledge(status=ReviewStatus.APPROVED, amount=1000, currency="USD")
    pending = builder.pledge(status=ReviewStatus.SUBMITTED, amount=250, currency="USD")
    db.session.commit()
    before, etag = _figures(client)
    assert before["totals"]["pledges"] == 1
    page_before = client.get("/progress").get_data(as_text=True)
    login("reviewer")
    assert _decide(client, "pledge", pending).status_code == 302
    after, _ = _figures(client, etag)
    assert after["totals"]["pledges"] == 2
    assert Decimal(after["totals"]["usd_value"]) == Decimal(before["totals"]["usd_value"]) + 250
    assert client.get("/progress").get_data(as_text=True) != page_before


def test_progress_report_approval_counts_as_achieved_at_once(client, login, builder):
    pledge = builder.pledge(status=ReviewStatus.APPROVED, amount=1000, currency="USD")
    target = pledge.targets[0]
    report = ProgressReport(reference=f"{pledge.reference}-R2025", pledge=pledge, period=2025, language="en",
                            implementation_status=ImplementationStatus.ON_TRACK, narrative="Forty schools.",
                            status=ReviewStatus.SUBMITTED, evidence_links=[], submitted_at=datetime(2026, 1, 15))
    report.values = [ProgressValue(target_id=target.id, achieved_value=Decimal("40"))]
    db.session.add(report)
    db.session.commit()
    before, etag = _figures(client)
    row = next(i for i in before["indicators"] if i["code"] == target.indicator_code)
    assert Decimal(row["achieved"]) == 0
    login("reviewer")
    assert _decide(client, "progress_report", report).status_code == 302
    after, _ = _figures(client, etag)
    row = next(i for i in after["indicators"] if i["code"] == target.indicator_code)
    assert Decimal(row["achieved"]) == Decimal("40")
