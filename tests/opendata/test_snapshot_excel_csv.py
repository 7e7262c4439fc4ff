"""The CSV for Excel is not written as a file of its own: it is served as the byte order mark followed by
the written CSV file (`p2c.opendata.prefixed_file`), with the bytes, ETag, ranges and conditional answers
a file of its own had; a set written before (the excel CSV in a file of its own) is still served."""

from __future__ import annotations

import hashlib
import io
import json
import os

import pytest

from p2c.extensions import db
from p2c.opendata import exports, snapshots
from p2c.opendata.prefixed_file import PrefixedFile
from p2c.operations.jobs import write_open_data

EXCEL, CSV = "/data/pledges.excel.csv", "/data/pledges.csv"
# Headers that must be the same whether the excel CSV is a file of its own or the BOM plus the CSV file.
SAME = ("Content-Length", "Content-Range", "Accept-Ranges", "ETag", "Content-Type", "Content-Disposition",
        "Cache-Control", "Access-Control-Allow-Origin", "Last-Modified")


@pytest.fixture
def written(app, tmp_path):
    app.config["OPENDATA_SNAPSHOT_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["OPENDATA_SNAPSHOT_DIR"] = ""


@pytest.fixture
def pledges(builder):
    builder.pledge(title="Fibre for 40 schools", countries=["KEN"], amount=1_000_000)
    builder.pledge(title=" Café & <école> =1+1 ", countries=["KEN", "SEN"], amount=None)
    builder.pledge(title="مدارس متصلة", countries=["SEN"], amount=250_000)
    db.session.commit()


def _requests(size: int) -> list[tuple[str, dict]]:
    """(method, headers): whole, HEAD, single ranges starting in the prefix, at its end and after it, open
    and suffix ranges, ranges past the end (clamped), and unsatisfiable ones."""
    ranges = ["0-0", "0-2", "1-1", "1-4", "2-3", "2-10", "3-3", "3-8", "4-", "0-", f"{size - 1}-",
              f"5-{size + 100}", "-1", "-3", "-4", f"-{size}", f"-{size + 10}", f"{size}-", f"{size + 5}-",
              "-0", "0-1,5-6", "abc"]
    return ([("GET", {}), ("HEAD", {}), ("HEAD", {"Range": "bytes=2-5"}), ("GET", {"If-None-Match": "*"}),
             ("HEAD", {"If-None-Match": "*"}), ("GET", {"Range": "bytes=1-2", "If-None-Match": "*"})]
            + [("GET", {"Range": f"bytes={r}"}) for r in ranges])


def _answer(client, method: str, headers: dict):
    response = client.open(EXCEL, method=method, headers=headers)
    try:
        # An error page's body changes with each request (its nonce): its status and headers are compared.
        body = response.data if response.status_code < 400 else b""
        return response.status_code, body, {name: response.headers.get(name) for name in SAME}
    finally:
        response.close()


def test_the_excel_csv_is_the_bom_then_the_written_csv_with_its_own_hash(client, pledges, written):
    live = b"".join(exports.excel_csv_chunks())
    assert write_open_data().startswith("wrote 4 files")
    manifest = snapshots.read_manifest(written)
    entry, csv = manifest["prefixed"]["excel.csv"], manifest["files"]["csv"]
    # Not under "files": a web node of the release before reads only those and would send the bare CSV file
    # under this name during a rolling upgrade; finding no entry, it streams the download live.
    assert "excel.csv" not in manifest["files"] and snapshots.entries(manifest)["excel.csv"] == entry
    assert entry == {"file": csv["file"], "prefix": "efbbbf", "sha256": hashlib.sha256(live).hexdigest(),
                     "size": csv["size"] + 3}
    assert not any("excel" in path.name for path in written.iterdir())  # no file of its own

    served, served_csv = client.get(EXCEL), client.get(CSV)
    assert served.status_code == 200 and served.data == snapshots.BOM + served_csv.data == live
    assert served.headers["ETag"] == f'"{hashlib.sha256(served.data).hexdigest()}"'  # strong, as before
    assert served.headers["Content-Length"] == str(len(live))
    assert served.headers["Content-Type"] == served_csv.headers["Content-Type"]
    assert served.headers["Accept-Ranges"] == "bytes"
    assert served.headers["Content-Disposition"] == 'attachment; filename="pledges-excel.csv"'
    assert client.get(EXCEL, headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    assert client.get(EXCEL, headers={"If-None-Match": '"another"'}).status_code == 200
    head = client.head(EXCEL)
    assert head.status_code == 200 and head.data == b"" and head.headers["Content-Length"] == str(len(live))

    # Ranges: inside the byte order mark, across its end, after it, suffixes; the bytes of the whole.
    size = len(live)
    for first, last in [(0, 0), (0, 2), (1, 5), (2, 3), (3, 3), (3, 20), (10, size - 1), (size - 1, size - 1)]:
        part = client.get(EXCEL, headers={"Range": f"bytes={first}-{last}"})
        assert part.status_code == 206 and part.data == live[first:last + 1], (first, last)
        assert part.headers["Content-Range"] == f"bytes {first}-{last}/{size}"
        assert part.headers["Content-Length"] == str(last - first + 1)
        assert part.headers["ETag"] == served.headers["ETag"]
    for suffix in (1, 3, 4, size):
        part = client.get(EXCEL, headers={"Range": f"bytes=-{suffix}"})
        assert part.status_code == 206 and part.data == live[-suffix:], suffix
    assert client.get(EXCEL, headers={"Range": f"bytes={size}-"}).status_code == 416
    assert client.get(EXCEL, headers={"Range": "bytes=2-5", "If-Range": served.headers["ETag"]}).data == live[2:6]
    assert client.get(EXCEL, headers={"Range": "bytes=2-5", "If-Range": '"old"'}).data == live


def test_served_exactly_as_a_file_of_its_own_was_and_a_set_written_before_still_is(client, pledges, written):
    write_open_data()
    manifest = snapshots.read_manifest(written)
    csv_path = written / manifest["files"]["csv"]["file"]
    size = manifest["prefixed"]["excel.csv"]["size"]
    prefixed = [_answer(client, method, headers) for method, headers in _requests(size)]

    # A set written before this change: the excel CSV in a file of its own, its entry without a prefix.
    whole = written / "pledges-excel-before.csv"
    whole.write_bytes(snapshots.BOM + csv_path.read_bytes())
    mtime = csv_path.stat().st_mtime
    os.utime(whole, (mtime, mtime))  # the same Last-Modified, to compare every other header
    manifest["files"]["excel.csv"] = {"file": whole.name, "sha256": manifest.pop("prefixed")["excel.csv"]["sha256"],
                                      "size": size}
    (written / snapshots.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    for (method, headers), answer in zip(_requests(size), prefixed, strict=True):
        assert _answer(client, method, headers) == answer, (method, headers)
    assert {status for status, _data, _headers in prefixed} == {200, 206, 304, 416}


def test_the_excel_file_of_a_set_written_before_is_kept_while_in_flight_then_removed(builder, written):
    builder.pledge(title="Fibre for 40 schools")
    db.session.commit()
    write_open_data()
    manifest = snapshots.read_manifest(written)
    whole = written / "pledges-excel-before.csv"  # as the writer before this change left it
    whole.write_bytes(snapshots.BOM + (written / manifest["files"]["csv"]["file"]).read_bytes())
    manifest.pop("prefixed")
    manifest["files"]["excel.csv"] = {"file": whole.name, "sha256": "0" * 64, "size": whole.stat().st_size}
    (written / snapshots.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")

    builder.pledge(title="Solar Wi-Fi for 12 clinics")
    db.session.commit()
    write_open_data()
    assert whole.exists()  # the set before: a download may be reading it
    builder.pledge(title="Third")
    db.session.commit()
    write_open_data()
    names = {path.name for path in written.iterdir()}
    assert whole.name not in names and len(names) == 1 + 4 + 4
    current = snapshots.entries(snapshots.read_manifest(written))
    assert current["excel.csv"]["file"] == current["csv"]["file"] in names


def test_prefixed_file_reads_and_seeks_as_one_file(tmp_path):
    data = bytes(range(256)) * 40 + b"tail"
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    prefix = snapshots.BOM
    whole = prefix + data
    with PrefixedFile(prefix, path) as fh:
        assert fh.size == len(whole) and fh.readable() and fh.seekable() and not fh.writable()
        assert fh.read() == whole and fh.read(10) == b"" and fh.tell() == len(whole)
        for position in (0, 1, 2, 3, 4, 100, len(whole) - 1, len(whole), len(whole) + 7):
            for count in (1, 2, 3, 4, 8192):
                assert fh.seek(position) == position
                assert fh.read(count) == whole[position:position + count], (position, count)
                assert fh.tell() == min(position + count, max(len(whole), position))
        assert fh.seek(-2, io.SEEK_END) == len(whole) - 2 and fh.read() == whole[-2:]
        fh.seek(1)
        assert fh.seek(3, io.SEEK_CUR) == 4 and fh.read(2) == whole[4:6]
        buffer = bytearray(5)
        fh.seek(1)
        assert fh.readinto(buffer) == 5 and bytes(buffer) == whole[1:6]
        with pytest.raises(ValueError):
            fh.seek(-1)
        # No descriptor: a server's sendfile would send the file without its prefix.
        with pytest.raises(io.UnsupportedOperation):
            fh.fileno()
    assert fh.closed and fh._file.closed
    with pytest.raises(ValueError):
        fh.read(1)
    # Read through a buffer, as any reader of binary files would.
    with io.BufferedReader(PrefixedFile(prefix, path), buffer_size=7) as buffered:
        assert buffered.read(5) == whole[:5] and buffered.read() == whole[5:]


def test_a_missing_file_raises_and_leaks_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        PrefixedFile(snapshots.BOM, tmp_path / "gone.csv")


def test_a_file_removed_after_the_manifest_was_read_is_streamed_live(client, pledges, written, monkeypatch):
    """Another worker's clean-up may remove an older set between the manifest read and the open: the
    download is then streamed live (same bytes, no ETag), never a 500."""
    write_open_data()
    current_file = snapshots.current_file

    def removed_meanwhile(fmt):
        path, entry = current_file(fmt)
        return written / "removed-meanwhile.csv", entry

    monkeypatch.setattr(snapshots, "current_file", removed_meanwhile)
    for url, live in ((CSV, exports.csv_chunks()), (EXCEL, exports.excel_csv_chunks())):
        response = client.get(url)
        assert response.status_code == 200 and response.data == b"".join(live), url
        assert "ETag" not in response.headers
