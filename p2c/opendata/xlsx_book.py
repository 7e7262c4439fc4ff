"""The zip of an XLSX workbook written around its one sheet's rows, the rows deflated as they come (issue 19).

`xlsx_rows.XlsxTable` formats a sheet's rows itself; the rest of the workbook (its header row, the sheet's
frame, styles, properties, the other parts) is openpyxl's. Two ways to put the rows into the zip:
- **streamed** (the size of the sheet is bounded beforehand, so the zip's ZIP64 choice is known): the parts
  openpyxl writes before the sheet, and the sheet's frame up to its rows, come from a twin workbook made
  at the start (same properties, sheet name and header row); the rows are then deflated into the sheet's
  part as they come, in a thread (deflate and the file writes release the GIL: at 1M pledges the 1.9 GB
  of sheet rows, deflated by zlib at the end, took 7-13 s alone on one core); the parts after the sheet (styles, the
  workbook, the content types) come from the real workbook at the end, once every date style is known;
- **spooled** (no bound: a live download): the rows go to a temporary file and are deflated at the end.
Either way the zip holds openpyxl's parts in openpyxl's order and the sheet's frame is checked against the
real workbook's at the end (a different frame raises `RuntimeError`: the file is discarded, never wrong).
Only `docProps/core.xml` may differ from the spooled file: its `modified` time is the start of the writing.
The zip is deflated at level 1 (openpyxl's level 6 took 40% of the time of all five open-data files), the
sheet by Intel ISA-L (`_open_sheet_part`).
"""

from __future__ import annotations

import copy
import io
import os
import shutil
import tempfile
import zipfile
from typing import Any

from isal import isal_zlib
from openpyxl import Workbook

from p2c.core.ordered import OrderedThread

ZIP_LEVEL = 1  # deflate level of the workbook's zip (zlib's, for the small parts; ISA-L's for the sheet)
SHEET_DATA_END = b"</sheetData>"


def _open(target: Any) -> zipfile.ZipFile:
    if target is None:
        raise ValueError("no target to write the workbook into")
    return zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=ZIP_LEVEL)


def _open_sheet_part(archive: zipfile.ZipFile, name: str, zip64: bool) -> Any:
    """The sheet's part opened for writing, deflated by Intel ISA-L (`isal`) instead of zlib.

    On this sheet XML ISA-L's level 1 deflates 3.6x as fast as zlib's level 1 (554 against 154 MB/s here)
    into a smaller part (16.4% of the XML against 17.0%); at 1M pledges zlib took 13 s of CPU on a
    machine whose two cores the writer shares with the database. Both write raw deflate, which every unzip
    reads; zipfile still computes the CRC and sizes. zipfile has no public way to choose the compressor:
    its write handle's `_compressor` is replaced before any byte goes through it. Were a Python release to
    rename that attribute, the part would be deflated by zlib as before (slower, same content), and
    `tests/opendata/test_xlsx_streamed.py` says so."""
    part = archive.open(name, "w", force_zip64=zip64)
    if getattr(part, "_compressor", None) is not None:
        part._compressor = isal_zlib.compressobj(ZIP_LEVEL, isal_zlib.DEFLATED, -isal_zlib.MAX_WBITS)
    return part


def _parts(source: Any) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(source) as z:
        return [(name, z.read(name)) for name in z.namelist()]


def _sheet_index(parts: list[tuple[str, bytes]]) -> int:
    found = [i for i, (name, _data) in enumerate(parts) if name.startswith("xl/worksheets/")]
    if len(found) != 1:
        raise RuntimeError(f"expected one worksheet part in openpyxl's workbook, found {len(found)}")
    return found[0]


