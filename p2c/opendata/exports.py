"""Streamed exports of approved pledges: CSV (UTF-8, RFC 4180), JSON (one array) and XLSX.

Each generator yields bytes batch by batch (see `records.iter_batches`), so memory stays flat
whatever the number of pledges. XLSX is written by openpyxl's write-only workbook into a temporary
file (openpyxl needs a seekable target) and then streamed from it in chunks.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import g

from p2c.core.cells import protect_formula, unprotect_formula  # noqa: F401 - the export's rule, read back by the import
from p2c.core.counts import is_count
from p2c.opendata.columns import COLUMNS, MILESTONE_KEYS, TARGET_KEYS, Column, Kind
from p2c.opendata.records import PledgeFilter, iter_batches
from p2c.reference.catalog import catalog

CHUNK = 64 * 1024


def format_decimal(value: Any, places: int) -> str:
    """A decimal with a fixed number of places (rounded half up), never in exponent form."""
    return format(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")


def escape_item(item: str) -> str:
    """Escape the list separator inside one list item."""
    return item.replace("\\", "\\\\").replace(";", "\\;")


def split_items(text: str) -> list[str]:
    """Inverse of joining escaped items with `;` (whitespace around items is dropped)."""
    items, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ";":
            items.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    items.append("".join(current).strip())
    return [i for i in items if i]


def _target_places() -> dict[str, int]:
    """Decimals per indicator code: 0 for a count (people, schools...: p2c.core.counts), 2 for USD (read once
    per request or command: the export calls this for every row)."""
    places = g.get("_p2c_target_places")
    if places is None:
        places = g._p2c_target_places = {code: 0 if is_count(row.unit) else 2
                                         for code, row in catalog().indicators.items()}
    return places


def targets_json(targets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `targets` column as JSON-ready dicts (decimals as strings: "1000" for a count, "1000.00" for USD)."""
    places = _target_places()
    out = []
    for t in targets:
        n = places.get(t["indicator"], 2)
        out.append({
            "indicator": t["indicator"],
            "target_value": format_decimal(t["target_value"], n),
            "target_year": t["target_year"],
            "baseline": format_decimal(t["baseline"], n) if t["baseline"] is not None else None,
            "note": t["note"],
            "achieved_value": format_decimal(t["achieved_value"], n) if t["achieved_value"] is not None else None,
            "achieved_period": t["achieved_period"],
        })
    return [{k: t[k] for k in TARGET_KEYS} for t in out]


