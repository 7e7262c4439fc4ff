"""The task-force view: pledged versus disbursed per year and per recipient country, any period."""

from __future__ import annotations

import csv
import io


def test_task_force_csv_per_year_and_country(eur_pledge, client):
    body = client.get("/progress/task-force.csv?from=2023&to=2025").get_data(as_text=True)
    rows = {(s, k, m): v for s, k, m, v in list(csv.reader(io.StringIO(body)))[1:]}
    assert rows[("period", "", "from")] == "2023" and rows[("period", "", "to")] == "2025"
    assert [rows[("by_year", y, "pledged_usd")] for y in ("2023", "2024", "2025")] == ["1081300.00", "0.00", "0.00"]
    assert [rows[("by_year", y, "disbursed_usd")] for y in ("2023", "2024", "2025")] == [
        "108130.00", "50000.00", "225800.00"]
    assert rows[("by_year", "2023", "share")] == "0.1000" and rows[("by_year", "2024", "share")] == ""
    # The pledge reported on 2024 and 2025, not on 2023.
    assert [rows[("by_year", y, "pledges_reported")] for y in ("2023", "2024", "2025")] == ["0", "1", "1"]
    assert rows[("by_year", "2024", "share_reported")] == "1.0000"
    assert rows[("by_country", "KEN", "disbursed_usd")] == "333930.00"
    assert rows[("by_country", "UGA", "disbursed_usd")] == "50000.00"
    assert rows[("by_country", "KEN", "pledged_usd")] == "1081300.00"
    only_2025 = client.get("/progress/task-force.csv?from=2025&to=2025").get_data(as_text=True)
    assert "by_country,KEN,disbursed_usd,225800.00" in only_2025 and "UGA" not in only_2025


def test_task_force_page_and_bad_periods(eur_pledge, client):
    page = client.get("/progress/task-force?from=2023&to=2025").get_data(as_text=True)
    assert "$333,930" in page and "Kenya" in page and "1 of 1" in page
    assert client.get("/progress/task-force?from=2026&to=2023").status_code == 400
    assert client.get("/progress/task-force?from=abc").status_code == 400
    assert client.get("/progress/task-force.csv?to=1900").status_code == 400
