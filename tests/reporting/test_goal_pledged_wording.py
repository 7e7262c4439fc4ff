"""An indicator goal's value is the sum of pledged targets: /progress says the pledged targets meet it (or
would meet it), never "Reached." as if it were achieved."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete

from p2c.extensions import db
from p2c.reporting.models import Goal


def test_indicator_goals_speak_of_pledged_targets(client, builder):
    # Approved last month: the pace of the last 12 months gives the second goal a projected date.
    builder.pledge(targets=[("schools_connected", Decimal(100), 2030)], approved_at=datetime.now() - timedelta(days=30))
    db.session.add(Goal(title="", metric="indicator", indicator_code="schools_connected", target_value=Decimal(50),
                        target_date=date(2030, 12, 31), active=True, position=1))
    db.session.add(Goal(title="", metric="indicator", indicator_code="schools_connected",
                        target_value=Decimal(150), target_date=date(2099, 12, 31), active=True, position=2))
    db.session.commit()
    try:
        goals = client.get("/api/v1/progress").get_json()["goals"]
        assert [g["met"] for g in goals if g["metric"] == "indicator"] == [True, False]
        projected = next(g for g in goals if g["metric"] == "indicator" and not g["met"])["projected_date"]
        assert projected is not None
        english = client.get("/progress?lang=en").get_data(as_text=True)
        assert "Pledged targets meet the goal." in english and "Reached." not in english
        assert "At the pace of the last 12 months, pledged targets would meet it around" in english
        assert "it would be reached around" not in english
        french = client.get("/progress?lang=fr").get_data(as_text=True)
        assert "Les cibles promises atteignent l’objectif." in french
        assert "Au rythme des 12 derniers mois, les cibles promises l’atteindraient vers le" in french
    finally:
        db.session.execute(delete(Goal).where(Goal.metric == "indicator"))
        db.session.commit()


def test_usd_goals_speak_of_pledged_amounts(client, builder):
    # A USD goal's value is the sum of pledged amounts (not disbursed): met -> "Pledged amounts meet the
    # goal.", not met but with a pace -> "pledged amounts would meet it around".
    builder.pledge(amount=1_000_000, approved_at=datetime.now() - timedelta(days=30))
    db.session.add(Goal(title="USD 1", metric="usd_value", target_value=Decimal(500_000),
                        target_date=date(2030, 12, 31), active=True, position=1, counts="all_time"))
    db.session.add(Goal(title="USD 2", metric="usd_value", target_value=Decimal(10**7),
                        target_date=date(2099, 12, 31), active=True, position=2, counts="all_time"))
    db.session.commit()
    try:
        goals = [g for g in client.get("/api/v1/progress").get_json()["goals"] if g["metric"] == "usd_value"]
        assert [g["met"] for g in goals] == [True, False] and goals[1]["projected_date"] is not None
        english = client.get("/progress?lang=en").get_data(as_text=True)
        assert "Pledged amounts meet the goal." in english and "Reached." not in english
        assert "At the pace of the last 12 months, pledged amounts would meet it around" in english
        assert "it would be reached around" not in english
        spanish = client.get("/progress?lang=es").get_data(as_text=True)
        assert "Los importes comprometidos alcanzan el objetivo." in spanish
    finally:
        db.session.execute(delete(Goal).where(Goal.metric == "usd_value"))
        db.session.commit()
