"""An approved pledge "to be announced" is invisible on every public surface until its announcement
time, then visible on all of them (pages, API, exports, IATI, counts and rollups, search, widgets)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

import p2c.pledges.visibility as visibility
from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.reference.initiatives import RegionalInitiative
from p2c.reporting.direct import raw_aggregates
from p2c.reporting.queries import progress_figures

ANNOUNCE_IN = timedelta(hours=2)


@pytest.fixture
def room(builder):
    """One public pledge and one approved pledge under embargo, both at WTDC-25."""
    visible = builder.pledge(amount=1_000_000, event_code="wtdc25", title="Visible school connectivity pledge")
    lead = builder.organization(name="Embargoed Telecom Ministry")
    hidden = builder.pledge(lead=lead, amount=250_000, event_code="wtdc25", title="Secret rural towers pledge",
                            public_from=utcnow() + ANNOUNCE_IN,
                            initiatives=[db.session.get(RegionalInitiative, "AFR1")])
    db.session.commit()
    return visible, hidden


def _surfaces(client, hidden) -> dict[str, bool]:
    """For each public surface: does it show the hidden pledge?"""
    ref = hidden.reference
    seen = {}
    seen["page"] = client.get(f"/pledges/{ref}").status_code == 200
    seen["widget"] = client.get(f"/embed/pledges/{ref}").status_code == 200
    seen["directory"] = ref in client.get("/pledges?q=Secret").get_data(as_text=True)
    seen["api_detail"] = client.get(f"/api/v1/pledges/{ref}").status_code == 200
    seen["api_list"] = ref in client.get("/api/v1/pledges?event=wtdc25").get_data(as_text=True)
    seen["api_organizations"] = "Embargoed Telecom Ministry" in client.get("/api/v1/organizations").get_data(
        as_text=True)
    seen["csv"] = ref in client.get("/data/pledges.csv").get_data(as_text=True)
    seen["json"] = ref in client.get("/data/pledges.json").get_data(as_text=True)
    seen["iati"] = ref in client.get("/data/iati-activities.xml").get_data(as_text=True)
    progress = json.loads(client.get("/api/v1/progress").get_data(as_text=True))
    seen["progress_count"] = progress["totals"]["pledges"] == 2
    seen["event_page"] = "Secret rural towers pledge" in client.get("/events/wtdc-25").get_data(as_text=True)
    counter = client.get("/events/wtdc-25/counter.json").get_json()
    seen["counter"] = counter["pledges"] == 2
    seen["events_list"] = "1,250,000" in client.get("/events").get_data(as_text=True).replace("\u202f", ",")
    seen["api_event"] = ref in client.get("/api/v1/events/wtdc-25").get_json()["references"]
    listed = {r["code"]: r for r in client.get("/api/v1/events?year=2025").get_json()["results"]}
    seen["api_events"] = (listed["wtdc25"]["pledges"], listed["wtdc25"]["usd_value"]) == (2, "1250000.00")
    initiatives = client.get("/api/v1/regional-initiatives?region=AFR").get_json()["results"]
    seen["api_initiatives"] = next(r for r in initiatives if r["code"] == "AFR1")["pledges"] == 1
    return seen


def test_invisible_everywhere_until_announced_then_visible(client, room, monkeypatch):
    visible, hidden = room
    before = _surfaces(client, hidden)
    assert not any(before.values()), {k: v for k, v in before.items() if v}
    # The figures count the public pledge only, from the rollups and straight from the tables alike.
    figures = progress_figures()
    assert figures["totals"]["pledges"] == 1
    assert figures["totals"]["usd_value"] in ("1000000", "1000000.00", 1000000)
    assert client.get("/events/wtdc-25/counter.json").get_json()["pledges"] == 1

    # Move the clock past the announcement: no write happens at that moment.
    later = utcnow() + ANNOUNCE_IN + timedelta(minutes=1)
    monkeypatch.setattr(visibility, "utcnow", lambda: later)
    after = _surfaces(client, hidden)
    assert all(after.values()), {k: v for k, v in after.items() if not v}
    db.session.expire_all()
    assert progress_figures()["totals"]["pledges"] == 2
    raw, organizations = raw_aggregates(None)
    assert organizations == 2


def test_a_published_report_leaves_out_what_was_announced_after_its_cutoff(room):
    visible, hidden = room
    cutoff = utcnow() + timedelta(hours=1)  # after approval, before the announcement
    raw, organizations = raw_aggregates(cutoff)
    assert sum(v[0] for (d, _k), v in raw.items() if d == "focus_area") == 1
    assert organizations == 1


def test_the_team_prepares_an_announcement(client, builder, login):
    pledge = builder.pledge(amount=500_000)  # approved and public: an embargo would hide it, refused
    pending = builder.pledge(status=ReviewStatus.IN_REVIEW, amount=300_000)
    db.session.commit()
    login("reviewer")
    when = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    url = "/review/events/wtdc-25/announcements"
    refused = client.post(url, data={"reference": pledge.reference, "public_from": when})
    assert refused.status_code == 422
    assert "public already" in refused.get_data(as_text=True)
    past = client.post("/review/events/wtdc-25/announcements",
                       data={"reference": pending.reference, "public_from": "2020-01-01T10:00"})
    assert past.status_code == 422
    assert "Choose a time in the future." in past.get_data(as_text=True)
    done = client.post(url, data={"reference": pending.reference, "public_from": when})
    assert done.status_code == 302
    db.session.expire_all()
    assert pending.event_code == "wtdc25"
    assert pending.public_from.strftime("%Y-%m-%dT%H:%M") == when
    page = client.get("/review/events/wtdc-25/announcements").get_data(as_text=True)
    assert pending.reference in page


def test_announcements_are_for_the_team_only(client, builder):
    assert client.get("/review/events/wtdc-25/announcements").status_code in (302, 401)
