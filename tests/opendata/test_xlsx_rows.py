"""The XLSX rows written directly (`p2c.opendata.xlsx_rows`) are byte for byte openpyxl's (issue 19).

The reference below is the export's former writer: openpyxl's write-only sheet, one cell object per value.
Every part of the two files must be equal, except the creation time in docProps/core.xml.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from p2c.extensions import db
from p2c.opendata.columns import COLUMNS, Column, Kind
from p2c.opendata.exports import format_decimal, text_value, write_table_xlsx, write_xlsx
from p2c.opendata.ledger import LEDGER_COLUMNS, iter_ledger
from p2c.opendata.records import iter_batches
from p2c.opendata.xlsx_rows import xml_text


def _reference_value(column: Column, value: Any, sheet: Any) -> Any:
    """The former `exports._xlsx_value`: what the export gave openpyxl for each cell."""
    if value is None:
        return None
    kind = column.kind
    if kind == Kind.DECIMAL:
        return Decimal(format_decimal(value, column.places))
    if kind in (Kind.INTEGER, Kind.BOOLEAN, Kind.DATE):
        return value
    if kind == Kind.DATETIME:
        return value.replace(microsecond=0) if isinstance(value, datetime) else value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text_value(column, value)))
    cell.data_type = "s"
    return cell


def _reference(sheet_name: str, columns, batches) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    sheet.append([c.name for c in columns])
    for batch in batches:
        for record in batch:
            sheet.append([_reference_value(c, record[c.name], sheet) for c in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _fast(sheet_name: str, columns, batches) -> bytes:
    out = io.BytesIO()
    write_table_xlsx(out, sheet_name, columns, batches)
    return out.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}


def _assert_same(reference: bytes, fast: bytes) -> None:
    expected, got = _parts(reference), _parts(fast)
    assert list(got) == list(expected)
    for name in expected:
        assert got[name] == expected[name], name


TRICKY = [" leading and trailing ", "a & b < c > d \"q\" 'a'", "line\r\nbreak\tand tab", "=HYPERLINK(\"x\")",
          "Ünïcödé العربية 中文 😀", "x" * 40_000, "bell\x07gone", ";semi\\colon", "", "\x7f", "=", "#N/A"]


def _record(i: int, text: str) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for c in COLUMNS:
        record[c.name] = {
            Kind.TEXT: text, Kind.CODE: text[:3] or None, Kind.CODES: [text, "B;C"] if i % 2 else [],
            Kind.TEXTS: [text] if i % 3 else [], Kind.INTEGERS: [1, 17] if i % 2 else [],
            Kind.DECIMAL: [Decimal("1234567.125"), Decimal("0.00000000005"), Decimal("12345678901234567.5"),
                           None][i % 4],
            Kind.INTEGER: [2026, None, 0][i % 3], Kind.BOOLEAN: bool(i % 2),
            Kind.DATE: [date(2026, 6, 1), None, date(1900, 2, 1)][i % 3],
            Kind.DATETIME: [datetime(2026, 6, 1, 9, 30, 15, 999_999), None][i % 2],
            Kind.JSON: [],
        }[c.kind]
    record["milestones"] = [{"kind": "law", "description": text, "due_on": date(2027, 1, 1), "done": None}]
    return record


def test_written_rows_are_openpyxls_bytes_for_every_kind_of_value():
    batches = [[_record(i, text) for i, text in enumerate(TRICKY)], [_record(i + 1, t) for i, t in enumerate(TRICKY)]]
    fast = _fast("pledges", COLUMNS, iter(batches))
    _assert_same(_reference("pledges", COLUMNS, iter(batches)), fast)
    rows = list(load_workbook(io.BytesIO(fast), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 2 * len(TRICKY)
    assert rows[1][0] == " leading and trailing " and rows[5][0] == "Ünïcödé العربية 中文 😀"
    assert rows[6][0] == "x" * 32_767 and rows[7][0] == "bellgone" and rows[4][0] == '=HYPERLINK("x")'


def test_a_datetime_first_gets_the_first_date_style_as_with_openpyxl():
    # Style ids follow the order of first use: a sheet whose first dated cell is a time numbers it 1.
    columns = [c for c in COLUMNS if c.name in ("approved_at", "pledged_on")]
    batches = [[{"approved_at": datetime(2026, 1, 2, 3, 4, 5), "pledged_on": None},
                {"approved_at": None, "pledged_on": date(2026, 1, 2)}]]
    fast = _fast("pledges", columns, iter(batches))
    _assert_same(_reference("pledges", columns, iter(batches)), fast)
    sheet = _parts(fast)["xl/worksheets/sheet1.xml"]  # columns: pledged_on (A), approved_at (B)
    assert b'<c r="B2" s="1" t="n">' in sheet and b'<c r="A3" s="2" t="n">' in sheet


def test_an_empty_table_is_the_header_alone():
    _assert_same(_reference("ledger", LEDGER_COLUMNS, iter([])), _fast("ledger", LEDGER_COLUMNS, iter([])))


def test_the_pledges_and_ledger_sheets_of_the_database_are_openpyxls(builder):
    builder.pledge(title="Fibre & <schools>", countries=["KEN", "SEN"], amount=Decimal("1000000.5"))
    builder.pledge(title=" Skills\r\nfor women ", countries=["SEN"], amount=None)
    db.session.commit()
    out = io.BytesIO()
    write_xlsx(out)
    _assert_same(_reference("pledges", COLUMNS, iter_batches(None)), out.getvalue())
    _assert_same(_reference("ledger", LEDGER_COLUMNS, iter_ledger(None)),
                 _fast("ledger", LEDGER_COLUMNS, iter_ledger(None)))


def test_xml_text_escapes_like_libxml2_in_ascii():
    assert xml_text("a&b<c>d\"e'f\r\n\tg é 😀") == "a&amp;b&lt;c&gt;d\"e'f&#13;\n\tg &#233; &#128512;"
