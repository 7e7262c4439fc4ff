"""Session replay: a session cookie copied before sign-out (or before a password change) opens
nothing afterwards. The user's session token, stored on the server, changes at sign-out; the
cookie names the old one, so the user loader refuses it."""

from __future__ import annotations

from p2c.extensions import db
from tests.builders import PASSWORD


def _copy_cookie(app, client):
    """A second client carrying the same session cookie (an attacker who copied it)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_cookie_copied_before_logout_no_longer_opens_admin(app, client, builder):
    builder.user(role="admin", email="admin@example.org")
    db.session.commit()
    assert client.post("/login", data={"email": "admin@example.org", "password": PASSWORD}).status_code == 302
    thief = _copy_cookie(app, client)
    assert thief.get("/admin/").status_code == 200  # the copy works while the session lives
    assert client.post("/logout").status_code == 302
    replay = thief.get("/admin/")
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]
    assert thief.get("/review/").status_code == 302
    # Signing in again works, with a fresh session.
    assert client.post("/login", data={"email": "admin@example.org", "password": PASSWORD}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert thief.get("/admin/").status_code == 302


def test_a_cookie_copied_before_a_password_change_no_longer_works(app, client, builder):
    builder.user(email="rev@example.org")
    db.session.commit()
    client.post("/login", data={"email": "rev@example.org", "password": PASSWORD})
    thief = _copy_cookie(app, client)
    new = "another long password"
    assert client.post("/account/password", data={"current": PASSWORD, "new": new, "confirm": new}).status_code == 302
    assert client.get("/review/").status_code == 200
    assert thief.get("/review/").status_code == 302


def test_private_link_sessions_grant_nothing_without_the_token(app, builder):
    """A focal point has no sign-in: every private page needs the token in its URL, and the browser
    session only remembers that a link was followed (so staff pages answer 403, not the login page)."""
    from p2c.core.tokens import make_token

    pledge = builder.pledge()
    db.session.commit()
    focal = app.test_client()
    token = make_token("pledge", pledge.id, pledge.focal_point.email)
    assert focal.get(f"/my/{token}").status_code == 200
    thief = _copy_cookie(app, focal)
    assert thief.get("/my/not-the-token").status_code == 403
    assert thief.get("/review/").status_code == 403
