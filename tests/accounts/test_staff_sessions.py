"""Password change, idle session timeout, the staff bar."""

from __future__ import annotations

import time

from p2c.extensions import db
from tests.builders import PASSWORD


def test_password_change_ends_other_sessions(app, client, builder):
    user = builder.user(email="rev@example.org")
    db.session.commit()
    assert client.post("/login", data={"email": "rev@example.org", "password": PASSWORD}).status_code == 302
    other = app.test_client()
    other.post("/login", data={"email": "rev@example.org", "password": PASSWORD})
    assert other.get("/review/").status_code == 200
    wrong = client.post("/account/password", data={"current": "nope", "new": "a new long password",
                                                   "confirm": "a new long password"})
    assert wrong.status_code == 400 and "not right" in wrong.get_data(as_text=True)
    mismatch = client.post("/account/password", data={"current": PASSWORD, "new": "a new long password",
                                                      "confirm": "something else"})
    assert mismatch.status_code == 400
    ok = client.post("/account/password", data={"current": PASSWORD, "new": "a new long password",
                                                "confirm": "a new long password"})
    assert ok.status_code == 302
    assert client.get("/review/").status_code == 200  # this session carries on
    assert other.get("/review/").status_code == 302  # the other one ended
    assert user.id


def test_idle_sessions_expire(app, builder):
    builder.user(email="idle@example.org")
    db.session.commit()
    old = app.permanent_session_lifetime
    app.permanent_session_lifetime = 1
    try:
        client = app.test_client()
        client.post("/login", data={"email": "idle@example.org", "password": PASSWORD})
        response = client.get("/review/")
        assert response.status_code == 200
        assert "Expires=" in response.headers.get("Set-Cookie", "")  # refreshed on activity
        time.sleep(2.1)
        response = client.get("/review/")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    finally:
        app.permanent_session_lifetime = old


def test_staff_bar_links(client, login):
    login("reviewer")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/review/"' in html and 'href="/admin/"' not in html and "/account/password" in html
