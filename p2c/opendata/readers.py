"""Read an import file (CSV, XLSX or JSON in the export format) into raw rows with their location.

CSV and XLSX files are read one row at a time (open_rows), so checking a 100 MB file takes bounded
memory. A hostile workbook (XML entities, a zip bomb) gets the same clear FileError as a damaged one.

Every way a file can be malformed becomes a `FileError` with a message a person can act on:
an empty file, a binary file, a wrong encoding, broken CSV quoting, invalid JSON, a damaged XLSX,
wrong or duplicated columns. Nothing here raises anything else for bad input.
"""

from __future__ import annotations

import csv
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from p2c.core.cells import unprotect_formula
from p2c.opendata.columns import BY_NAME, COLUMNS


class FileError(Exception):
    """The file as a whole cannot be read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class RawRow:
    """One record as read: where it is in the file (a line, a sheet row, a JSON record) and its cells."""

    number: int
    unit: str  # "line", "row" or "record"
    values: dict[str, Any] = field(default_factory=dict)
    problem: str = ""  # a structural problem with the row (e.g. too many fields)

    @property
    def location(self) -> str:
        """Human location: "line 12", "row 12", "record 12"."""
        labels = {"line": _("line %(n)s", n=self.number), "row": _("row %(n)s", n=self.number),
                  "record": _("record %(n)s", n=self.number)}
        return labels[self.unit]


def _check_header(header: list[Any]) -> list[str]:
    names = [str(h).strip() if h is not None else "" for h in header]
    while names and not names[-1]:
        names.pop()
    if not any(names):
        raise FileError(_("The first row must hold the column names; it is empty."))
    seen: set[str] = set()
    duplicates = sorted({n for n in names if n in seen or seen.add(n)})
    if duplicates:
        raise FileError(_("These columns appear more than once: %(names)s.", names=", ".join(duplicates)))
    unknown = [n for n in names if n not in BY_NAME]
    missing = [c.name for c in COLUMNS if c.required and c.name not in names]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append(_("unknown columns: %(names)s", names=", ".join(unknown)))
        if missing:
            parts.append(_("missing required columns: %(names)s", names=", ".join(missing)))
        raise FileError(_("The columns do not match the export format (%(problems)s). Download a file from "
                          "/data to see the expected columns.", problems="; ".join(parts)))
    return names


def _looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def _check_utf8(path: Path) -> None:
    """Refuse a file that is not UTF-8, naming the line of the first bad byte (one streaming pass)."""
    with path.open("rb") as fh:
        for line_number, line in enumerate(fh, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                raise FileError(_("The file is not UTF-8 text (first bad byte on line %(line)s). Save it as "
                                  "\"CSV UTF-8\" and try again.", line=line_number)) from None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileError(_("The file is not UTF-8 text (first bad byte on line %(line)s). Save it as "
                          "\"CSV UTF-8\" and try again.", line=line)) from None


# Delimiters a CSV may use: the export's comma, the semicolon of Excel in French, German, Spanish...
# (where the comma is the decimal mark) and the tab of "Unicode text".
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": _l("commas"), ";": _l("semicolons"), "\t": _l("tabs")}


def detect_delimiter(text: str) -> str:
    """The delimiter with which the first line splits into the most known column names (comma on a tie)."""
    first = text.split("\n", 1)[0]

    def known(delimiter: str) -> int:
        return sum(name.strip().strip('"').strip() in BY_NAME for name in first.split(delimiter))

    return max(DELIMITERS, key=lambda d: (known(d), d == ","))


def csv_rows(path: Path) -> Iterator[RawRow]:
    """Rows of a CSV file (RFC 4180, UTF-8 with or without BOM), read one at a time so the memory a
    file takes does not grow with its size; separated by commas, semicolons or tabs (detected from the
    header). Cells protected against formulas by the export are read back exactly."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        delimiter = detect_delimiter(fh.readline())
        fh.seek(0)  # the utf-8-sig decoder is reset too: the BOM is skipped again
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise FileError(_("The file is empty."))
            try:
                names = _check_header(header)
            except FileError as exc:
                raise FileError(exc.message + " " + _(
                    "The file was read as separated by %(delimiter)s; the export uses commas, and semicolons "
                    "or tabs are recognized too.", delimiter=DELIMITER_NAMES[delimiter])) from None
            start = reader.line_num + 1
            for cells in reader:
                number, start = start, reader.line_num + 1
                if not any(c.strip() for c in cells):
                    continue
                row = RawRow(number, "line", dict(zip(names, map(unprotect_formula, cells), strict=False)))
                if len(cells) > len(names) and any(c.strip() for c in cells[len(names):]):
                    row.problem = _("it has %(n)s fields but the header has %(m)s", n=len(cells), m=len(names))
                yield row
        except csv.Error as exc:
            raise FileError(_("The CSV quoting is broken near line %(line)s (%(detail)s). Check for a stray "
                              "double quote.", line=reader.line_num, detail=str(exc))) from None


