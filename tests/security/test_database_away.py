"""PostgreSQL going away in the middle of a request: a clean 503 (or the finished answer), never an
exception escaping the app (behind gunicorn, that was its bare "Internal Server Error" page)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from p2c import create_app
from p2c.extensions import db
from tests.security.dbproxy import CuttableProxy

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"),
                                reason="needs PostgreSQL (TEST_DATABASE_URL): the proxy cuts a TCP connection")


@pytest.fixture
def away():
    """(app, proxy): an app whose database connections go through a proxy the test can cut."""
    url = make_url(DATABASE_URL)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url.set(host="127.0.0.1", port=proxy.port)
                     .render_as_string(hide_password=False))
    app.testing = False  # as in production: exceptions go to the error handlers, not to the caller

    @app.get("/_read_then_gone")
    def read_then_gone():
        db.session.execute(text("SELECT 1"))  # a transaction is open ...
        proxy.cut()  # ... when the database goes away: only the teardown's rollback meets it
        return "finished"

    @app.get("/_gone_between_statements")
    def gone_between_statements():
        db.session.execute(text("SELECT 1"))
        proxy.cut()
        db.session.execute(text("SELECT 1"))
        return "unreachable"

    yield app, proxy
    with app.app_context():
        db.engine.dispose()
    proxy.close()


def test_the_teardown_never_raises_when_the_database_goes_away(away):
    app, proxy = away
    client = app.test_client()
    response = client.get("/_read_then_gone")  # raised OperationalError out of the app before
    assert response.status_code == 200 and response.get_data(as_text=True) == "finished"
    proxy.restore()
    assert client.get("/pledges").status_code == 200  # the pool dropped the dead connection


@pytest.mark.parametrize("path", ["/_gone_between_statements", "/pledges", "/api/v1/pledges", "/progress"])
def test_a_request_that_meets_the_outage_gets_a_clean_503(away, path):
    app, proxy = away
    client = app.test_client()
    assert client.get("/readyz").status_code == 200  # a live connection sits in the pool
    if path != "/_gone_between_statements":
        proxy.cut()
    response = client.get(path)
    assert response.status_code == 503, path
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "OperationalError" not in body
    if path.startswith("/api/"):
        assert response.json["error"]["status"] == 503
    proxy.restore()
    assert client.get("/readyz").status_code == 200
