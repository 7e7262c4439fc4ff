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
The zip around the rows is `xlsx_book.WorkbookZip`'s (streamed when the sheet's size is bounded).
`tests/opendata/test_xlsx_rows.py` compares every part of the file with openpyxl's own writer.
"""

from __future__ import annotations

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
from p2c.opendata.xlsx_book import WorkbookZip

MAX_TEXT = 32767  # openpyxl's (and Excel's) longest cell text


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
    """One sheet of records: `add(batch)` per batch, then `save()`.

    `target` (a path or a seekable binary file) given here streams the zip as the rows come
    (`xlsx_book.WorkbookZip`; `zip64` True or False as `xlsx_book.sheet_needs_zip64` says for a bounded
    sheet, None to decide at the end); without it the rows are kept in a temporary file until `save(target)`.
    `fragments` uses the class without a target for its row formatting alone."""

    def __init__(self, sheet_name: str, columns: Sequence[Column], target: Any = None, *,
                 zip64: bool | None = None) -> None:
        from p2c.opendata.exports import format_decimal, text_value

        self._format_decimal, self._text_value = format_decimal, text_value
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(sheet_name)
        header = [c.name for c in columns]
        self.sheet.append(header)  # row 1 by openpyxl itself
        self.columns = list(columns)
        self.letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        self.cells: list[Callable[[str, Any], str]] = [self._cell_writer(c) for c in columns]
        self.pairs = list(zip(self.columns, self.letters, self.cells, strict=True))
        self.styles: dict[type, int] = {}
        self._book_args = (sheet_name, header, target, zip64)
        # Made on the first rows (or at `save`): `fragments` formats rows without ever writing a workbook.
        try:
            self.book: WorkbookZip | None = (WorkbookZip(self.workbook, *self._book_args)
                                             if target is not None else None)
        except BaseException:
            self.book = None
            self.discard()  # openpyxl's temporary sheet file: the caller holds no table to discard
            raise
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

    def _rows_out(self) -> WorkbookZip:
        if self.book is None:
            self.book = WorkbookZip(self.workbook, *self._book_args)
        return self.book

    def add(self, batch: list[dict[str, Any]]) -> None:
        row, row_xml = self.row, self.row_xml
        parts = []
        for record in batch:
            row += 1
            parts.append(row_xml(record, str(row)))
        self.row = row
        self._rows_out().write("".join(parts).encode("ascii"))

    def add_rows(self, data: bytes, rows: int) -> None:
        """Append `rows` finished `<row>` elements (ASCII sheet XML, numbered from `self.row + 1`)."""
        self.row += rows
        self._rows_out().write(data)

    def discard(self) -> None:
        """Drop what was written (a writer that failed half-way): the deflating thread and temporary files."""
        try:
            if self.book is not None:
                self.book.discard()
        finally:
            if not self.sheet.closed:
                self.sheet.close()
                self.sheet._writer.cleanup()

    def save(self, target: Any = None) -> None:
        """Finish the workbook, into `target` if given here (rows kept in a temporary file until now), else
        into the constructor's."""
        self._rows_out().close(target)
