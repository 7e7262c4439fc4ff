"""The XLSX sheet deflated into its zip part as its rows come (`p2c.opendata.xlsx_book`, issue 19): the same
parts as openpyxl's own writer in its order, ZIP64 only when asked, nothing left behind after a failure, and
the frame checked against the real workbook's."""

from __future__ import annotations

import concurrent.futures.thread
import io
import tempfile
import threading
import zipfile
import zlib

import pytest
from isal import isal_zlib
from sqlalchemy import select

from p2c.core.unit import commit
from p2c.extensions import db
from p2c.opendata import fragments, row_pages, xlsx_book
from p2c.opendata.columns import COLUMNS
from p2c.opendata.exports import write_table_xlsx
from p2c.opendata.models import OpenDataRow
from p2c.opendata.xlsx_book import sheet_needs_zip64
from p2c.opendata.xlsx_rows import XlsxTable
from p2c.operations.jobs import write_open_data
from tests.opendata.test_xlsx_rows import TRICKY, _assert_same, _record, _reference


def _batches() -> list[list[dict]]:
    return [[_record(i, text) for i, text in enumerate(TRICKY)], [_record(i + 1, t) for i, t in enumerate(TRICKY)]]


def _deflaters() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("xlsx-deflate")]


def _streamed(batches, zip64: bool) -> bytes:
    out = io.BytesIO()
    table = XlsxTable("pledges", COLUMNS, out, zip64=zip64)
    assert table.book is not None and table.book.part is not None  # the sheet's part is open before any row
    for batch in batches:
        table.add(batch)
    table.save()
    return out.getvalue()


@pytest.mark.parametrize("zip64", [False, True])
def test_streamed_sheet_is_openpyxls_every_part_in_its_order(zip64):
    streamed = _streamed(_batches(), zip64)
    _assert_same(_reference("pledges", COLUMNS, iter(_batches())), streamed)
    assert _deflaters() == []  # the thread is joined when the workbook is saved
    with zipfile.ZipFile(io.BytesIO(streamed)) as z:
        assert z.testzip() is None  # every part's CRC
        names = z.namelist()
        assert names.index("xl/worksheets/sheet1.xml") == 3  # after docProps/app, docProps/core, the theme
    # ZIP64's extra field (header id 0x0001) in the sheet's local header only when asked for.
    assert (_sheet_extra(streamed)[:2] == b"\x01\x00") is zip64


def test_an_empty_streamed_sheet_is_the_header_alone():
    _assert_same(_reference("pledges", COLUMNS, iter([])), _streamed([], zip64=False))


def test_a_sheet_over_the_limit_without_zip64_is_refused_not_written_wrong(monkeypatch):
    """Without ZIP64 a part over the limit cannot be written: zipfile refuses it when the part closes, and the
    caller discards the file (`snapshots` asks `sheet_needs_zip64` first)."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1000)
    table = XlsxTable("pledges", COLUMNS, io.BytesIO(), zip64=False)
    table.add(_batches()[0])
    with pytest.raises(RuntimeError, match="force_zip64"):
        table.save()
    table.discard()
    assert _deflaters() == []


def test_a_frame_that_is_not_the_twins_is_refused():
    table = XlsxTable("pledges", COLUMNS, io.BytesIO(), zip64=False)
    table.sheet.append(["a row openpyxl wrote itself"])  # the real sheet's frame now differs from the twin's
    with pytest.raises(RuntimeError, match="not the one its sheet was written into"):
        table.save()
    table.discard()
    assert _deflaters() == []


def test_rows_queued_when_the_interpreter_exits_are_deflated_in_order(monkeypatch):
    out = io.BytesIO()
    table = XlsxTable("pledges", COLUMNS, out, zip64=False)
    first, second = _batches()
    table.add(first)
    monkeypatch.setattr(concurrent.futures.thread, "_shutdown", True)  # submit() now raises RuntimeError
    table.add(second)
    table.save()
    _assert_same(_reference("pledges", COLUMNS, iter(_batches())), out.getvalue())


def test_a_failure_while_deflating_reaches_the_writer_and_leaves_no_thread(monkeypatch):
    table = XlsxTable("pledges", COLUMNS, io.BytesIO(), zip64=False)

    def full_disk(data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(table.book.part, "write", full_disk)
    with pytest.raises(OSError, match="No space left"):
        for _ in range(4):  # more pages than may wait: a later one meets the failure
            table.add(_batches()[0])
        table.save()
    table.discard()
    assert _deflaters() == []


def test_numbered_rows_stay_within_the_zip64_bound(builder, app, tmp_path):
    """`sheet_needs_zip64`'s bound on real rendered rows: numbered as the millionth rows and with two-digit
    styles, each row grows by no more than the bound allows a row; the stored size and count are the rows'."""
    app.config["OPENDATA_SNAPSHOT_DIR"] = str(tmp_path)
    try:
        builder.pledge(title="A")
        builder.pledge(title="B", countries=["KEN", "SEN"])
        commit()
        write_open_data()
    finally:
        app.config["OPENDATA_SNAPSHOT_DIR"] = ""
    stored = [bytes(x) for x in db.session.execute(select(OpenDataRow.xlsx)).scalars()]
    assert row_pages.sheet_size() == (sum(map(len, stored)), len(stored))
    columns = len(COLUMNS)
    for number in (2, 999_999, 1_000_001):
        digits = len(str(number)) - 1
        for fragment in stored:
            numbered = fragment.replace(fragments.ROW_NUMBER, str(number).encode())
            numbered = numbered.replace(fragments.DATE_STYLE, b"99").replace(fragments.DATETIME_STYLE, b"99")
            assert len(numbered) - len(fragment) <= (columns + 1) * digits + columns


