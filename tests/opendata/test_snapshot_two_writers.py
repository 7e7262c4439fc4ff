"""Two workers writing the open-data files into one shared P2C_EXPORT_DIR at once (review finding): each
writes files of its own, so the published file always matches the SHA-256 its manifest records (the ETag)."""

from __future__ import annotations

import hashlib

import pytest

from p2c.extensions import db
from p2c.opendata import row_pages, snapshots


@pytest.fixture
def written(app, tmp_path):
    app.config["OPENDATA_SNAPSHOT_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["OPENDATA_SNAPSHOT_DIR"] = ""


def test_a_second_worker_writing_at_the_same_time_does_not_corrupt_the_files(builder, written, monkeypatch):
    for n in range(3):
        builder.pledge(title=f"Pledge {n}")
    db.session.commit()
    batches = row_pages.iter_rows
    state = {"inner": False}

    def interleaved(columns, batch_size=1):
        for batch in batches(columns, batch_size):
            yield batch
            if not state["inner"]:
                state["inner"] = True  # worker B starts while worker A is half-way through its files
                snapshots.write_snapshots(force=True)

    monkeypatch.setattr(row_pages, "iter_rows", interleaved)
    # Worker A: B truncated A's `.partial` (same name) and renamed it away; A keeps writing into the file
    # B published, then fails with FileNotFoundError. With bytes that differ between runs (the IATI
    # file's generated-datetime, XLSX zip times) the published file no longer matches its SHA-256, and
    # if B opens the `.partial` after A's fsync but before A's rename, A publishes a file B is rewriting.
    snapshots.write_snapshots(force=True)
    manifest = snapshots.read_manifest(written)
    assert state["inner"] and sorted(snapshots.entries(manifest)) == ["csv", "excel.csv", "iati", "json", "xlsx"]
    for entry in snapshots.entries(manifest).values():
        with snapshots.open_entry(written, entry) as fh:  # the excel CSV: its prefix, then the CSV file
            data = fh.read()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["size"]
