"""A goal on a count is a whole number: 12.5 schools is refused with the translated message, nothing saved;
a goal in USD (or on the USD indicator) keeps its cents."""

from __future__ import annotations

from sqlalchemy import delete, select

from p2c.extensions import db
from p2c.reporting.models import Goal


def _form(title: str, metric: str, indicator: str, value: str) -> dict:
    return {"title": title, "metric": metric, "indicator_code": indicator, "target_value": value,
            "target_date": "2030-12-31", "active": "y", "position": "1"}


def test_fractional_count_goal_is_refused_and_money_goal_keeps_cents(client, login):
    login("admin")
    try:
        response = client.post("/admin/goals/new?lang=en",
                               data=_form("Half schools", "indicator", "schools_connected", "12.5"))
        assert response.status_code == 400
        assert "Enter a whole number: this indicator counts schools." in response.get_data(as_text=True)
        response = client.post("/admin/goals/new?lang=fr",
                               data=_form("Half schools", "indicator", "schools_connected", "12,5"))
        assert response.status_code == 400
        assert "Saisissez un nombre entier" in response.get_data(as_text=True)
        assert client.post("/admin/goals/new?lang=en",
                           data=_form("Half pledges", "pledges", "", "7.5")).status_code == 400
        assert db.session.scalars(select(Goal).where(Goal.title.like("Half%"))).all() == []
        assert client.post("/admin/goals/new?lang=en",
                           data=_form("Cents goal", "indicator", "usd_invested", "12.5")).status_code == 302
        assert client.post("/admin/goals/new?lang=en",
                           data=_form("Whole schools", "indicator", "schools_connected", "13")).status_code == 302
        saved = db.session.execute(select(Goal.title, Goal.target_value).where(
            Goal.title.in_(["Cents goal", "Whole schools"])).order_by(Goal.title)).all()
        assert [(t, str(v)) for t, v in saved] == [("Cents goal", "12.50"), ("Whole schools", "13.00")]
    finally:
        db.session.rollback()
        db.session.execute(delete(Goal).where(Goal.title.in_(["Cents goal", "Whole schools", "Half schools"])))
        db.session.commit()
