"""/api/v1/events, /api/v1/events/<slug> and /api/v1/regional-initiatives: exact figures, filters and paging,
a 400 for unknown or bad parameters, and a pledge "to be announced" neither counted nor listed before its time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

import p2c.pledges.visibility as visibility
from p2c.core.db import utcnow
from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.extensions import db
from p2c.reference.initiatives import RegionalInitiative
from p2c.reference.models import Event

ANNOUNCE_IN = timedelta(hours=2)


@pytest.fixture
def announced(builder):
    """Two public pledges at WTDC-25 with progress, one in review, one at another event, and one approved
    pledge under embargo at WTDC-25."""
    a = builder.pledge(amount=2_000_000, event_code="wtdc25", focus_area="connect",
                       targets=[("people_connected", 10_000, 2030)])
    b = builder.pledge(amount=500_000, event_code="wtdc25", focus_area="empower",
                       targets=[("people_trained", 3_000, 2028)])
    builder.pledge(amount=750_000, event_code="wtdc25", status=ReviewStatus.SUBMITTED)
    builder.pledge(amount=9_000_000, event_code="wsis_forum_2026")
    hidden = builder.pledge(amount=250_000, event_code="wtdc25", focus_area="connect",
                            public_from=utcnow() + ANNOUNCE_IN)
    builder.progress_report(a, period=2025, achieved={"people_connected": 4_200}, usd_disbursed=800_000,
                            implementation_status=ImplementationStatus.ON_TRACK)
    builder.progress_report(b, period=2025, achieved={"people_trained": 3_000}, usd_disbursed=500_000,
                            implementation_status=ImplementationStatus.COMPLETED)
    db.session.commit()
    return a, b, hidden


def _rows(client, query: str = "") -> dict[str, dict]:
    body = client.get("/api/v1/events" + query).get_json()
    return {r["code"]: r for r in body["results"]}


def test_event_detail_has_exact_figures_and_hides_the_embargoed_pledge_until_its_time(client, announced,
                                                                                      monkeypatch):
    a, b, hidden = announced
    body = client.get("/api/v1/events/wtdc-25").get_json()
    assert {k: body[k] for k in ("code", "slug", "name", "kind", "starts_on", "ends_on", "location", "status")} == {
        "code": "wtdc25", "slug": "wtdc-25", "name": "WTDC-25", "kind": "wtdc", "starts_on": "2025-11-17",
        "ends_on": "2025-11-28", "location": "Baku", "status": "past"}
    assert (body["pledges"], body["usd_value"]) == (2, "2500000.00")
    assert body["by_focus_area"] == [
        {"focus_area": "connect", "name": "Connecting people everywhere", "pledges": 1, "usd_value": "2000000.00"},
        {"focus_area": "empower", "name": body["by_focus_area"][1]["name"], "pledges": 1,
         "usd_value": "500000.00"}]
    assert body["since"] == {"reported": 2, "completed": 1, "usd_disbursed": "1300000.00", "milestones": 0,
                             "milestones_done": 0}
    assert body["references"] == sorted([a.reference, b.reference]) and body["references_complete"] is True
    assert body["url"].endswith("/events/wtdc-25")
    assert body["pledges_url"].endswith("/api/v1/pledges?event=wtdc25")
    assert _rows(client)["wtdc25"]["pledges"] == 2 and _rows(client)["wtdc25"]["usd_value"] == "2500000.00"

    later = utcnow() + ANNOUNCE_IN + timedelta(minutes=1)
    monkeypatch.setattr(visibility, "utcnow", lambda: later)  # the announcement time has come: no write
    body = client.get("/api/v1/events/wtdc-25").get_json()
    assert (body["pledges"], body["usd_value"]) == (3, "2750000.00")
    assert body["by_focus_area"][0] == {"focus_area": "connect", "name": "Connecting people everywhere",
                                        "pledges": 2, "usd_value": "2250000.00"}
    assert body["references"] == sorted([a.reference, b.reference, hidden.reference])
    row = _rows(client)["wtdc25"]
    assert (row["pledges"], row["usd_value"]) == (3, "2750000.00")
    assert _rows(client)["wsis_forum_2026"]["pledges"] == 1


def test_event_list_order_and_paging(client, announced):
    total = db.session.scalar(select(func.count(Event.code)))
    first = client.get("/api/v1/events?limit=3").get_json()
    assert first["count"] == total
    # Latest first: the dated events by start date, then the undated ones.
    assert [r["code"] for r in first["results"]] == ["wsis_forum_2026", "wtdc25", "wsis20_aiforgood_2025"]
    assert first["results"][0] == {
        "code": "wsis_forum_2026", "slug": "wsis-forum-2026", "name": "WSIS Forum 2026", "name_translations": {},
        "kind": "wsis_forum", "starts_on": "2026-07-06", "ends_on": "2026-07-10", "location": "Geneva",
        "status": first["results"][0]["status"], "pledges": 1, "usd_value": "9000000.00",
        "url": "http://localhost/events/wsis-forum-2026"}
    seen, url, pages = [], "/api/v1/events?limit=3", 0
    while url:
        page = client.get(url.replace("http://localhost", "")).get_json()
        seen += [r["code"] for r in page["results"]]
        url, pages = page["next"], pages + 1
    assert len(seen) == len(set(seen)) == total and pages == -(-total // 3)


@pytest.fixture
def upcoming_event():
    """An event a month from now (reference rows persist between tests: removed after)."""
    start = utcnow().date() + timedelta(days=30)
    db.session.add(Event(code="api_test_rdf", name="RDF test", slug="api-test-rdf", kind="regional_forum",
                         starts_on=start, ends_on=start + timedelta(days=2), location="Nairobi", position=99))
    db.session.commit()
    yield start
    db.session.rollback()
    db.session.execute(delete(Event).where(Event.code == "api_test_rdf"))
    db.session.commit()


def test_event_filters(client, announced, upcoming_event):
    upcoming = client.get("/api/v1/events?status=upcoming").get_json()
    assert "api_test_rdf" in [r["code"] for r in upcoming["results"]]
    assert all(r["starts_on"] > utcnow().date().isoformat() for r in upcoming["results"])
    assert "api_test_rdf" not in _rows(client, "?status=past")
    assert list(_rows(client, "?year=2025")) == ["wtdc25", "wsis20_aiforgood_2025"]
    assert list(_rows(client, "?kind=wtdc&year=2022")) == ["wtdc22_roundtable"]
    regional = _rows(client, f"?kind=regional_forum&year={upcoming_event.year}&status=upcoming")
    assert list(regional) == ["api_test_rdf"] and regional["api_test_rdf"]["pledges"] == 0
    assert regional["api_test_rdf"]["usd_value"] == "0.00"
    assert client.get("/api/v1/events?year=2025&lang=fr").status_code == 200


@pytest.mark.parametrize(("query", "field"), [
    ("?foo=1", "foo"), ("?kind=concert", "kind"), ("?status=soon", "status"), ("?year=abc", "year"),
    ("?limit=0", "limit"), ("?page=0", "page"), ("?limit=201", "limit"),
])
def test_bad_event_parameters_are_a_400_naming_them(client, query, field):
    response = client.get("/api/v1/events" + query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400 and list(error["fields"]) == [field]


def test_unknown_event_is_a_json_404(client):
    response = client.get("/api/v1/events/no-such-event")
    assert response.status_code == 404 and response.get_json()["error"]["message"] == "No event has this address."
    assert client.get("/api/v1/events/" + "x" * 200).status_code == 404


def test_regional_initiatives_with_exact_counts(client, builder, monkeypatch):
    afr1, afr5 = db.session.get(RegionalInitiative, "AFR1"), db.session.get(RegionalInitiative, "AFR5")
    builder.pledge(countries=["KEN"], amount=1_000_000, initiatives=[afr1, afr5])
    builder.pledge(countries=["SEN"], amount=250_000, initiatives=[afr1])
    builder.pledge(countries=["GHA"], amount=40_000, initiatives=[afr1], public_from=utcnow() + ANNOUNCE_IN)
    builder.pledge(countries=["NGA"], amount=7_000, initiatives=[afr1], status=ReviewStatus.SUBMITTED)
    db.session.commit()
    body = client.get("/api/v1/regional-initiatives").get_json()
    assert body["count"] == db.session.scalar(select(func.count(RegionalInitiative.code)))
    rows = {r["code"]: r for r in body["results"]}
    assert {k: rows["AFR1"][k] for k in ("region", "number", "title_lang", "period_start", "period_end", "active",
                                          "pledges", "usd_value")} == {
        "region": "AFR", "number": 1, "title_lang": "en", "period_start": 2026, "period_end": 2029, "active": True,
        "pledges": 2, "usd_value": "1250000.00"}
    assert rows["AFR1"]["url"] == "http://localhost/regions/AFR"
    assert (rows["AFR5"]["pledges"], rows["AFR5"]["usd_value"]) == (1, "1000000.00")
    assert (rows["EUR1"]["pledges"], rows["EUR1"]["usd_value"]) == (0, "0.00")
    africa = client.get("/api/v1/regional-initiatives?region=AFR").get_json()
    assert [r["code"] for r in africa["results"]] == ["AFR1", "AFR2", "AFR3", "AFR4", "AFR5"]
    later = utcnow() + ANNOUNCE_IN + timedelta(minutes=1)
    monkeypatch.setattr(visibility, "utcnow", lambda: later)
    rows = {r["code"]: r for r in client.get("/api/v1/regional-initiatives").get_json()["results"]}
    assert (rows["AFR1"]["pledges"], rows["AFR1"]["usd_value"]) == (3, "1290000.00")
    for query, field in (("?region=XYZ", "region"), ("?regions=AFR", "regions")):
        response = client.get("/api/v1/regional-initiatives" + query)
        assert response.status_code == 400 and list(response.get_json()["error"]["fields"]) == [field]


def test_a_bad_parameter_is_explained_in_the_readers_language(client):
    body = client.get("/api/v1/events?kind=concert&colour=red&lang=fr").get_json()["error"]
    assert body["fields"] == {
        "kind": ["Choisissez l'une de ces valeurs : wsis_forum, wtdc, regional_forum, p2c_annual, other."],
        "colour": ["Paramètre inconnu."]}
    body = client.get("/api/v1/events?limit=500&lang=es").get_json()["error"]
    assert body["fields"] == {"limit": ["Introduzca un número entero entre 1 y 200."]}


def test_event_detail_names_the_focus_areas_in_the_readers_language(client, announced):
    names = {lang: [r["name"] for r in client.get(f"/api/v1/events/wtdc-25?lang={lang}").get_json()["by_focus_area"]]
             for lang in ("fr", "es", "en")}
    assert names["fr"][0] == "Connecter les personnes partout"
    assert names["es"][0] == "Conectar a las personas en todas partes"
    assert names["en"][0] == "Connecting people everywhere"
    assert len({tuple(n) for n in names.values()}) == 3
