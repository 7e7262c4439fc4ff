"""Reading the open-data rows for the files: every row once, in pledge-id order, page by page; on PostgreSQL
the next page is read in a thread while the files are written (issue 19), so the connection must be free
again whenever the writing stops, and the columns are stored with lz4 in the row (migration
0011_odrows_lz4_main)."""

from __future__ import annotations

import concurrent.futures.thread
import functools
import threading

import pytest
from sqlalchemy import select, text

from p2c.core.unit import commit
from p2c.extensions import db
from p2c.opendata import fragments, row_pages, snapshots
from p2c.opendata.models import OpenDataRow
from p2c.operations.jobs import write_open_data
from tests.opendata.test_opendata_rows import _files, _live


@pytest.fixture
def written(app, tmp_path):
    app.config["OPENDATA_SNAPSHOT_DIR"] = str(tmp_path / "files")
    yield tmp_path / "files"
    app.config["OPENDATA_SNAPSHOT_DIR"] = ""


@pytest.fixture
def rendered(builder, written):
    for n in range(7):
        builder.pledge(title=f"Pledge {n}")
    commit()
    write_open_data()
    return written


def test_every_row_is_read_once_in_pledge_id_order_page_by_page(rendered):
    stored = db.session.execute(select(OpenDataRow.pledge_id, OpenDataRow.csv)
                                .order_by(OpenDataRow.pledge_id)).all()
    assert len(stored) == 7
    pages = list(row_pages.iter_rows(["csv"], batch_size=3))
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [(row[0], bytes(row[1])) for page in pages for row in page] == [(i, bytes(c)) for i, c in stored]


def _readers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("opendata-rows")]


def test_the_connection_is_free_when_the_reading_stops_half_way(rendered):
    pages = row_pages.iter_rows(["csv", "json"], batch_size=2)
    first = next(pages)
    pages.close()  # on PostgreSQL a read of the next page was in flight
    assert _readers() == []  # closing waited for it: no thread is left reading on the connection
    assert len(first) == 2
    assert db.session.execute(select(OpenDataRow.pledge_id).order_by(OpenDataRow.pledge_id)).scalars().all()[:2] \
        == [first[0][0], first[1][0]]


def test_a_failed_write_leaves_no_file_and_the_session_usable(rendered, builder, monkeypatch):
    before = _files(snapshots.snapshot_dir())
    builder.pledge(title="One more")
    commit()
    calls = []

    def full_disk(self, data):
        calls.append(len(data))
        if len(calls) > 10:  # the headers, the first two pages, then a failure with a read in flight
            raise OSError(28, "No space left on device")
        self.fh.write(data)
        self.digest.update(data)
        self.size += len(data)

    monkeypatch.setattr(row_pages, "iter_rows", functools.partial(row_pages.iter_rows, batch_size=2))
    monkeypatch.setattr(snapshots._Partial, "write", full_disk)
    with pytest.raises(OSError, match="No space left") as failed:
        write_open_data()
    # The traceback is kept (as the worker keeps it while it records the failure on the same session): the
    # files' writer closed its pages itself, so no read is left in flight (a reviewer's mutation check).
    assert failed.value.__traceback__ is not None and _readers() == []
    db.session.rollback()
    assert db.session.execute(select(OpenDataRow.pledge_id)).first() is not None
    assert not [p for p in snapshots.snapshot_dir().iterdir() if p.name.endswith(".partial")]
    assert _files(snapshots.snapshot_dir()) == before
    monkeypatch.undo()
    write_open_data()
    assert _files(snapshots.snapshot_dir())["csv"] == _live()["csv"]


def test_postgresql_keeps_the_rows_lz4_compressed_in_the_row(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("storage and compression are PostgreSQL's")
    if db.session.execute(text("SELECT current_setting('server_version_num')::int")).scalar() < 140000:
        pytest.skip("column compression is PostgreSQL 14's")  # the migration sets the storage alone there
    attributes = dict(db.session.execute(text(
        "SELECT attname, attstorage::text || coalesce(nullif(attcompression::text, ''), '-') FROM pg_attribute "
        "WHERE attrelid = 'opendata_row'::regclass AND attname IN ('csv', 'json', 'xlsx', 'iati')")).all())
    lz4 = db.session.execute(text(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")).scalar()
    assert attributes == {name: "m" + ("l" if lz4 else "-") for name in ("csv", "json", "xlsx", "iati")}


def test_a_read_begun_before_the_interpreter_exits_still_finishes(rendered, monkeypatch):
    """The worker's SIGTERM lets a running job finish while Python exits; concurrent.futures then refuses new
    work (`_python_exit` sets `thread._shutdown` first): the rest of the rows are read in the caller's thread
    (a reviewer's finding: the job failed half-way)."""
    pages = row_pages.iter_rows(["csv"], batch_size=2)
    seen = list(next(pages))
    monkeypatch.setattr(concurrent.futures.thread, "_shutdown", True)
    for page in pages:
        seen += page
    assert [row[0] for row in seen] == sorted(db.session.execute(select(OpenDataRow.pledge_id)).scalars())


def test_how_rows_are_read_is_not_part_of_what_renders_them():
    """A release that changes only the reading (this module) must not render a million rows again."""
    assert b"def iter_rows" not in fragments._rendering_source()
    assert b"def render_key" in fragments._rendering_source()


def test_postgresql_reads_the_same_pages_without_the_reading_thread(rendered):
    """`prefetch=False` (the benchmark's one-read-after-the-other side) gives the same pages, no thread."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        pytest.skip("the binary reader is PostgreSQL's")
    threaded = list(row_pages.iter_rows(["csv"], batch_size=3))
    pages = row_pages._iter_rows_binary(connection, ["csv"], 3, prefetch=False)
    first = next(pages)
    assert _readers() == []
    assert [first, *pages] == threaded
