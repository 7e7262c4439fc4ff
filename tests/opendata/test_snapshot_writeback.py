"""The written files are handed to the kernel's write-back as they grow (`snapshots.WRITEBACK`), not all at
`publish`'s fsync, and their bytes are the same (issue 19)."""

from __future__ import annotations

import os
from collections import defaultdict

from p2c.core.unit import commit
from p2c.opendata import snapshots
from p2c.operations.jobs import write_open_data
from tests.opendata.test_opendata_rows import _files, _live


def test_each_file_is_handed_to_write_back_in_order_as_it_grows(app, builder, tmp_path, monkeypatch):
    for n in range(12):
        builder.pledge(title=f"Pledge {n} " + "x" * 300)
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
