"""Event dates are checked; an event page shows exact figures of what was announced there and since."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select

from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.extensions import db
from p2c.reference.models import Event


@pytest.fixture
def restore_events():
    """Events are reference rows the suite keeps between tests: remove the ones this test adds."""
    yield
    db.session.rollback()
    db.session.execute(delete(Event).where(Event.code.in_(["rdf_test_2026", "x_2026", "other_code"])))
    db.session.commit()


def test_event_dates_are_checked(client, login, restore_events):
    login("admin")
    base = {"code": "rdf_test_2026", "name": "Regional Development Forum test", "kind": "regional_forum",
            "location": "Nairobi"}
    backwards = client.post("/admin/events/new", data={**base, "starts_on": "2026-05-10", "ends_on": "2026-05-08"})
    assert backwards.status_code == 400
    assert "The end date must be on or after the start date." in backwards.get_data(as_text=True)
    no_start = client.post("/admin/events/new", data={**base, "ends_on": "2026-05-08"})
    assert no_start.status_code == 400
    assert "Enter the start date too." in no_start.get_data(as_text=True)
    assert db.session.get(Event, "rdf_test_2026") is None  # nothing saved
    ok = client.post("/admin/events/new", data={**base, "starts_on": "2026-05-10", "ends_on": "2026-05-12"})
    assert ok.status_code == 302
    saved = db.session.get(Event, "rdf_test_2026")
    assert (saved.slug, saved.kind, saved.ends_on) == ("rdf-test-2026", "regional_forum", date(2026, 5, 12))
    clash = client.post("/admin/events/new", data={**base, "code": "other_code", "slug": "rdf-test-2026"})
    assert clash.status_code == 400 and "Another event has this address." in clash.get_data(as_text=True)
    assert client.get("/events/rdf-test-2026").status_code == 200
    # In the reader's language (the choice stays in the session: last).
    french = client.post("/admin/events/new?lang=fr", data={**base, "code": "x_2026", "starts_on": "2026-05-10",
                                                              "ends_on": "2026-05-08"})
    assert "La date de fin doit être identique ou postérieure à la date de début." in french.get_data(as_text=True)


def test_event_page_shows_exact_figures(client, builder):
    a = builder.pledge(amount=2_000_000, event_code="wtdc25", focus_area="connect",
                       targets=[("people_connected", 10_000, 2030)])
    b = builder.pledge(amount=500_000, event_code="wtdc25", focus_area="empower",
                       targets=[("people_trained", 3_000, 2028)])
    builder.pledge(amount=750_000, event_code="wtdc25", focus_area="connect", targets=[("people_connected", 1, 2030)],
                   status=ReviewStatus.SUBMITTED)  # not public: not counted
    builder.pledge(amount=9_000_000, event_code="wsis_forum_2026")  # another event
    builder.progress_report(a, period=2025, achieved={"people_connected": 4_200}, usd_disbursed=800_000,
                            implementation_status=ImplementationStatus.ON_TRACK)
    builder.progress_report(b, period=2025, achieved={"people_trained": 3_000}, usd_disbursed=500_000,
                            implementation_status=ImplementationStatus.COMPLETED)
    db.session.commit()
    html = client.get("/events/wtdc-25").get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")
    assert "WTDC-25" in html and "Baku" in html
    assert "$2,500,000" in html  # 2,000,000 + 500,000
    assert "2 of 2 pledges have an approved progress report; 1 are completed." in html
    assert "Disbursed to date, as stated in the latest approved reports: $1,300,000." in html
    assert "10,000" in html and "4,200" in html and "3,000" in html
    counter = client.get("/events/wtdc-25/counter.json").get_json()
    assert counter["pledges"] == 2 and counter["usd_value"] in ("2500000", "2500000.00")
    listing = client.get("/events").get_data(as_text=True)
    assert "$9,000,000" in listing and "$2,500,000" in listing
    # /progress "By pledging event" reflects the same pledges.
    progress = client.get("/api/v1/progress").get_json()
    event_rows = next(b["rows"] for b in progress["breakdowns"] if b["dimension"] == "event")
    rows = {r["key"]: r for r in event_rows}
    assert rows["wtdc25"]["pledges"] == 2 and rows["wsis_forum_2026"]["pledges"] == 1
    assert db.session.scalar(select(Event.slug).where(Event.code == "wtdc25")) == "wtdc-25"


def test_unknown_event_is_404(client):
    assert client.get("/events/no-such-event").status_code == 404
    assert client.get("/events/no-such-event/counter.json").status_code == 404
    assert client.get("/events/" + "x" * 200).status_code == 404
