"""Staff accounts: create-user, login with argon2 hashes, lockout after repeated failures."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from p2c.accounts import services
from p2c.accounts.models import LoginThrottle, User
from p2c.core.enums import UserRole
from p2c.core.errors import ServiceError
from p2c.core.models import AuditEvent
from p2c.extensions import db
from tests.builders import PASSWORD


def test_create_user_reads_the_password_from_stdin(app):
    result = app.test_cli_runner().invoke(args=["p2c", "create-user", "Admin@Example.org", "--role", "admin"],
                                          input="a long enough password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.email == "admin@example.org" and user.is_admin
    assert user.password_hash.startswith("$argon2")


def test_create_user_refuses_short_passwords_and_duplicates(app, builder):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["p2c", "create-user", "a@example.org"], input="short\n")
    assert result.exit_code != 0 and "at least" in result.output
    builder.user(email="b@example.org")
    db.session.commit()
    result = runner.invoke(args=["p2c", "create-user", "b@example.org"], input="a long enough password\n")
    assert result.exit_code != 0 and "exists" in result.output


def test_create_user_messages_are_translated(app, builder):
    builder.user(email="b@example.org")
    db.session.commit()
    with app.test_request_context():
        with pytest.raises(ServiceError) as short:
            services.create_user("a@example.org", "short", UserRole.REVIEWER)
        assert short.value.message == "The password must have at least 10 characters."
        with force_locale("fr"), pytest.raises(ServiceError) as taken:
            services.create_user("B@example.org", "a long enough password", UserRole.REVIEWER)
        assert taken.value.message == "Un compte du personnel avec cette adresse électronique existe déjà."


def test_login_and_logout(client, builder):
    builder.user(email="rev@example.org")
    db.session.commit()
    response = client.post("/login", data={"email": "rev@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "login")) == "login"
    assert client.post("/logout").status_code == 302


def test_wrong_password_is_refused_and_locks_after_five_tries(client, builder):
    builder.user(email="rev@example.org")
    db.session.commit()
    for _ in range(5):
        response = client.post("/login", data={"email": "rev@example.org", "password": "wrong"})
        assert response.status_code == 200
        assert "not right" in response.get_data(as_text=True)
    response = client.post("/login", data={"email": "rev@example.org", "password": PASSWORD})
    assert response.status_code == 200  # locked, even with the right password
    db.session.expire_all()
    # The wait is per e-mail and client address now (tests/security/test_lockout.py), not on the account.
    assert db.session.scalar(select(LoginThrottle.blocked_until)) is not None


def test_login_never_redirects_off_site(client, builder):
    builder.user(email="rev@example.org")
    db.session.commit()
    response = client.post("/login?next=//evil.example/x", data={"email": "rev@example.org", "password": PASSWORD})
    # An unsafe next falls back to where staff land after signing in: the review queue (issue 13).
    assert response.headers["Location"] == "/review/"
