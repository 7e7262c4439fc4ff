"""Mail server down: the submission is saved and the message waits; `p2c mail flush` delivers it.
Rate limits per client address on the public forms."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from p2c import create_app
from p2c.core.models import OutboxMessage
from p2c.extensions import db, limiter
from p2c.members.models import CallForInterest
from p2c.pledges.models import Pledge
from tests.pledges.formdata import valid_eoi, valid_pledge
from tests.smtp import LocalSmtpServer


def test_mail_server_down_then_flush_delivers(client, app, smtp_server):
    # The testing config points at port 1, where nothing listens: the server is "down".
    assert client.post("/pledges/new", data=valid_pledge()).status_code == 302
    pledge = db.session.scalars(select(Pledge)).one()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.sent_at is None and message.attempts == 1 and message.last_error
    assert pledge.reference in message.subject

    old = app.config["MAIL_PORT"], app.config["MAIL_SERVER"]
    app.config.update(MAIL_PORT=smtp_server.port, MAIL_SERVER="127.0.0.1")
    try:
        result = app.test_cli_runner().invoke(args=["p2c", "mail", "flush", "--all"])
    finally:
        app.config["MAIL_PORT"], app.config["MAIL_SERVER"] = old
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0, still pending 0" in result.output
    received = smtp_server.wait_for(1)
    assert pledge.reference in LocalSmtpServer.text_of(received[0])
    db.session.expire_all()
    assert db.session.scalars(select(OutboxMessage)).one().sent_at is not None


def test_flush_reports_failure_while_the_server_is_down(client, app):
    client.post("/pledges/new", data=valid_pledge())
    result = app.test_cli_runner().invoke(args=["p2c", "mail", "flush", "--all"])
    assert result.exit_code == 1 and "sent 0, failed 1" in result.output
    assert db.session.scalar(select(func.count(Pledge.id))) == 1


def test_the_next_submission_retries_waiting_mail(client, app, mail_to):
    app.config["MAIL_PORT"] = 1
    client.post("/pledges/new", data=valid_pledge(focal_email="first@example.org"))
    first = db.session.scalars(select(OutboxMessage)).one()
    first.next_attempt_at = first.created_at  # its back-off is over
    db.session.commit()
    app.config["MAIL_PORT"] = mail_to.port
    client.post("/pledges/new", data=valid_pledge(focal_email="second@example.org"))
    received = mail_to.wait_for(2)
    assert sorted(m["To"] for m in received) == ["first@example.org", "second@example.org"]


@pytest.fixture
def limited_client(app):
    """A second app instance with rate limits on (2 submissions per hour) on the same database."""
    limited = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         RATELIMIT_ENABLED=True, SUBMISSION_RATE_LIMIT="2 per hour")
    try:
        yield limited.test_client()
    finally:
        # The limiter object is shared: switch it off again for the rest of the suite.
        limiter.reset()
        limiter.enabled = False


def test_rate_limit_on_the_pledge_form(limited_client):
    statuses = [limited_client.post("/pledges/new", data=valid_pledge()).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    response = limited_client.post("/pledges/new", data=valid_pledge())
    assert "too many requests" in response.get_data(as_text=True).lower()
    # Reading the form is never limited.
    assert limited_client.get("/pledges/new").status_code == 200
    assert db.session.scalar(select(func.count(Pledge.id))) == 2


def test_corrections_do_not_count_toward_the_submission_limit(limited_client):
    # Someone fixing a long form: previews and forms sent back with errors are not submissions.
    invalid = valid_pledge(title="")
    assert [limited_client.post("/pledges/new", data=invalid).status_code for _ in range(4)] == [422] * 4
    statuses = [limited_client.post("/pledges/new", data=valid_pledge()).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert db.session.scalar(select(func.count(Pledge.id))) == 2


def test_rate_limit_on_join_and_access(limited_client):
    from datetime import date

    db.session.add(CallForInterest(title="Open", opens_on=date(2020, 1, 1), rolling=True))
    db.session.commit()
    assert [limited_client.post("/join", data=valid_eoi()).status_code for _ in range(3)][-1] == 429
    assert [limited_client.post("/access", data={"email": "a@example.org"}).status_code
            for _ in range(3)][-1] == 429