def milestones_json(milestones: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `milestones` column as JSON-ready dicts: {kind, description, due_on (ISO date), done (bool or
    None: the latest approved report does not say)}."""
    return [{k: (m[k].isoformat() if k == "due_on" else m[k]) for k in MILESTONE_KEYS} for m in milestones]


def items_json(column: Column, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A JSON column's value as JSON-ready dicts (`targets` or `milestones`)."""
    return milestones_json(value) if column.name == "milestones" else targets_json(value)


def json_value(column: Column, value: Any) -> Any:
    """A value as it appears in the JSON export."""
    if value is None:
        return None
    kind = column.kind
    if kind == Kind.DECIMAL:
        return format_decimal(value, column.places)
    if kind == Kind.DATE:
        return value.isoformat()
    if kind == Kind.DATETIME:
        return value.isoformat(timespec="seconds")
    if kind == Kind.JSON:
        return items_json(column, value)
    if kind in (Kind.CODES, Kind.TEXTS, Kind.INTEGERS):
        return list(value)
    return value


def text_value(column: Column, value: Any) -> str:
    """A value as it appears in a CSV cell (and in XLSX text cells)."""
    if value is None:
        return ""
    kind = column.kind
    if kind == Kind.BOOLEAN:
        return "true" if value else "false"
    if kind in (Kind.CODES, Kind.TEXTS, Kind.INTEGERS):
        return ";".join(escape_item(str(v)) for v in value)
    if kind == Kind.JSON:
        return json.dumps(items_json(column, value), ensure_ascii=False, separators=(",", ":"))
    jv = json_value(column, value)
    return str(jv)


def _text_encoder(column: Column):
    """A fast cell encoder for one column (the export calls it once per cell)."""
    kind, places = column.kind, column.places
    if kind in (Kind.TEXT, Kind.CODE):
        return lambda v: "" if v is None else v
    if kind == Kind.INTEGER:
        return lambda v: "" if v is None else str(v)
    if kind == Kind.DECIMAL:
        exponent = Decimal(1).scaleb(-places)
        return lambda v: "" if v is None else format(Decimal(v).quantize(exponent), "f")
    if kind == Kind.BOOLEAN:
        return lambda v: "" if v is None else ("true" if v else "false")
    if kind == Kind.DATE:
        return lambda v: "" if v is None else v.isoformat()
    if kind == Kind.DATETIME:
        return lambda v: "" if v is None else v.isoformat(timespec="seconds")
    if kind == Kind.JSON:
        return lambda v: "[]" if not v else text_value(column, v)
    return lambda v: ";".join(escape_item(str(i)) for i in v) if v else ""


# Batches of records (dicts keyed by column name), as `records.iter_batches` and the ledger yield them.
Batches = Iterator[list[dict[str, Any]]]


class CsvTable:
    """A table as CSV, UTF-8, CRLF line ends, fields quoted when needed (RFC 4180); cells that a spreadsheet
    would run as formulas are protected (`protect_formula`). `header()` once, then `batch()` per batch: the
    live download and the written file (`snapshots`) share it, so their bytes are the same."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = columns
        self.encoders = [(c.name, _text_encoder(c)) for c in columns]
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def _drain(self) -> bytes:
        data = self.buffer.getvalue().encode("utf-8")
        self.buffer.seek(0)
        self.buffer.truncate()
        return data

    def header(self) -> bytes:
        self.writer.writerow([c.name for c in self.columns])
        return self._drain()

    def batch(self, records: list[dict[str, Any]]) -> bytes:
        encoders, protect = self.encoders, protect_formula
        self.writer.writerows([[protect(encode(record[name])) for name, encode in encoders] for record in records])
        return self._drain()

    def lines(self, records: list[dict[str, Any]]) -> list[bytes]:
        """Each record's CSV line (CRLF included), one bytes object per record."""
        encoders, protect, row, drain = self.encoders, protect_formula, self.writer.writerow, self._drain
        out = []
        for record in records:
            row([protect(encode(record[name])) for name, encode in encoders])
            out.append(drain())
        return out


def table_csv_chunks(columns: Sequence[Column], batches: Batches) -> Iterator[bytes]:
    """A table as CSV (see `CsvTable`), header first, one chunk per batch."""
    table = CsvTable(columns)
    yield table.header()
    for batch in batches:
        yield table.batch(batch)
    yield b""


def _json_encoder(column: Column):
    """`json_value` for one column, with the kind looked up once (the export calls it once per cell)."""
    kind, places = column.kind, column.places
    if kind in (Kind.TEXT, Kind.CODE, Kind.INTEGER, Kind.BOOLEAN):
        return None  # the value as it is
    if kind == Kind.DECIMAL:
        return lambda v: None if v is None else format_decimal(v, places)
    if kind in (Kind.CODES, Kind.TEXTS, Kind.INTEGERS):
        return lambda v: None if v is None else list(v)
    return lambda v: json_value(column, v)


class JsonTable:
    """A table as one JSON array of objects (decimals as strings): `start()`, `batch()` per batch, `end()`."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.encoders = [(c.name, _json_encoder(c)) for c in columns]
        self.dumps = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(ensure_ascii=False) does
        self.first = True

    def start(self) -> bytes:
        return b"["

    def object(self, record: dict[str, Any]) -> str:
        """One record's JSON object (no separator)."""
        return self.dumps({name: record[name] if encode is None else encode(record[name])
                           for name, encode in self.encoders})

    def batch(self, records: list[dict[str, Any]]) -> bytes:
        parts, obj = [], self.object
        for record in records:
            parts.append(("\n" if self.first else ",\n") + obj(record))
            self.first = False
        return "".join(parts).encode("utf-8")

    def end(self) -> bytes:
        return b"\n]\n"


def table_json_chunks(columns: Sequence[Column], batches: Batches) -> Iterator[bytes]:
    """A table as one JSON array of objects, written object by object (see `JsonTable`)."""
    table = JsonTable(columns)
    yield table.start()
    for batch in batches:
        yield table.batch(batch)
    yield table.end()


def write_table_xlsx(target: Any, sheet_name: str, columns: Sequence[Column], batches: Batches) -> None:
    """Write a table as one XLSX sheet into `target` (a path or a binary file object), in constant memory
    (`xlsx_rows.XlsxTable`: openpyxl's workbook, rows formatted by its rules without its per-cell cost)."""
    from p2c.opendata.xlsx_rows import XlsxTable

    table = XlsxTable(sheet_name, columns)
    try:
        for batch in batches:
            table.add(batch)
        table.save(target)
    except BaseException:
        table.discard()  # its rows' temporary file and openpyxl's, left behind before
        raise


def table_xlsx_chunks(sheet_name: str, columns: Sequence[Column], batches: Batches) -> Iterator[bytes]:
    """A table as XLSX, built in a temporary file (openpyxl needs a seekable target) and streamed from it."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        write_table_xlsx(path, sheet_name, columns, batches)
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def csv_chunks(pledge_filter: PledgeFilter | None = None) -> Iterator[bytes]:
    """The pledges' CSV export (see `table_csv_chunks`)."""
    return table_csv_chunks(COLUMNS, iter_batches(pledge_filter))


def excel_csv_chunks(pledge_filter: PledgeFilter | None = None) -> Iterator[bytes]:
    """The CSV export with a UTF-8 byte order mark: Excel opens it with accents, Arabic and Chinese intact
    (without the mark it guesses the reader's legacy code page). The import reads both."""
    yield b"\xef\xbb\xbf"
    yield from csv_chunks(pledge_filter)


def json_chunks(pledge_filter: PledgeFilter | None = None) -> Iterator[bytes]:
    """The pledges' JSON export: one array of objects."""
    return table_json_chunks(COLUMNS, iter_batches(pledge_filter))


def write_xlsx(target: Any, pledge_filter: PledgeFilter | None = None) -> None:
    """Write the pledges' XLSX export into `target` (a path or a binary file object)."""
    write_table_xlsx(target, "pledges", COLUMNS, iter_batches(pledge_filter))


def xlsx_chunks(pledge_filter: PledgeFilter | None = None) -> Iterator[bytes]:
    """The pledges' XLSX export, sheet "pledges"."""
    return table_xlsx_chunks("pledges", COLUMNS, iter_batches(pledge_filter))


FORMATS = {
    "csv": ("text/csv", "pledges.csv", csv_chunks),
    "json": ("application/json", "pledges.json", json_chunks),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pledges.xlsx", xlsx_chunks),
    "excel.csv": ("text/csv", "pledges-excel.csv", excel_csv_chunks),
}
