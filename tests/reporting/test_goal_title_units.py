"""A goal on an indicator is titled in its indicator's unit: money as money, counts as whole numbers."""

from __future__ import annotations

from p2c.reporting.titles import goal_title


def _goal(indicator: str, unit: str, target: str) -> dict:
    return {"metric": "indicator", "indicator": indicator, "unit": unit, "target_value": target,
            "target_date": "2030-12-31", "title": ""}


def test_money_goal_is_titled_as_money_and_count_goal_as_count(app):
    names = {"usd_invested": "USD invested", "schools_connected": "Schools connected"}
    with app.test_request_context("/?lang=en"):
        assert goal_title(_goal("usd_invested", "USD", "1500001.00"), names) == (
            "USD invested: $1,500,001 by 2030", True)
        assert goal_title(_goal("schools_connected", "schools", "1500.00"), names) == (
            "Schools connected: 1,500 by 2030", True)
