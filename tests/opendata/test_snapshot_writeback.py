"""The written files are handed to the kernel's write-back as they grow (`snapshots.WRITEBACK`), not all at
`publish`'s fsync, and their bytes are the same (issue 19)."""

from __future__ import annotations

import os
from collections import defaultdict

import pytest

from p2c.core.unit import commit
from p2c.opendata import snapshots
from p2c.operations.jobs import write_open_data
from tests.opendata.test_opendata_rows import _files, _live


def test_each_file_is_handed_to_write_back_in_order_as_it_grows(app, builder, tmp_path, monkeypatch):
    for n in range(12):
        builder.pledge(title=f"Pledge {n} " + "x" * 250)  # the column holds 300
    commit()
    app.config["OPENDATA_SNAPSHOT_DIR"] = str(tmp_path)
    ranges: dict[str, list[tuple[int, int]]] = defaultdict(list)
    start_writeback = snapshots.start_writeback

    def spy(fd: int, offset: int, length: int) -> None:
        ranges[os.readlink(f"/proc/self/fd/{fd}")].append((offset, length))
        start_writeback(fd, offset, length)

    monkeypatch.setattr(snapshots, "WRITEBACK", 2000)
    monkeypatch.setattr(snapshots, "start_writeback", spy)
    try:
        write_open_data()
        written = _files(snapshots.snapshot_dir())
        assert written == _live()
    finally:
        app.config["OPENDATA_SNAPSHOT_DIR"] = ""
    assert {os.path.basename(path).split("-")[0] for path in ranges} >= {"pledges", "iati"}
    for path, spans in ranges.items():
        assert spans[0][0] == 0 and all(length >= 2000 for _offset, length in spans), path
        assert all(a + n == b for (a, n), (b, _m) in zip(spans, spans[1:], strict=False)), path  # no gap


@pytest.mark.parametrize("slow", ["files", "sheet"])
def test_threads_that_fall_behind_still_give_every_byte_and_hash(app, builder, tmp_path, monkeypatch, slow):
    """The files' writer thread, or the sheet's deflating thread, made slower than the pages it is handed:
    publishing must wait for it (a file renamed with pages still queued would be short, its hash another's)."""
    import hashlib
    import time

    from p2c.opendata import xlsx_book

    for n in range(9):
        builder.pledge(title=f"Pledge {n}")
    commit()
    app.config["OPENDATA_SNAPSHOT_DIR"] = str(tmp_path)
    write = snapshots._Partial._write
    open_part = xlsx_book._open_sheet_part

    def slow_write(self, data):
        time.sleep(0.15 if slow == "files" else 0)
        write(self, data)

    def slow_part(*args):
        part = open_part(*args)
        part_write = part.write

        def slowly(data):
            time.sleep(0.3 if slow == "sheet" else 0)  # longer than openpyxl's save, which comes before the drain
            return part_write(data)

        part.write = slowly
        return part

    monkeypatch.setattr(snapshots._Partial, "_write", slow_write)
    monkeypatch.setattr(xlsx_book, "_open_sheet_part", slow_part)
    monkeypatch.setattr(snapshots.row_pages, "iter_rows",
                        lambda columns, batch_size=2: ROWS(columns, batch_size=batch_size))
    try:
        write_open_data()
        directory = snapshots.snapshot_dir()
        manifest = snapshots.read_manifest(directory)
        assert _files(directory) == _live()
        for entry in snapshots.entries(manifest).values():
            with snapshots.open_entry(directory, entry) as fh:
                data = fh.read()
            assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["size"], entry["sha256"])
    finally:
        app.config["OPENDATA_SNAPSHOT_DIR"] = ""


ROWS = snapshots.row_pages.iter_rows  # pages of two rows: more pages than the threads may hold waiting


def test_a_refused_write_back_hint_is_no_failure(app, builder, tmp_path, monkeypatch):
    builder.pledge(title="Fibre for 40 schools " + "x" * 250)
    commit()
    app.config["OPENDATA_SNAPSHOT_DIR"] = str(tmp_path)

    def refused(*args):
        raise OSError(22, "Invalid argument")  # a file system that takes no advice

    monkeypatch.setattr(snapshots, "WRITEBACK", 100)
    monkeypatch.setattr(os, "posix_fadvise", refused)
    try:
        assert write_open_data().startswith("wrote 4 files")
        assert _files(snapshots.snapshot_dir()) == _live()
    finally:
        app.config["OPENDATA_SNAPSHOT_DIR"] = ""
