"""The stale marks as the row writer takes them (`p2c.opendata.stale_marks`): a page at a time (no read of
marks returns more than `RENDER_BATCH` rows), each page removed by one statement that keeps a mark rewritten
since it was read, and the marks of pledges that have no row (not public) removed too, by a full render and
by an incremental one."""

from __future__ import annotations

from contextlib import closing

import pytest
from sqlalchemy import event, select, update

from p2c.core.enums import ReviewStatus
from p2c.core.unit import commit
from p2c.extensions import db
from p2c.opendata import fragments
from p2c.opendata.models import OpenDataRow, OpenDataStale
from tests.opendata.test_opendata_rows import _write_and_compare

NEW_MARK = 12345


@pytest.fixture
def written(app, tmp_path):
    app.config["OPENDATA_SNAPSHOT_DIR"] = str(tmp_path / "files")
    yield tmp_path / "files"
    app.config["OPENDATA_SNAPSHOT_DIR"] = ""


def _marks() -> dict[int, int]:
    db.session.expire_all()
    return dict(db.session.execute(select(OpenDataStale.pledge_id, OpenDataStale.mark)).all())


def _remark_during_first_page(monkeypatch) -> dict:
    """After the writer has read its first page of marks, another transaction (its own connection,
    committed) marks the last pledge of that page again."""
    real, seen = fragments.read_marks, {}

    def read_marks(after, upto, limit):
        page = real(after, upto, limit)
        if page and "pledge" not in seen:
            seen["pledge"], seen["old"] = page[-1]
            with db.engine.begin() as other:
                other.execute(update(OpenDataStale).where(OpenDataStale.pledge_id == seen["pledge"])
                              .values(mark=NEW_MARK))
        return page

    monkeypatch.setattr(fragments, "read_marks", read_marks)
    return seen


@pytest.mark.parametrize("path", ["full", "incremental"])
def test_a_mark_rewritten_after_its_page_was_read_survives(builder, written, monkeypatch, path):
    monkeypatch.setattr(fragments, "RENDER_BATCH", 2)
    pledges = [builder.pledge(title=f"Pledge {n}") for n in range(5)]
    commit()
    if path == "incremental":
        fragments.refresh_rows(commit)
        for pledge in pledges:
            pledge.title += " (edited)"
        commit()
    assert len(_marks()) == 5
    seen = _remark_during_first_page(monkeypatch)
    summary = fragments.refresh_rows(commit)
    assert ("rendered all 5 rows" if path == "full" else "rendered 5 of 5 changed pledges") in summary
    assert seen["old"] != NEW_MARK
    assert _marks() == {seen["pledge"]: NEW_MARK}  # the new mark only: that pledge is rendered next run
    monkeypatch.undo()
    assert "rendered 1 of 1 changed pledges" in fragments.refresh_rows(commit)
    assert _marks() == {}


def test_the_marks_of_pledges_that_are_not_public_are_removed(builder, written):
    below = builder.pledge(title="Submitted, below the public ones", status=ReviewStatus.SUBMITTED)
    public = builder.pledge(title="Public")
    between = builder.pledge(title="Submitted, between", status=ReviewStatus.SUBMITTED)
    public_too = builder.pledge(title="Public too")
    above = builder.pledge(title="Submitted, above the last public one", status=ReviewStatus.SUBMITTED)
    commit()
    assert set(_marks()) == {below.id, public.id, between.id, public_too.id, above.id}
    _write_and_compare("rendered all 2 rows (first)")  # (it checks that no mark is left)
    assert _marks() == {}
    for pledge in (below, between, above):
        pledge.title += " (edited)"
    commit()
    assert set(_marks()) == {below.id, between.id, above.id}
    # (No public data changed, so no file is written: the rows' refresh itself.)
    assert "rendered 0 of 3 changed pledges" in fragments.refresh_rows(commit)
    assert _marks() == {}
    assert sorted(db.session.scalars(select(OpenDataRow.pledge_id))) == [public.id, public_too.id]


def test_no_read_of_marks_holds_more_than_a_batch(builder, written, monkeypatch):
    """Constant memory after an import of a million marks: the writer reads them `RENDER_BATCH` at a time,
    in the full render (even where many marks of unpublished pledges lie between two public ones) and in
    the incremental one, and removes each page with one statement."""
    monkeypatch.setattr(fragments, "RENDER_BATCH", 2)
    pledges = [builder.pledge(title="Public A")]
    pledges += [builder.pledge(title=f"Submitted {n}", status=ReviewStatus.SUBMITTED) for n in range(5)]
    pledges += [builder.pledge(title="Public B")]
    pledges += [builder.pledge(title=f"Later {n}", status=ReviewStatus.SUBMITTED) for n in range(2)]
    commit()
    assert len(_marks()) == 9
    reads, deletes = [], []

    def count(conn, cursor, statement, parameters, context, executemany):
        sql = " ".join(statement.split()).lower()
        if "opendata_stale" not in sql:
            return
        if sql.startswith("select"):
            with closing(conn.connection.driver_connection.cursor()) as again:  # the same statement, counted
                again.execute(statement, parameters)
                reads.append(len(again.fetchall()))
        elif sql.startswith("delete"):
            deletes.append(sql)

    event.listen(db.engine, "after_cursor_execute", count)
    try:
        _write_and_compare("rendered all 2 rows (first)")
        assert reads and max(reads) <= 2, reads
        assert sum(reads) >= 9  # every mark was read
        reads.clear(), deletes.clear()
        for pledge in pledges:
            pledge.title += " (edited)"
        commit()
        _write_and_compare("rendered 2 of 9 changed pledges")
    finally:
        event.remove(db.engine, "after_cursor_execute", count)
    assert reads and max(reads) <= 2, reads
    assert len(deletes) == 5, deletes  # one per page of marks: 2 + 2 + 2 + 2 + 1
