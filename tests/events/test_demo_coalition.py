"""Demo data that looks like the coalition: published shares, real pledging events, six languages,
titles that agree with their descriptions, ministries pledging for their own country, nothing decided
in the future, pledges waiting for the next annual meeting, and non-empty event and report pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from p2c.core.db import utcnow
from p2c.extensions import db
from p2c.implementation.models import ProgressReport
from p2c.members.models import Organization
from p2c.pledges.models import Pledge, pledge_country
from p2c.pledges.visibility import public_clause
from p2c.reference.models import Event


@pytest.fixture(autouse=True)
def _event_dates(_app_context):
    """The demo dates the next annual meeting in the event table, a reference table that outlives the test
    (tests/conftest.py REFERENCE_TABLES): put the dates back so later tests see the reference data."""
    dates = {e.code: (e.starts_on, e.ends_on) for e in db.session.scalars(select(Event))}
    yield
    db.session.rollback()
    for event in db.session.scalars(select(Event)):
        event.starts_on, event.ends_on = dates[event.code]
    db.session.commit()


def test_demo_data_look_like_the_coalition(app, client):
    result = app.test_cli_runner().invoke(args=["p2c", "demo-data", "--pledges", "2000", "--seed", "5"])
    assert result.exit_code == 0, result.output
    total = 2000

    def share(*conditions) -> float:
        stmt = select(func.count(Pledge.id)).join(Organization, Organization.id == Pledge.lead_organization_id)
        return db.session.scalar(stmt.where(*conditions)) / total

    assert abs(share(Organization.stakeholder_group_code == "government") - 0.56) < 0.04
    assert abs(share(Pledge.targets_ldc.is_(True)) - 0.31) < 0.04
    assert abs(share(Pledge.pledge_type_code == "policy") - 0.12) < 0.03
    languages = dict(db.session.execute(select(Pledge.language, func.count()).group_by(Pledge.language)).all())
    assert set(languages) == {"en", "fr", "es", "ar", "ru", "zh"} and min(languages.values()) >= 10
    events = dict(db.session.execute(select(Pledge.event_code, func.count()).where(Pledge.event_code.is_not(None))
                                     .group_by(Pledge.event_code)).all())
    assert {"wtdc22_roundtable", "wtdc25", "wsis_forum_2026", "wsis20_aiforgood_2025", "rdf_afr_2024"} <= set(events)
    assert 0.4 < sum(events.values()) / total < 0.6

    # A ministry pledges for its own country.
    own = db.session.execute(
        select(Organization.country_iso3, pledge_country.c.country_iso3)
        .join(Pledge, Pledge.lead_organization_id == Organization.id)
        .join(pledge_country, pledge_country.c.pledge_id == Pledge.id)
        .where(Organization.stakeholder_group_code == "government")).all()
    assert own and all(home == target for home, target in own)

    # Nothing approved (pledge or report) after now; pledges wait for the next annual meeting.
    now = utcnow()
    assert db.session.scalar(select(func.count(Pledge.id)).where(Pledge.approved_at > now)) == 0
    assert db.session.scalar(select(func.count(ProgressReport.id)).where(ProgressReport.approved_at > now)) == 0
    waiting = db.session.scalars(select(Pledge).where(Pledge.public_from > now)).all()
    assert len(waiting) == 12 and {p.event_code for p in waiting} == {"p2c_annual_2026"}

    # Titles agree with descriptions: the number in the title is in the description and is the target.
    for pledge in db.session.scalars(select(Pledge).where(Pledge.language == "en").limit(300)):
        if pledge.targets and not pledge.milestones:
            number = re.search(r"\d[\d,]*", pledge.title)
            if number:
                assert number.group(0) in pledge.description, (pledge.title, pledge.description)
                assert int(number.group(0).replace(",", "")) in {int(t.target_value) for t in pledge.targets}

    # `make run` shows non-empty event and report pages.
    page = client.get("/events/wtdc-22-roundtable").get_data(as_text=True)
    announced = db.session.scalar(select(func.count(Pledge.id)).where(public_clause(),
                                                                      Pledge.event_code == "wtdc22_roundtable"))
    assert announced > 50 and f"<strong data-counter=\"pledges\">{announced}</strong>" in page
    assert "What has happened since" in page
    assert client.get("/events/p2c-annual-meeting-2026/counter.json").get_json()["pledges"] == 0
    assert "Upcoming" in client.get("/events").get_data(as_text=True)
    reports = client.get("/reports").get_data(as_text=True)
    assert "No progress report has been published yet." not in reports
