"""DESIGN.md section 5, each rule on a known set of pledges with exact expected numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from p2c.core.enums import ReportingStatus, ReviewStatus
from p2c.core.reporting_status import reporting_status
from p2c.extensions import db
from p2c.reporting.models import Goal
from p2c.reporting.queries import progress_figures

TODAY = date(2026, 11, 22)


def rows(figures: dict, dimension: str) -> dict[str, tuple[int, str]]:
    b = next(b for b in figures["breakdowns"] if b["dimension"] == dimension)
    return {r["key"]: (r["pledges"], r["usd_value"]) for r in b["rows"]}


def additive(figures: dict, dimension: str) -> bool:
    return next(b for b in figures["breakdowns"] if b["dimension"] == dimension)["additive"]


@pytest.fixture
def known(builder):
    """Three approved pledges (one joint, one in EUR, one global without value) and two that must not count."""
    a = builder.organization(name="Alpha Telecom", stakeholder_group_code="private_sector", country_iso3="KEN")
    b = builder.organization(name="Beta Ministry", stakeholder_group_code="government", country_iso3="FRA")
    c = builder.organization(name="Gamma NGO", stakeholder_group_code="civil_society", country_iso3="BRA")
    p1 = builder.pledge(lead=a, partners=[b], countries=["KEN", "UGA"], amount=1_000_000, currency="USD",
                        pledged_on=date(2024, 6, 1), targets=[("people_connected", 1000, 2030)])
    p2 = builder.pledge(lead=a, countries=["BRA", "KEN"], amount=500_000, currency="EUR", pledged_on=date(2023, 3, 1),
                        focus_area="empower", targets=[("people_trained", 250, 2028)])
    p3 = builder.pledge(lead=b, countries=[], is_global=True, amount=None, currency=None, pledge_type="advocacy",
                        pledged_on=date(2025, 12, 1), targets=[("people_connected", 500, 2030)])
    builder.pledge(lead=c, status=ReviewStatus.SUBMITTED, amount=9_999_999, countries=["BRA"])
    builder.pledge(lead=c, status=ReviewStatus.REJECTED, amount=7_777_777, countries=["BRA"])
    builder.progress_report(p1, period=2024, achieved={"people_connected": 200}, submitted_at=datetime(2025, 1, 10))
    builder.progress_report(p1, period=2025, achieved={"people_connected": 600}, submitted_at=datetime(2026, 1, 10))
    db.session.commit()
    return p1, p2, p3


def test_approved_only_joint_once_and_usd_at_pledge_date_rate(known):
    p1, p2, p3 = known
    assert p2.usd_value == Decimal("540650.00")  # 500,000 EUR x 1.0813 (2023 average)
    assert p2.usd_rate == Decimal("1.0813") and p2.usd_rate_year == 2023
    for figures in (progress_figures(today=TODAY), progress_figures(as_of=TODAY)):
        t = figures["totals"]
        assert t["pledges"] == 3  # the submitted and the rejected pledge are left out
        assert t["usd_value"] == "1540650.00"  # 1,000,000 + 540,650.00 + nothing
        # Alpha and Beta; Beta is both a partner (not counted) and a lead; Gamma has nothing approved.
        assert t["organizations"] == 2
        assert t["countries"] == 3  # KEN, UGA, BRA
        assert rows(figures, "stakeholder") == {"private_sector": (2, "1540650.00"), "government": (1, "0.00")}
        assert rows(figures, "focus_area") == {"connect": (2, "1000000.00"), "empower": (1, "540650.00")}


def test_country_breakdowns_are_labelled_non_additive(known, client):
    figures = progress_figures(today=TODAY)
    countries = rows(figures, "country")
    assert countries == {"KEN": (2, "1540650.00"), "UGA": (1, "1000000.00"), "BRA": (1, "540650.00")}
    assert sum(n for n, _ in countries.values()) == 4 != figures["totals"]["pledges"]
    assert rows(figures, "target_region") == {"AFR": (2, "1540650.00"), "AMS": (1, "540650.00")}
    assert rows(figures, "scope")["global"] == (1, "0.00")
    for dim in ("country", "target_region", "scope", "pillar", "sdg", "beneficiary", "wsis"):
        assert additive(figures, dim) is False
    for dim in ("focus_area", "pledge_type", "stakeholder", "lead_region", "start_year"):
        assert additive(figures, dim) is True
    page = client.get("/progress").get_data(as_text=True)
    assert "rows do not add up to the total" in page
    assert "country figures do not add up to the total" in page
    api = client.get("/api/v1/progress").get_json()
    assert next(b for b in api["breakdowns"] if b["dimension"] == "country")["additive"] is False
    assert "do not add up to the total" in api["notes"]["non_additive"]


def test_indicators_use_the_latest_approved_report_not_the_sum(known):
    figures = progress_figures(today=TODAY)
    people = next(i for i in figures["indicators"] if i["code"] == "people_connected")
    assert people["pledges"] == 2 and people["pledged"] == "1500.00"
    assert people["achieved"] == "600.00"  # latest report (2025), not 200 + 600
    assert people["reporting_pledges"] == 1
    assert people["gap_value"] == "2200000000.00"
    assert people["gap_share_pledged"] == "0.0000"  # 1,500 of 2.2 bn: pledged, not achieved


def test_reporting_status_shares(known):
    # p1 reported 2026-01-10 (current); p2 approved 2023-03-01, never reported (inactive);
    # p3 approved 2025-12-01 (current).
    figures = progress_figures(today=TODAY)
    shares = {r["status"]: (r["pledges"], r["share"]) for r in figures["reporting_status"]}
    assert shares == {"current": (2, "0.6667"), "due": (0, "0.0000"), "inactive": (1, "0.3333")}
    assert figures["totals"]["active_pledges"] == 2
    assert figures["totals"]["active_usd_value"] == "1000000.00"


@pytest.mark.parametrize(("last", "approved", "expected"), [
    (None, datetime(2025, 11, 22), ReportingStatus.CURRENT),  # exactly 12 months: still current
    (None, datetime(2025, 11, 21), ReportingStatus.DUE),
    (datetime(2024, 11, 22), datetime(2020, 1, 1), ReportingStatus.DUE),  # exactly 24 months: due
    (datetime(2024, 11, 21, 23), datetime(2020, 1, 1), ReportingStatus.INACTIVE),
    (datetime(2026, 6, 1), datetime(2021, 1, 1), ReportingStatus.CURRENT),  # the last report restarts the clock
])
def test_reporting_status_boundaries(last, approved, expected):
    assert reporting_status(last, approved, TODAY) is expected


def test_goal_share_and_projection(known):
    db.session.add(Goal(title="USD 3 million by 2027", metric="usd_value", target_value=Decimal(3_000_000),
                        target_date=date(2027, 12, 31), active=True, position=1, counts="all_time"))
    db.session.add(Goal(title="USD 3 million, active", metric="usd_value", target_value=Decimal(3_000_000),
                        target_date=date(2027, 12, 31), active=True, position=2))
    db.session.commit()
    goals = progress_figures(today=TODAY)["goals"]
    goal = next(g for g in goals if g["title"] == "USD 3 million by 2027")
    assert goal["reached_value"] == "1540650.00" and goal["share"] == "0.5136" and goal["counts"] == "all_time"
    # The default counts active pledges only: the inactive one (USD 540,650) is out of it; both are given.
    active = next(g for g in goals if g["title"] == "USD 3 million, active")
    assert (active["counts"], active["reached_value"], active["share"]) == ("active", "1000000.00", "0.3333")
    assert (active["reached_active"], active["reached_all_time"]) == ("1000000.00", "1540650.00")
    # Pace over the last 12 months: only p3 (approved 2025-12-01, no value) -> no USD pace, no projection.
    assert goal["pace_per_year"] == "0.00" and goal["projected_date"] is None and goal["met"] is False


def test_page_says_when_there_are_no_goals_and_goal_edits_show_at_once(client):
    for goal in db.session.query(Goal):
        db.session.delete(goal)
    db.session.commit()
    assert "has not set any goals yet" in client.get("/progress").get_data(as_text=True)
    db.session.add(Goal(title="Ten pledges by 2027", metric="pledges", target_value=Decimal(10),
                        target_date=date(2027, 1, 1), active=True, position=0))
    db.session.commit()
    assert "Ten pledges by 2027" in client.get("/progress").get_data(as_text=True)
    assert client.get("/api/v1/progress").get_json()["goals"][0]["title"] == "Ten pledges by 2027"


def test_as_of_leaves_out_later_approvals(known):
    figures = progress_figures(as_of=date(2025, 6, 30))
    assert figures["totals"]["pledges"] == 2 and figures["totals"]["usd_value"] == "1540650.00"
    people = next(i for i in figures["indicators"] if i["code"] == "people_connected")
    assert people["achieved"] == "200.00"  # the 2025 report was approved after the cut-off


def test_usd_disbursed_is_the_latest_running_total_of_approved_pledges(known, builder):
    p1, p2, _p3 = known
    # p1: two approved reports with "disbursed to date" 100,000 then 300,000: 300,000 counts, not the sum.
    from sqlalchemy import select

    from p2c.implementation.models import ProgressReport

    reports = db.session.scalars(select(ProgressReport).where(ProgressReport.pledge_id == p1.id)
                                 .order_by(ProgressReport.period)).all()
    for report, value in zip(reports, (100_000, 300_000), strict=True):
        report.usd_disbursed = Decimal(value)
    # p2: its latest approved report states 50,000; a later report still waiting for review does not count.
    builder.progress_report(p2, period=2024, usd_disbursed=50_000, submitted_at=datetime(2025, 2, 1))
    builder.progress_report(p2, period=2025, usd_disbursed=90_000, status=ReviewStatus.SUBMITTED)
    # A pledge not approved never counts, whatever its reports say.
    pending = builder.pledge(status=ReviewStatus.SUBMITTED, amount=10, currency="USD")
    builder.progress_report(pending, period=2025, usd_disbursed=1_000_000)
    db.session.commit()
    totals = progress_figures(today=TODAY)["totals"]
    assert totals["usd_disbursed"] == "350000.00" and totals["disbursing_pledges"] == 2
    # The same from the pledge tables directly (published reports), before and after the p1 2025 approval.
    assert progress_figures(as_of=date(2026, 6, 30))["totals"]["usd_disbursed"] == "350000.00"
    assert progress_figures(as_of=date(2025, 6, 30))["totals"]["usd_disbursed"] == "150000.00"


def test_progress_page_shows_the_disbursed_total_as_achieved(known, builder, client):
    p1, _p2, _p3 = known
    builder.progress_report(p1, period=2026, usd_disbursed=123_456, submitted_at=datetime(2026, 10, 1))
    db.session.commit()
    page = client.get("/progress").get_data(as_text=True)
    assert "$123,456 disbursed to date" in page and "Achieved, not pledged" in page
