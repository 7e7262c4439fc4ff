"""The exports and /progress share one definition of "achieved" and of "USD disbursed to date"."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from decimal import Decimal

from p2c.core.enums import ReviewStatus
from p2c.extensions import db


def _csv(client) -> list[dict]:
    raw = client.get("/data/pledges.csv").get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(raw, newline="")))


def test_csv_achieved_values_recompute_the_progress_indicators(client, builder):
    targets = [("people_connected", 1000, 2030), ("people_trained", 500, 2030)]
    p1 = builder.pledge(targets=targets)
    # The 2024 report trained 40 people; the latest (2025) report leaves that target out.
    builder.progress_report(p1, period=2024, achieved={"people_connected": 100, "people_trained": 40})
    builder.progress_report(p1, period=2025, achieved={"people_connected": 300})
    builder.progress_report(p1, period=2026, achieved={"people_connected": 900}, status=ReviewStatus.SUBMITTED)
    p2 = builder.pledge(targets=targets)
    builder.progress_report(p2, period=2023, achieved={"people_trained": 10})
    builder.progress_report(p2, period=2024, achieved={"people_trained": 12, "people_connected": 7})
    builder.progress_report(p2, period=2025, achieved={"people_trained": 99}, status=ReviewStatus.REJECTED)
    p3 = builder.pledge(targets=targets)  # no report
    builder.progress_report(p3, period=2025, achieved={"people_connected": 5}, status=ReviewStatus.IN_REVIEW)
    db.session.commit()

    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in _csv(client):
        for target in json.loads(row["targets"]):
            if target["achieved_value"] is not None:
                sums[target["indicator"]] += Decimal(target["achieved_value"])
    progress = client.get("/api/v1/progress").get_json()
    achieved = {i["code"]: Decimal(i["achieved"]) for i in progress["indicators"] if Decimal(i["achieved"])}
    assert dict(sums) == achieved == {"people_connected": Decimal("307"), "people_trained": Decimal("12")}


def test_usd_disbursed_is_the_latest_running_total_not_a_sum(client, builder):
    pledge = builder.pledge()
    builder.progress_report(pledge, period=2023, usd_disbursed=100)
    builder.progress_report(pledge, period=2024, usd_disbursed=300)
    builder.progress_report(pledge, period=2026, usd_disbursed=900, status=ReviewStatus.SUBMITTED)
    silent = builder.pledge()
    builder.progress_report(silent, period=2024, usd_disbursed=50)
    builder.progress_report(silent, period=2025)  # the latest report states no total (as on /progress)
    db.session.commit()
    rows = _csv(client)
    assert [r["usd_disbursed"] for r in rows] == ["300.00", ""]
    assert [r["usd_disbursed"] for r in client.get("/data/pledges.json").get_json()] == ["300.00", None]
