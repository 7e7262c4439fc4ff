"""The migrations build exactly the models' schema, and downgrade to base works, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from p2c import create_app
from p2c.core.search import include_name
from p2c.extensions import db


@contextmanager
def _fresh_database(tmp_path):
    """An empty database of the same kind as the suite's, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"p2c_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# The triggers that keep the review queue's region table and search index (0009_queue1m_region_search).
# SQLite's batch_alter_table rebuilds a table and drops its triggers (or fails on one naming it): a later
# migration that batch-alters pledge, pledge_country, country or organization must create them again, and
# this check says so if it does not.
POSTGRES_TRIGGERS = {"pledge_region_country_insert", "pledge_region_country_delete", "pledge_region_pledge_update",
                     "pledge_region_country_region"}
SQLITE_TRIGGERS = POSTGRES_TRIGGERS | {"pledge_region_pledge_delete", "pledge_search_insert", "pledge_search_delete",
                                       "pledge_search_update", "organization_search_insert",
                                       "organization_search_delete", "organization_search_update"}


def _triggers() -> set[str]:
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":
            return set(conn.scalars(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))
        return set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))


def test_upgrade_matches_models_and_downgrade_reaches_base(tmp_path):
    with _fresh_database(tmp_path) as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade(revision="heads")
            with db.engine.connect() as conn:
                # The search index's own schema (FTS5 tables, trigram indexes) is the migrations' only.
                opts = {"compare_type": True, "include_name": include_name}
                diff = compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)
            assert diff == [], f"models and migrations differ: {diff}"
            tables = set(inspect(db.engine).get_table_names())
            assert {"pledge", "organization", "progress_report", "audit_event", "publication"} <= tables
            assert _triggers() == (POSTGRES_TRIGGERS if db.engine.dialect.name == "postgresql" else SQLITE_TRIGGERS)

            downgrade(revision="base")
            remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
            assert remaining == set()

            upgrade(revision="heads")  # and back up again: downgrade left nothing behind that blocks a re-run
            assert "pledge" in inspect(db.engine).get_table_names()
            db.session.remove()
            db.engine.dispose()


def test_application_code_never_calls_create_all():
    root = os.path.join(os.path.dirname(__file__), "..", "p2c")
    offenders = []
    for folder, _, files in os.walk(root):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as fh:
                    if "create_all(" in fh.read():
                        offenders.append(path)
    assert offenders == []


@pytest.mark.parametrize("table", ["pledge", "organization", "expression_of_interest", "progress_report", "goal"])
def test_edited_records_have_a_version_column(app, table):
    columns = {c["name"] for c in inspect(db.engine).get_columns(table)}
    assert "version" in columns