class WorkbookZip:
    """The zip of `workbook` (openpyxl, write-only, one sheet whose header row is `header`) written into
    `target` (a path or a seekable binary file): `write(rows)` with each chunk of finished `<row>` elements
    (ASCII sheet XML), then `close()`, or `discard()` after a failure.

    `zip64`: True or False streams the rows into the sheet's part with ZIP64 headers or without (False
    raises `RuntimeError` at `close()` if the sheet exceeds 2 GiB, so give False only for a bounded sheet:
    `sheet_needs_zip64`); None spools them and decides at the end, when `target` may be given instead.
    ZIP64 only when needed: Excel is strict about ZIP64 headers in a small part."""

    def __init__(self, workbook: Workbook, sheet_name: str, header: list[str], target: Any = None,
                 zip64: bool | None = None) -> None:
        twin = Workbook(write_only=True)
        twin.properties = copy.copy(workbook.properties)
        twin.create_sheet(sheet_name).append(header)
        buffer = io.BytesIO()
        twin.save(buffer)  # a few kB: the parts before the sheet and the sheet's frame, as openpyxl writes them
        self.twin = _parts(buffer)
        self.index = _sheet_index(self.twin)
        self.name, frame = self.twin[self.index]
        self.head, end, self.tail = frame.partition(SHEET_DATA_END)
        if not end:
            raise RuntimeError("openpyxl wrote no </sheetData>")
        self.tail = end + self.tail
        self.workbook, self.target = workbook, target
        self.zip: zipfile.ZipFile | None = None
        self.part: Any = None
        self.spool: Any = None
        self.deflater: OrderedThread | None = None
        if zip64 is None or target is None:
            if zip64 is not None:
                raise ValueError("rows streamed into a zip need its target")
            fd, self.spool_path = tempfile.mkstemp(suffix=".rows.xml")
            self.spool = os.fdopen(fd, "w+b")
            return
        self.zip = _open(target)
        try:
            for name, data in self.twin[:self.index]:
                self.zip.writestr(name, data)
            self.part = _open_sheet_part(self.zip, self.name, zip64)
            self.part.write(self.head)
            self.deflater = OrderedThread("xlsx-deflate")
        except BaseException:
            self.discard()  # e.g. a full disk: no zip left open (the caller holds no table to discard yet)
            raise

    def write(self, rows: bytes) -> None:
        """Append finished `<row>` elements (bytes) to the sheet."""
        if self.spool is not None:
            self.spool.write(rows)
            return
        self.deflater.submit(self.part.write, rows)

    def close(self, target: Any = None) -> None:
        """Finish the sheet and write the parts after it (spooled: the whole zip, into `target` if given here).
        Raises RuntimeError if openpyxl's frame of the real workbook is not the twin's (the caller discards
        the file)."""
        fd, frame_zip = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            self.workbook.save(frame_zip)  # closes the sheet: its frame holds the header row alone
            real = _parts(frame_zip)
        finally:
            os.unlink(frame_zip)
        index = _sheet_index(real)
        same = ([n for n, _d in real[:index + 1]] == [n for n, _d in self.twin[:index + 1]]
                and all(real[i] == self.twin[i] for i in range(index + 1) if real[i][0] != "docProps/core.xml"))
        if not same:
            raise RuntimeError("openpyxl's workbook is not the one its sheet was written into")
        if self.spool is not None:
            self.zip = _open(target if target is not None else self.target)
            for name, data in real[:index]:
                self.zip.writestr(name, data)
            size = len(self.head) + self.spool.tell() + len(self.tail)
            self.spool.seek(0)
            with _open_sheet_part(self.zip, self.name, size > zipfile.ZIP64_LIMIT) as part:
                part.write(self.head)
                shutil.copyfileobj(self.spool, part, 1 << 20)
                part.write(self.tail)
        else:
            self.deflater.drain()
            self._stop()
            self.part.write(self.tail)
            self.part.close()
        for name, data in real[index + 1:]:
            self.zip.writestr(name, data)
        self.zip.close()
        self._remove_spool()

    def _stop(self) -> None:
        if self.deflater is not None:
            self.deflater.close()
            self.deflater = None

    def _remove_spool(self) -> None:
        if self.spool is not None:
            self.spool.close()
            os.unlink(self.spool_path)
            self.spool = None

    def discard(self) -> None:
        """Stop after a failure: the deflating thread joined, the files closed (the caller removes `target`)."""
        try:
            self._stop()
            if self.part is not None and not self.part.closed:
                try:
                    self.part.close()
                except (RuntimeError, ValueError, OSError):
                    pass  # e.g. a sheet over 2 GiB without ZIP64: its file is thrown away anyway
            if self.zip is not None:
                self.zip.close()
        finally:
            self._remove_spool()


def sheet_needs_zip64(stored_bytes: int, rows: int, columns: int) -> bool:
    """Whether a sheet of `rows` rendered rows of at most `columns` cells, totalling `stored_bytes`
    (`fragments`' sheet rows, with one-byte placeholders for row numbers and date styles), may pass zipfile's
    ZIP64 limit (2 GiB) once numbered: then its part needs ZIP64 headers, else it must not have them.

    A row's number replaces the placeholder in its `<row r="">` and in each of its cells' references: each
    grows by at most len(str(rows + 1)) - 1 bytes (the last row is rows + 1, after the header); a date
    style id (under 100) by at most one byte a cell. The frame around the rows is a few kB. At 1M pledges
    the bound is about 300 bytes a row above the stored size (real rows grow by about 11%)."""
    digits = len(str(rows + 1)) - 1
    numbered = stored_bytes + rows * (columns + 1) * digits + rows * columns
    return numbered + (1 << 16) > zipfile.ZIP64_LIMIT
