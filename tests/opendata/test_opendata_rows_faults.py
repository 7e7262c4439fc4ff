"""The open-data rows against time, a second worker and the web processes' writes (a reviewer's findings):
rows that read today's date follow it, one writer renders at a time, and no write lock is held while the
files are written."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import select

import p2c.opendata.iati as iati
from p2c.core.db import utcnow
from p2c.core.enums import ImplementationStatus
from p2c.core.unit import commit
from p2c.extensions import db
from p2c.opendata import fragments, snapshots
from p2c.opendata.models import OpenDataRow, OpenDataStale
from p2c.operations.jobs import write_open_data
from p2c.pledges import visibility
from tests.opendata.test_opendata_rows import _files, _live


@pytest.fixture
def written(app, tmp_path):
    app.config["OPENDATA_SNAPSHOT_DIR"] = str(tmp_path / "files")
    yield tmp_path / "files"
    app.config["OPENDATA_SNAPSHOT_DIR"] = ""


def test_an_iati_actual_start_date_appears_in_the_written_file_when_the_day_comes(builder, written, monkeypatch):
    tomorrow = utcnow().date() + timedelta(days=1)
    builder.pledge(title="Starts tomorrow", start_date=tomorrow, implementation_status=ImplementationStatus.ON_TRACK)
    other = builder.pledge(title="Other")
    commit()
    write_open_data()
    assert b'activity-date type="2"' not in _files(snapshots.snapshot_dir())["iati"]
    later = utcnow() + timedelta(days=3)
    monkeypatch.setattr(iati, "utcnow", lambda: later)
    monkeypatch.setattr(visibility, "utcnow", lambda: later)
    other.title = "Other, edited"  # any change: a new data version, so the files are written again
    commit()
    assert "rendered 2 of 2 changed pledges" in write_open_data()
    files, live = _files(snapshots.snapshot_dir()), _live()
    assert b'activity-date type="2"' in live["iati"]
    assert files["iati"] == live["iati"]


def test_no_write_lock_is_held_while_the_files_are_written(builder, written, monkeypatch):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    pledge = builder.pledge(title="A")
    commit()
    write_open_data()
    pledge.title = "B"
    commit()
    seen = {}
    real = snapshots._write_all

    def during(*args, **kwargs):
        connection = sqlite3.connect(db.engine.url.database, timeout=0.2)
        try:
            connection.execute("UPDATE pledge SET title = title WHERE id = ?", (pledge.id,))
            connection.commit()
            seen["write"] = "ok"
        except sqlite3.OperationalError as exc:
            seen["write"] = str(exc)
        connection.close()
        return real(*args, **kwargs)

    monkeypatch.setattr(snapshots, "_write_all", during)
    write_open_data()
    assert seen["write"] == "ok"


def test_a_second_worker_does_not_render_while_the_first_holds_the_lease(builder, written, monkeypatch):
    """Worker A has read and rendered a pledge when a change commits: B must not render and take the new
    mark, or A would then store its older row with no mark left to correct it."""
    pledge = builder.pledge(title="Version 1")
    commit()
    write_open_data()
    pledge.title = "Version 2"
    commit()
    real_render = fragments._Renderer.render
    seen = {}

    def render(self, records):
        rows = real_render(self, records)  # A has rendered Version 2
        if "b" not in seen:
            db.session.get(type(pledge), pledge.id).title = "Version 3"
            commit()  # a new mark
            seen["b"] = fragments.refresh_rows(commit)  # worker B's run meanwhile
            assert "Version 3" not in seen.get("b", "")
        return rows

    monkeypatch.setattr(fragments._Renderer, "render", render)
    fragments.refresh_rows(commit)
    assert seen["b"] == fragments.BUSY
    monkeypatch.setattr(fragments._Renderer, "render", real_render)
    assert db.session.scalars(select(OpenDataStale.pledge_id)).all() == [pledge.id]  # the new mark stays
    assert "rendered 1 of 1 changed pledges" in fragments.refresh_rows(commit)
    row = db.session.get(OpenDataRow, pledge.id)
    db.session.refresh(row)
    assert b"Version 3" in row.csv


def test_a_lease_left_by_a_writer_that_died_runs_out(builder, written, monkeypatch):
    builder.pledge(title="Alpha")
    commit()
    write_open_data()
    died = utcnow()
    monkeypatch.setattr(visibility, "utcnow", lambda: died)
    assert fragments._take_lease(died, commit)  # a writer takes it, then dies
    assert fragments.refresh_rows(commit) == fragments.BUSY
    later = died + fragments.LEASE + timedelta(seconds=1)
    monkeypatch.setattr(visibility, "utcnow", lambda: later)
    assert fragments.refresh_rows(commit) != fragments.BUSY
