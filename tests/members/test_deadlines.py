"""Deadlines in the call's own time zone; late and rate-limited submissions keep everything typed;
a pledging event's access code (issue 12, "Time")."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from p2c import create_app
from p2c.extensions import db, limiter
from p2c.members import queries
from p2c.members.models import CallForInterest, ExpressionOfInterest
from p2c.pledges.models import Pledge
from p2c.reference.models import Event
from tests.pledges.formdata import valid_eoi, valid_pledge


def _bogota_call() -> CallForInterest:
    call = CallForInterest(title="Call 2026", opens_on=date(2026, 11, 1), closes_on=date(2026, 11, 29),
                           closes_time=time(23, 59), time_zone="America/Bogota")
    db.session.add(call)
    db.session.commit()
    return call


# (UTC instant, open?): the call is "open until 29 November", 23:59 in Bogotá (UTC-5).
BOGOTA_ROWS = [
    (datetime(2026, 11, 30, 4, 18, tzinfo=UTC), True),   # issue 12: 23:18 on 29 November in Bogotá
    (datetime(2026, 11, 30, 4, 59, 59, tzinfo=UTC), True),  # 23:59:59 Bogotá: the stated minute counts
    (datetime(2026, 11, 30, 5, 0, tzinfo=UTC), False),    # midnight in Bogotá
    (datetime(2026, 11, 1, 4, 59, tzinfo=UTC), False),    # 31 October, 23:59 in Bogotá: not open yet
    (datetime(2026, 11, 1, 5, 0, tzinfo=UTC), True),      # 1 November, 00:00 in Bogotá
]


@pytest.mark.parametrize(("now", "is_open"), BOGOTA_ROWS, ids=[r[0].isoformat() for r in BOGOTA_ROWS])
def test_the_deadline_is_in_the_call_s_time_zone(app, now, is_open):
    _bogota_call()
    assert queries.call_state(now).is_open is is_open


@pytest.fixture
def at(monkeypatch):
    """Freeze the server's clock of /join at a UTC instant."""
    def _at(instant: datetime) -> None:
        monkeypatch.setattr("p2c.members.views.utcnow", lambda: instant.replace(tzinfo=None))
    return _at


def test_a_submission_at_23_18_in_bogota_on_the_last_day_is_accepted(client, at):
    _bogota_call()
    at(datetime(2026, 11, 30, 4, 18))
    html = client.get("/join?lang=es").get_data(as_text=True)
    # The page says the deadline in words, with its time zone, in the reader's language.
    assert "domingo, 29 de noviembre de 2026" in html and "23:59" in html and "hora estándar de Colombia" in html
    assert client.post("/join", data=valid_eoi()).status_code == 302
    assert db.session.scalar(select(func.count(ExpressionOfInterest.id))) == 1


def test_a_late_submission_keeps_everything_typed_and_says_what_happened(client, at):
    _bogota_call()
    at(datetime(2026, 11, 30, 5, 30))
    typed = valid_eoi(org_name="Fundación Conectar Andes", contribution="Redes comunitarias en 40 municipios "
                                                                         "de Nariño y Cauca, con formación local.")
    response = client.post("/join", data=typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Fundación Conectar Andes" in html and "Redes comunitarias en 40 municipios" in html
    # The call's title is team-written text, shown in its own language span (`user_text`).
    assert '<span class="user-text" lang="en" dir="ltr">Call 2026</span> closed on' in html
    assert "Colombia Standard Time" in html
    assert "everything you typed is kept below" in html
    assert db.session.scalar(select(func.count(ExpressionOfInterest.id))) == 0


@pytest.fixture
def limited_client(app):
    """A second app instance with rate limits on (2 saved submissions per hour) on the same database."""
    limited = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         RATELIMIT_ENABLED=True, SUBMISSION_RATE_LIMIT="2 per hour",
                         EVENT_SUBMISSION_LIMIT="3 per day")
    try:
        yield limited.test_client()
    finally:
        limiter.reset()
        limiter.enabled = False


def test_a_rate_limited_pledge_keeps_everything_typed(limited_client):
    for _ in range(2):
        assert limited_client.post("/pledges/new", data=valid_pledge()).status_code == 302
    response = limited_client.post("/pledges/new", data=valid_pledge(title="Connect 75 island clinics"))
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert 'value="Connect 75 island clinics"' in html and "everything you typed is kept below" in html
    assert response.headers.get("Retry-After")


def test_a_rate_limited_expression_of_interest_keeps_everything_typed(limited_client):
    db.session.add(CallForInterest(title="Open", opens_on=date(2020, 1, 1), rolling=True))
    db.session.commit()
    for _ in range(2):
        assert limited_client.post("/join", data=valid_eoi()).status_code == 302
    response = limited_client.post("/join", data=valid_eoi(org_name="Pacific Links Trust"))
    assert response.status_code == 429
    assert 'value="Pacific Links Trust"' in response.get_data(as_text=True)


@pytest.fixture
def event_code():
    """An event with an access code (events are reference data the suite keeps: removed afterwards)."""
    db.session.add(Event(code="wtdc26x", name="WTDC pledging session", access_code="VENUE-2026-BAKU"))
    db.session.commit()
    yield "VENUE-2026-BAKU"
    db.session.rollback()
    db.session.delete(db.session.get(Event, "wtdc26x"))
    db.session.commit()


def test_an_event_access_code_limits_per_delegate_not_per_venue_address(limited_client, event_code):
    code = event_code
    assert f'value="{code}"' in limited_client.get(f"/pledges/new?code={code}").get_data(as_text=True)
    statuses = [limited_client.post("/pledges/new", data=valid_pledge(access_code=code,
                                                                      focal_email=f"delegate{i}@example.org"))
                .status_code for i in range(3)]
    assert statuses == [302, 302, 302]  # three delegates behind one address
    # The event's own cap (3 per day here) still binds, whoever sends.
    assert limited_client.post("/pledges/new", data=valid_pledge(
        access_code=code, focal_email="delegate9@example.org")).status_code == 429
    assert db.session.scalar(select(func.count(Pledge.id))) == 3


def test_one_delegate_with_the_code_is_still_limited(limited_client, event_code):
    statuses = [limited_client.post("/pledges/new", data=valid_pledge(access_code=event_code)).status_code
                for _ in range(3)]
    assert statuses == [302, 302, 429]


def test_without_a_valid_code_the_venue_address_is_limited_as_before(limited_client, event_code):
    statuses = [limited_client.post("/pledges/new", data=valid_pledge(access_code="GUESSED-CODE-1",
                                                                      focal_email=f"d{i}@example.org"))
                .status_code for i in range(3)]
    assert statuses == [302, 302, 429]
