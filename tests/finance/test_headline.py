"""The honest headline: an inactive pledge (no report for over 24 months) is out of the active figures
and in the all-time ones; goals say which they count (active by default)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from p2c.extensions import db
from p2c.reporting.models import Goal


@pytest.fixture
def with_inactive(eur_pledge, builder):
    """The EUR pledge (active: reports approved today) and a silent USD 500,000 pledge approved 2023-06-01."""
    silent = builder.pledge(amount=500_000, currency="USD", pledged_on=date(2023, 6, 1), countries=["GHA"])
    db.session.add(Goal(title="USD 2 million", metric="usd_value", target_value=Decimal(2_000_000),
                        target_date=date(2030, 12, 31), position=1))
    db.session.add(Goal(title="USD 2 million, all-time", metric="usd_value", target_value=Decimal(2_000_000),
                        target_date=date(2030, 12, 31), position=2, counts="all_time"))
    db.session.commit()
    return eur_pledge, silent


def test_inactive_pledge_is_out_of_the_active_headline_and_in_the_all_time_one(with_inactive, client):
    body = client.get("/api/v1/progress").get_json()
    totals = body["totals"]
    assert (totals["pledges"], totals["usd_value"]) == (2, "1581300.00")
    assert (totals["active_pledges"], totals["active_usd_value"]) == (1, "1081300.00")
    goals = {g["title"]: g for g in body["goals"]}
    active, all_time = goals["USD 2 million"], goals["USD 2 million, all-time"]
    # Shares are rounded half to even (p2c.reporting.figures.ratio): 0.54065 -> 0.5406, 0.79065 -> 0.7906.
    assert (active["counts"], active["reached_value"], active["share"]) == ("active", "1081300.00", "0.5406")
    assert (all_time["counts"], all_time["reached_value"], all_time["share"]) == ("all_time", "1581300.00", "0.7906")
    assert active["reached_all_time"] == all_time["reached_all_time"] == "1581300.00"
    assert active["reached_active"] == all_time["reached_active"] == "1081300.00"
    # The ledger's share of pledges that reported counts both.
    assert (body["finance"]["reporting_pledges"], body["finance"]["reporting_share"]) == (1, "0.5000")


def test_progress_page_shows_both_and_the_ledger(with_inactive, client):
    page = client.get("/progress").get_data(as_text=True)
    assert "$1.1M</strong> pledged by active pledges (USD)" in page
    assert "$1.6M</strong> pledged all-time (USD)" in page
    assert "This goal counts active pledges: $1.1M (all-time: $1.6M)." in page
    assert "This goal counts all pledges, all-time: $1.6M (active: $1.1M)." in page
    assert "$383,930" in page and "$333,930" in page and "30.9%" in page  # Kenya: disbursed / pledged
