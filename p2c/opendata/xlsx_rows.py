"""The XLSX export's rows written as sheet XML directly, byte for byte what openpyxl writes (issue 19).

openpyxl's write-only sheet builds a cell object, binds and type-checks its value, and serialises it
through lxml's incremental writer for every cell: about 40 us a cell, two thirds of the time of all
the open-data files together. The workbook itself is still openpyxl's (header row, styles, sheet
frame, zip); only the data rows (`<row>` elements after the header) are formatted here, by the same
rules, into a file of their own, and spliced into openpyxl's sheet file before it is zipped:
- text is an inline string (`t="inlineStr"`), cut to 32,767 characters like openpyxl, escaped as
  libxml2 escapes text written in ASCII: `& < >` and CR as entities, every non-ASCII character as a
  decimal character reference; `xml:space="preserve"` when it has surrounding whitespace;
- numbers (`t="n"`) and booleans (`t="b"`) as `"%.16g"` (openpyxl's `safe_string`);
- dates and times as Excel serials with the date style openpyxl registers for their Python type
  (registered through openpyxl on first use, so the style ids and styles.xml are the same).
`tests/opendata/test_xlsx_rows.py` compares every part of the file with openpyxl's own writer.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from p2c.opendata.columns import Column, Kind

MAX_TEXT = 32767  # openpyxl's (and Excel's) longest cell text
ZIP_LEVEL = 1  # deflate level of the workbook's zip (`XlsxTable.save`)


def xml_text(text: str) -> str:
    """Text as libxml2 writes it in an ASCII document (the encoding of openpyxl's sheet files)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if not text.isascii():
        text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
    return text


def _string_cell(ref: str, text: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_TEXT]
    if not text:
        return f'<c r="{ref}" t="inlineStr"></c>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{xml_text(text)}</t></is></c>'


class XlsxTable:
    """One sheet of records: `add(batch)` per batch, then `save(target)` (a path or a binary file)."""

    def __init__(self, sheet_name: str, columns: Sequence[Column]) -> None:
        from p2c.opendata.exports import format_decimal, text_value

        self._format_decimal, self._text_value = format_decimal, text_value
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(sheet_name)
        self.sheet.append([c.name for c in columns])  # row 1 by openpyxl itself
        self.columns = list(columns)
        self.letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        self.cells: list[Callable[[str, Any], str]] = [self._cell_writer(c) for c in columns]
        self.pairs = list(zip(self.columns, self.letters, self.cells, strict=True))
        self.styles: dict[type, int] = {}
        fd, self.rows_path = tempfile.mkstemp(suffix=".rows.xml")
        self.rows = os.fdopen(fd, "wb")
        self.row = 1

    def _date_style(self, value: Any) -> int:
        """The style id openpyxl gives a date or time of this type (registered in the workbook on first use,
        in the order openpyxl would: cells are written in row order)."""
        kind = type(value)
        style = self.styles.get(kind)
        if style is None:
            style = self.styles[kind] = WriteOnlyCell(self.sheet, value=value).style_id
        return style

    def _cell_writer(self, column: Column) -> Callable[[str, Any], str]:
        kind, places, epoch = column.kind, column.places, self.workbook.epoch
        if kind == Kind.DECIMAL:
            fmt = self._format_decimal
            return lambda ref, v: f'<c r="{ref}" t="n"><v>{safe_string(Decimal(fmt(v, places)))}</v></c>'
        if kind in (Kind.INTEGER, Kind.BOOLEAN):
            return lambda ref, v: f'<c r="{ref}" t="{"b" if isinstance(v, bool) else "n"}"><v>{safe_string(v)}</v></c>'
        if kind in (Kind.DATE, Kind.DATETIME):
            def when(ref: str, v: Any) -> str:
                if kind == Kind.DATETIME and isinstance(v, datetime):
                    v = v.replace(microsecond=0)
                if not isinstance(v, date):  # not a date after all: openpyxl's own path
                    return self._fallback(ref, column, v)
                return f'<c r="{ref}" s="{self._date_style(v)}" t="n"><v>{safe_string(to_excel(v, epoch))}</v></c>'
            return when
        if kind in (Kind.TEXT, Kind.CODE):
            return lambda ref, v: _string_cell(ref, v if isinstance(v, str) else self._text_value(column, v))
        text_value = self._text_value
        return lambda ref, v: _string_cell(ref, text_value(column, v))

    def _fallback(self, ref: str, column: Column, value: Any) -> str:
        raise TypeError(f"{column.name}: {type(value).__name__} is not a date")

    def row_xml(self, record: dict[str, Any], r: str) -> str:
        """One record's `<row>` element, numbered `r`."""
        parts = [f'<row r="{r}">']
        for column, letter, cell in self.pairs:
            value = record[column.name]
            if value is not None:
                parts.append(cell(letter + r, value))
        parts.append("</row>")
        return "".join(parts)

    def add(self, batch: list[dict[str, Any]]) -> None:
        row, row_xml = self.row, self.row_xml
        parts = []
        for record in batch:
            row += 1
            parts.append(row_xml(record, str(row)))
        self.row = row
        self.rows.write("".join(parts).encode("ascii"))

    def add_rows(self, data: bytes, rows: int) -> None:
        """Append `rows` finished `<row>` elements (ASCII sheet XML, numbered from `self.row + 1`)."""
        self.row += rows
        self.rows.write(data)

    def discard(self) -> None:
        """Drop the rows written so far and openpyxl's sheet file (a writer that failed half-way)."""
        self.rows.close()
        try:
            if not self.sheet.closed:
                self.sheet.close()
                self.sheet._writer.cleanup()
        finally:
            if os.path.exists(self.rows_path):
                os.unlink(self.rows_path)

    def save(self, target: Any) -> None:
        """Close the sheet (openpyxl writes `</sheetData>` and the rest) and zip the workbook into `target`,
        the rows put before `</sheetData>`.

        openpyxl zips its parts (with the sheet's frame only, a few kB) into a temporary file; the parts are
        then copied in the same order into `target`, the sheet's rows streamed into its part on the way. Every
        part holds openpyxl's bytes; the zip is deflated at level 1 (openpyxl's level 6 took 40% of the time
        of all five open-data files written from their rows, for a file about a third smaller)."""
        self.rows.close()
        fd, frame_zip = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            self.sheet.close()
            sheet_path = self.sheet._writer.out  # openpyxl's own temporary file, zipped by save()
            with open(sheet_path, "rb") as fh:
                frame = fh.read()  # header row and the sheet's frame: a few kB
            head, end, tail = frame.partition(b"</sheetData>")
            if not end:
                raise RuntimeError("openpyxl wrote no </sheetData>")
            self.workbook.save(frame_zip)
            with zipfile.ZipFile(frame_zip) as parts, zipfile.ZipFile(
                    target, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=ZIP_LEVEL) as out:
                for name in parts.namelist():
                    data = parts.read(name)
                    if not name.startswith("xl/worksheets/") or data != frame:  # not our sheet's part
                        out.writestr(name, data)
                        continue
                    # ZIP64 only for a part that needs it (as ZipFile.write decides): some spreadsheet
                    # programs are strict about ZIP64 headers in a small file.
                    size = len(head) + os.path.getsize(self.rows_path) + len(end) + len(tail)
                    with out.open(name, "w", force_zip64=size > zipfile.ZIP64_LIMIT) as part, \
                            open(self.rows_path, "rb") as rows:
                        part.write(head)
                        shutil.copyfileobj(rows, part, 1 << 20)
                        part.write(end + tail)
        finally:
            os.unlink(self.rows_path)
            os.unlink(frame_zip)
