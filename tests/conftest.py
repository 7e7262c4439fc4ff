"""Shared fixtures: the app on a migrated test database, per-test cleanup, client, builder, SMTP.

The suite runs on SQLite (a temporary file) by default and on PostgreSQL when TEST_DATABASE_URL
is set. The schema comes from the migrations, exactly as in production; reference data is loaded
once, and every other table is emptied after each test.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import select, text, update

from p2c import create_app
from p2c.extensions import cache, db, limiter
from p2c.pledges.directory_cache import pages as directory_pages
from p2c.reference.loaders import load_all
from tests.builders import Builder

REFERENCE_TABLES = {
    "country", "focus_area", "pillar", "pledge_type", "stakeholder_group", "beneficiary_group", "sdg",
    "wsis_line", "indicator", "currency", "exchange_rate", "event", "reference_source", "alembic_version",
    "regional_initiative",
    "sdg_target", "gdc_objective",
}


def _database_url(tmp: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.sqlite'}"


def _drop_everything() -> None:
    """Start PostgreSQL runs from an empty schema (a previous run may have left tables)."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (own `g`, own database session), as in production.

    Without this, requests would reuse the test's app context, sharing `g` and the session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app():
    """The application, migrated to head, with reference data."""
    from tests.i18n.conftest import compile_catalogs

    compile_catalogs()  # /readyz and the translated pages need current .mo files (as `make compile` makes)
    tmp = Path(tempfile.mkdtemp(prefix="p2c-test-"))
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=_database_url(tmp), TEST_TMP=str(tmp))
    application.test_client_class = FreshContextClient
    with application.app_context():
        _drop_everything()
        upgrade(revision="heads")
        load_all()
        db.session.commit()
        _EVENT_DATES.update(_event_dates())
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


# The shipped events' dates as loaded. The demo data date the next annual meeting (a reference row the
# suite keeps), which would reorder event lists in every later test: clean_database puts them back.
_EVENT_DATES: dict[str, tuple] = {}


def _event_dates() -> dict[str, tuple]:
    from p2c.reference.models import Event

    return {code: (starts, ends) for code, starts, ends in db.session.execute(
        select(Event.code, Event.starts_on, Event.ends_on))}


def clean_database() -> None:
    """Empty every table but the reference data (and admin edits to it); shipped events get their dates back."""
    from p2c.reference.models import Event

    db.session.rollback()
    for code, dates in _event_dates().items():
        if code in _EVENT_DATES and dates != _EVENT_DATES[code]:
            starts, ends = _EVENT_DATES[code]
            db.session.execute(update(Event).where(Event.code == code).values(starts_on=starts, ends_on=ends))
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def _app_context(app):
    """Every test runs in an app context and leaves an empty database behind."""
    with app.app_context():
        yield
        clean_database()
        cache.clear()
        directory_pages.clear()
        # The rate limiter is one object for every app of the process: a test that turned it on (an app
        # made with RATELIMIT_ENABLED) must not leave later tests answering 429.
        if limiter.enabled:
            limiter.reset()
            limiter.enabled = False


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def builder() -> Builder:
    """Builds consistent test records (organizations, pledges, users ...)."""
    return Builder()


@pytest.fixture
def smtp_server():
    """A real local SMTP server (aiosmtpd) on a free port; `.messages` holds what arrived."""
    from tests.smtp import LocalSmtpServer

    server = LocalSmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_to(app, smtp_server):
    """Point the app's mail settings at the local SMTP server for one test."""
    old = app.config["MAIL_PORT"], app.config["MAIL_SERVER"]
    app.config.update(MAIL_PORT=smtp_server.port, MAIL_SERVER="127.0.0.1")
    yield smtp_server
    app.config["MAIL_PORT"], app.config["MAIL_SERVER"] = old


@pytest.fixture
def login(client, builder):
    """login(role) creates a staff user of that role and signs the test client in."""

    def _login(role: str = "reviewer", email: str | None = None):
        user = builder.user(role=role, email=email)
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return _login
