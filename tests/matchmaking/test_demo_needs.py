"""The demo data's country needs: counts by state, introductions, and a need page with candidates."""

from __future__ import annotations

from sqlalchemy import func, select

from p2c.core.enums import ReviewStatus
from p2c.demo.generator import DemoGenerator
from p2c.demo.needs import ensure_needs
from p2c.extensions import db
from p2c.matchmaking.models import Introduction, Need


def test_demo_needs(client):
    DemoGenerator(2030).run(300)
    db.session.commit()
    assert ensure_needs(2030) == 40
    db.session.commit()
    assert ensure_needs(2030) == 0  # only into an empty table
    by_status = dict(db.session.execute(select(Need.status, func.count()).group_by(Need.status)).all())
    assert by_status == {ReviewStatus.APPROVED: 32, ReviewStatus.SUBMITTED: 8}
    assert db.session.scalar(select(func.count()).select_from(Introduction)) == 6
    assert db.session.scalar(select(func.count()).where(Need.met_at.is_not(None))) == 2
    need = db.session.scalars(select(Need).where(Need.status == ReviewStatus.APPROVED).order_by(Need.id)).first()
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "Works in the same country (+40)" in page
    assert "@example.org" not in page
