"""Sign-in throttling: guesses slow down per e-mail AND client address with an exponential back-off,
so an attacker locks out only themself; the answer takes the same argon2 work whether the account
exists, is invited, deactivated or waiting, so timing reveals nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from p2c.accounts import services
from p2c.accounts.models import LoginThrottle
from p2c.core.enums import UserRole
from p2c.extensions import db
from tests.builders import PASSWORD


def _post(app, email: str, password: str, address: str):
    client = app.test_client()
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _signed_in(response) -> bool:
    return response.status_code == 302


def test_an_attacker_locks_out_only_their_own_address(app, builder):
    builder.user(email="rev@example.org")
    db.session.commit()
    for _ in range(services.FREE_FAILURES):
        assert _post(app, "rev@example.org", "guess", "203.0.113.9").status_code == 200
    # The guessing address now waits, even with the right password ...
    assert not _signed_in(_post(app, "rev@example.org", PASSWORD, "203.0.113.9"))
    # ... while the real person, from their own address, signs in at once.
    assert _signed_in(_post(app, "rev@example.org", PASSWORD, "198.51.100.7"))


def test_the_wait_doubles_and_is_capped(app, builder):
    builder.user(email="rev@example.org")
    db.session.commit()
    waits = [services.backoff_seconds(n) for n in range(1, 16)]
    assert waits[: services.FREE_FAILURES - 1] == [0] * (services.FREE_FAILURES - 1)
    assert waits[services.FREE_FAILURES - 1: services.FREE_FAILURES + 2] == [30, 60, 120]
    assert max(waits) == services.BACKOFF_MAX_SECONDS
    address = "203.0.113.9"
    with app.test_request_context():
        for expected in (30, 60, 120):
            for _ in range(services.FREE_FAILURES if expected == 30 else 1):
                _end_wait(address)
                services.authenticate("rev@example.org", "guess", address)
            row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.address == address))
            assert (row.blocked_until - row.last_failure_at) == timedelta(seconds=expected)
            # Guesses during the wait are refused without counting (and without checking the password).
            failures = row.failures
            assert services.authenticate("rev@example.org", PASSWORD, address) is None
            assert row.failures == failures
        db.session.rollback()


def _end_wait(address: str) -> None:
    """Move the pair's clock back so that its wait is over (as if the attacker waited)."""
    from p2c.core.db import utcnow

    for row in db.session.scalars(select(LoginThrottle).where(LoginThrottle.address == address)):
        if row.blocked_until is not None:
            shift = row.blocked_until - utcnow() + timedelta(seconds=1)
            row.blocked_until -= shift
            row.last_failure_at -= shift
    db.session.flush()


def test_success_clears_the_pair_and_unknown_accounts_are_throttled_alike(app, builder):
    builder.user(email="rev@example.org")
    db.session.commit()
    for _ in range(3):
        _post(app, "rev@example.org", "guess", "203.0.113.9")
    assert _signed_in(_post(app, "rev@example.org", PASSWORD, "203.0.113.9"))
    assert db.session.scalar(select(LoginThrottle).where(LoginThrottle.email == "rev@example.org")) is None
    for _ in range(services.FREE_FAILURES):
        _post(app, "nobody@example.org", "guess", "203.0.113.9")
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.email == "nobody@example.org"))
    assert row is not None and row.blocked_until is not None


@pytest.fixture
def verify_calls(monkeypatch):
    """Counts argon2 verifications (the slow step the answer time depends on)."""
    calls: list[str] = []
    real = services._hasher

    class Spy:
        def hash(self, password):
            return real.hash(password)

        def verify(self, hash_, password):
            calls.append(hash_)
            return real.verify(hash_, password)

    monkeypatch.setattr(services, "_hasher", Spy())
    return calls


def test_every_answer_costs_one_argon2_verification(app, builder, verify_calls):
    builder.user(email="rev@example.org")
    deactivated = builder.user(email="gone@example.org")
    deactivated.active = False
    with app.test_request_context():
        services.invite_user("invited@example.org", UserRole.REVIEWER)
        db.session.commit()
        cases = {
            "wrong password": ("rev@example.org", "guess", "192.0.2.1"),
            "no account": ("nobody@example.org", "guess", "192.0.2.2"),
            "invited": ("invited@example.org", "guess", "192.0.2.3"),
            "deactivated": ("gone@example.org", PASSWORD, "192.0.2.4"),
            "right password": ("rev@example.org", PASSWORD, "192.0.2.5"),
        }
        for name, (email, password, address) in cases.items():
            verify_calls.clear()
            services.authenticate(email, password, address)
            assert len(verify_calls) == 1, name
        for _ in range(services.FREE_FAILURES):
            services.authenticate("rev@example.org", "guess", "192.0.2.6")
        verify_calls.clear()
        assert services.authenticate("rev@example.org", PASSWORD, "192.0.2.6") is None  # waiting
        assert len(verify_calls) == 1, "waiting"
        db.session.rollback()