def read_json(data: bytes) -> list[RawRow]:
    """Records of a JSON export (an array of objects)."""
    text = _decode(data)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileError(_("The file is not valid JSON: %(detail)s at line %(line)s, column %(col)s.",
                          detail=exc.msg, line=exc.lineno, col=exc.colno)) from None
    except RecursionError:  # nested deeper than the parser goes: not the export's shape either
        parsed = None
    if not isinstance(parsed, list) or not all(isinstance(r, dict) for r in parsed):
        raise FileError(_("The JSON file must hold one array of objects, as the JSON export does."))
    if not parsed:
        raise FileError(_("The file holds no records."))
    _check_header(sorted({k for record in parsed for k in record}, key=lambda k: (k not in BY_NAME, k)))
    return [RawRow(i, "record", record) for i, record in enumerate(parsed, start=1)]


# A workbook that unpacks to more than this is refused before it is parsed (a "zip bomb" unpacks a few
# kilobytes into gigabytes); so is one part packed tighter than any real sheet is.
XLSX_MAX_UNPACKED_BYTES = 512 * 1024 * 1024
XLSX_MAX_RATIO = 200
XLSX_MAX_PARTS = 10_000


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileError(_("The file is not a valid XLSX workbook.")) from None
    total = sum(part.file_size for part in parts)
    bomb = any(part.file_size > 1024 * 1024 and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1)
               for part in parts)
    if total > XLSX_MAX_UNPACKED_BYTES or bomb or len(parts) > XLSX_MAX_PARTS:
        raise FileError(_("The XLSX workbook unpacks to far more data than a pledge sheet holds (a damaged or "
                          "hostile file). Save the sheet again from a spreadsheet program, or as CSV UTF-8."))


# What openpyxl raises on a damaged or hostile workbook while it parses: the XML parser's errors
# (a document type with entities is refused by defusedxml; expat stops entity expansion), damaged
# zip members, missing parts.
_XLSX_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError, ValueError, TypeError,
                AttributeError, OSError, SyntaxError, ParseError, DefusedXmlException)


def xlsx_rows(path: Path) -> Iterator[RawRow]:
    """Rows of the first sheet of an XLSX workbook, read one at a time (read-only mode).

    Every row is read, also past the sheet's recorded dimension: read-only mode trusts the
    `<dimension>` element, which some writers leave stale, so reset_dimensions() comes first.
    """
    from openpyxl import load_workbook

    _check_zip(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except _XLSX_ERRORS:
        raise FileError(_("The file is not a valid XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows_iter = sheet.iter_rows(values_only=True)
        header = next(rows_iter, None)
        if header is None:
            raise FileError(_("The file is empty."))
        names = _check_header(list(header))
        for number, cells in enumerate(rows_iter, start=2):
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            yield RawRow(number, "row", dict(zip(names, cells, strict=False)))
    except _XLSX_ERRORS:
        raise FileError(_("The file is not a valid XLSX workbook.")) from None
    finally:
        workbook.close()


def detect_format(path: Path, data: bytes) -> str:
    """csv, json or xlsx: from the extension, else from the first bytes."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "json", "xlsx"):
        return suffix
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        return "json"
    return "csv"


HEAD_BYTES = 64 * 1024


def open_rows(path: Path) -> tuple[str, Iterator[RawRow]]:
    """(format, rows) of an import file. Whole-file problems found up front (unreadable, empty,
    wrong encoding or kind) raise FileError here; the rows come lazily and may raise FileError as
    they are read (broken CSV quoting, a damaged sheet). CSV and XLSX stream; JSON is parsed whole."""
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
            rest = bool(fh.read(1))
    except OSError as exc:
        raise FileError(_("The file cannot be read: %(detail)s", detail=exc.strerror or str(exc))) from None
    if not rest and not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise FileError(_("The file is empty."))
    fmt = detect_format(path, head)
    if fmt == "xlsx":
        if not head.startswith(b"PK\x03\x04"):
            raise FileError(_("The file is not a valid XLSX workbook."))
        return fmt, xlsx_rows(path)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FileError(_("The file is UTF-16 text (Excel's \"Unicode text\"). Save it as \"CSV UTF-8\" and "
                          "try again."))
    if _looks_binary(head):
        raise FileError(_("This looks like a binary file, not CSV or JSON text."))
    if fmt == "json":
        return fmt, iter(read_json(path.read_bytes()))
    _check_utf8(path)
    return fmt, csv_rows(path)
