"""The 2030 forecast on a known set: trajectories by the "latest approved report" rule, the least-squares
line and its 95 % prediction interval, checked against values worked out by hand."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

import pytest

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.reporting.forecast import linear_forecast
from p2c.reporting.queries import progress_figures

TODAY = date(2026, 11, 30)
# Student's t quantiles (two-sided 95 %), from the printed tables: 1 and 2 degrees of freedom.
T_1, T_2 = 12.706204736174698, 4.302652729749464


@pytest.fixture
def known_set(builder):
    """People connected, by year: 2022: 100, 2023: 100 + 150, 2024: 200 + 130, 2025: 300 + 200."""
    a = builder.pledge(targets=[("people_connected", 1000, 2030)])
    b = builder.pledge(targets=[("people_connected", 1000, 2030), ("usd_invested", 10**6, 2030)])
    hidden = builder.pledge(status=ReviewStatus.SUBMITTED)
    builder.progress_report(a, period=2022, achieved={"people_connected": 100})
    builder.progress_report(a, period=2024, achieved={"people_connected": 200})  # 2023 carries 2022's 100
    builder.progress_report(a, period=2025, achieved={"people_connected": 300})
    builder.progress_report(a, period=2025, achieved={"people_connected": 99_999}, status=ReviewStatus.SUBMITTED)
    builder.progress_report(b, period=2023, achieved={"people_connected": 150})
    # Two approved reports for 2024: the later approval is the one that counts.
    builder.progress_report(b, period=2024, achieved={"people_connected": 999}, submitted_at=datetime(2025, 1, 15))
    builder.progress_report(b, period=2024, achieved={"people_connected": 130}, submitted_at=datetime(2025, 3, 1))
    builder.progress_report(b, period=2025, achieved={"people_connected": 200})
    builder.progress_report(hidden, period=2023, achieved={"people_connected": 10_000})
    db.session.commit()


def _people(figures):
    return next(f for f in figures["forecast"] if f["code"] == "people_connected")


def test_forecast_on_the_known_set(known_set):
    figures = progress_figures(today=TODAY)
    f = _people(figures)
    assert [(p["period"], p["achieved"]) for p in f["trajectory"]] == [
        (2022, "100.00"), (2023, "250.00"), (2024, "330.00"), (2025, "500.00")]
    # The last point is the page's achieved figure (same rule: latest approved report per pledge).
    achieved = next(i for i in figures["indicators"] if i["code"] == "people_connected")["achieved"]
    assert f["trajectory"][-1]["achieved"] == achieved == "500.00"
    # By hand: x̄ = 2023.5, ȳ = 295, Sxx = 5, Sxy = 640, slope 128; at 2030: 295 + 128 × 6.5 = 1127.
    # Residuals -3, 19, -29, 13: s² = 1380 / 2 = 690; half range = t(2) × √(690 × (1 + 1/4 + 6.5² / 5)).
    half = T_2 * math.sqrt(690 * (1 + 1 / 4 + 6.5 ** 2 / 5))
    assert round(half, 3) == 352.003
    assert (f["forecast"], f["forecast_low"], f["forecast_high"], f["pace_per_year"]) == ("1127", "775", "1479", "128")
    assert f["years"] == 4 and f["gap_value"] == "2200000000"
    assert f["method"] == "ols_linear_trend_95_prediction_interval"
    assert f["share_of_gap"] == "0.0000"  # 1127 of 2.2 billion
    investment = next(x for x in figures["forecast"] if x["code"] == "usd_invested")
    assert investment["trajectory"] == [] and investment["forecast"] is None and investment["years"] == 0


def test_forecast_as_of_a_past_day(known_set):
    """As of 2025-06-30 the 2025 reports (approved 2026-01-15) are not in: 100, 250, 330 for 2022-2024."""
    f = _people(progress_figures(as_of=date(2025, 6, 30)))
    assert [p["achieved"] for p in f["trajectory"]] == ["100.00", "250.00", "330.00"]
    # By hand: ȳ = 680/3, slope 115, at 2030: 680/3 + 115 × 7 = 1031.67; s² = 816.67 (1 df);
    # half range = 12.7062 × √(816.67 × (1 + 1/3 + 49/2)) = 1845.56: the low end is cut at zero.
    assert (f["forecast"], f["forecast_low"], f["forecast_high"], f["pace_per_year"]) == ("1032", "0", "2877", "115")


def test_a_later_report_that_leaves_out_a_target_ends_its_contribution(builder):
    pledge = builder.pledge(targets=[("people_connected", 1000, 2030), ("usd_invested", 10**6, 2030)])
    builder.progress_report(pledge, period=2023, achieved={"people_connected": 50})
    builder.progress_report(pledge, period=2025, achieved={"usd_invested": 10})
    db.session.commit()
    f = _people(progress_figures(today=TODAY))
    # 2025's report has no value for people connected: from then on the pledge has achieved none of it,
    # as in the page's achieved column.
    assert [(p["period"], p["achieved"]) for p in f["trajectory"]] == [
        (2023, "50.00"), (2024, "50.00"), (2025, "0.00")]
    # By hand: slope -25, ȳ = 100/3, at 2030: 100/3 - 150 < 0, shown as 0; residuals -25/3, 50/3, -25/3:
    # s² = 1250/3 (1 df); high = 100/3 - 150 + t(1) × √(1250/3 × (1 + 1/3 + 6² / 2)).
    high = 100 / 3 - 150 + T_1 * math.sqrt(1250 / 3 * (1 + 1 / 3 + 6 ** 2 / 2))
    assert round(high, 2) == 1023.75
    assert (f["forecast"], f["forecast_low"], f["forecast_high"], f["pace_per_year"]) == ("0", "0", "1024", "-25")


def test_linear_forecast_edges():
    assert linear_forecast([(2024, Decimal(1)), (2025, Decimal(2))]) is None  # two points: no range
    exact = linear_forecast([(2023, Decimal(10)), (2024, Decimal(20)), (2025, Decimal(30))])
    assert exact["value"] == pytest.approx(80) and exact["low"] == pytest.approx(exact["high"])


def test_forecast_on_the_page_and_in_the_api(client, known_set):
    html = client.get("/progress?lang=en").get_data(as_text=True)
    assert "The 2030 gap: where the coalition will be at the current pace" in html
    assert "would be about 1,127 in 2030, between 775 and 1,479" in html
    assert "95% prediction interval" in html
    api = client.get("/api/v1/progress").get_json()
    people = next(f for f in api["forecast"] if f["code"] == "people_connected")  # people: JSON integers
    assert (people["forecast"], people["forecast_low"], people["forecast_high"]) == (1127, 775, 1479)