def test_zip64_only_near_the_limit():
    columns = len(COLUMNS)
    # The reviewer's case: 669,000 rows of 2,140 stored bytes (1.43 GB, about 1.6 GB numbered) need no ZIP64.
    assert not sheet_needs_zip64(669_000 * 2_140, 669_000, columns)
    assert not sheet_needs_zip64(1_754_402_144, 816_342, columns)  # the 1M demo data's rows
    assert sheet_needs_zip64(2_000_000_000, 900_000, columns)
    assert sheet_needs_zip64(zipfile.ZIP64_LIMIT, 1, columns)


def _sheet_extra(data: bytes) -> bytes:
    """The extra field of the sheet part's local header."""
    local = data[data.index(b"xl/worksheets/sheet1.xml") - 30:]
    name_length, extra_length = int.from_bytes(local[26:28], "little"), int.from_bytes(local[28:30], "little")
    return local[30 + name_length:30 + name_length + extra_length]


def test_the_written_and_live_workbooks_have_the_same_headers_without_zip64(builder, app, tmp_path, client):
    builder.pledge(title="Fibre for 40 schools", countries=["KEN"])
    commit()
    app.config["OPENDATA_SNAPSHOT_DIR"] = str(tmp_path)
    try:
        live = client.get("/data/pledges.xlsx?focus_area=connect&focus_area=adopt&focus_area=value"
                          "&focus_area=accelerate").data  # filtered: the live writer (spooled)
        write_open_data()
        written = client.get("/data/pledges.xlsx")
        assert written.headers.get("ETag")  # from the worker's file
    finally:
        app.config["OPENDATA_SNAPSHOT_DIR"] = ""
    assert _sheet_extra(written.data)[:2] != b"\x01\x00"
    assert _sheet_extra(written.data) == _sheet_extra(live)


def _stored_sheet(data: bytes) -> tuple[bytes, bytes]:
    """(the sheet part's deflated bytes as stored in the zip, its content)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
        content = z.read(info)
    local = data[info.header_offset:]
    start = 30 + int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
    return local[start:start + info.compress_size], content


@pytest.mark.parametrize("mode", ["streamed", "spooled"])
def test_the_sheet_is_deflated_by_isal_not_zlib(mode, monkeypatch):
    """zipfile has no public way to choose its compressor (`xlsx_book._open_sheet_part` replaces it): if a Python
    release stops that, this fails rather than the writer silently going back to zlib's 3.6x slower deflate."""
    made, original = [], isal_zlib.compressobj

    def compressobj(*args):
        made.append(args)
        return original(*args)

    monkeypatch.setattr(xlsx_book.isal_zlib, "compressobj", compressobj)
    batches = _batches() * 20
    if mode == "streamed":
        data = _streamed(batches, zip64=False)
    else:
        out = io.BytesIO()
        write_table_xlsx(out, "pledges", COLUMNS, iter(batches))
        data = out.getvalue()
    assert made == [(1, isal_zlib.DEFLATED, -15)]  # one compressor: the sheet's part (the others are small)
    stored, content = _stored_sheet(data)
    assert zlib.decompress(stored, -15) == content  # raw deflate, as any unzip reads it
    by_zlib = zlib.compressobj(1, zlib.DEFLATED, -15)
    assert stored != by_zlib.compress(content) + by_zlib.flush()


def test_a_live_download_that_fails_half_way_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def batches():
        yield _batches()[0]
        raise OSError("the database went away")

    with pytest.raises(OSError, match="went away"):
        write_table_xlsx(io.BytesIO(), "pledges", COLUMNS, batches())
    assert list(tmp_path.iterdir()) == []


def test_a_sheet_that_may_need_zip64_is_spooled_and_decided_exactly(builder, app, tmp_path, client, monkeypatch):
    """Where the bound cannot rule ZIP64 out, the worker spools and decides on the exact size, as the live
    download does: a sheet that turns out small gets no ZIP64 header (a reviewer's finding)."""
    from p2c.opendata import snapshots

    builder.pledge(title="Fibre for 40 schools", countries=["KEN"])
    commit()
    monkeypatch.setattr(snapshots, "sheet_needs_zip64", lambda *size: True)
    app.config["OPENDATA_SNAPSHOT_DIR"] = str(tmp_path)
    try:
        write_open_data()
        written = client.get("/data/pledges.xlsx")
        assert written.headers.get("ETag")
    finally:
        app.config["OPENDATA_SNAPSHOT_DIR"] = ""
    assert _sheet_extra(written.data)[:2] != b"\x01\x00"


def test_a_workbook_that_cannot_start_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx_book, "_open_sheet_part", full_disk)
    with pytest.raises(OSError, match="No space left"):
        XlsxTable("pledges", COLUMNS, tmp_path / "out.xlsx", zip64=False)
    assert [p.name for p in tmp_path.iterdir() if p.name != "out.xlsx"] == []
    assert _deflaters() == []
