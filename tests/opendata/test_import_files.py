"""The import reads what the export writes and what Excel writes (issue 12, "Files").

Semicolon-separated CSV with decimal commas (Excel in French or German), a byte order mark, formula-like
titles protected in the public CSV and read back exactly, web-UI timestamps with microseconds.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from p2c.extensions import db
from p2c.opendata.exports import csv_chunks, excel_csv_chunks, protect_formula, unprotect_formula
from p2c.opendata.imports import import_file
from p2c.pledges.models import Pledge

FORMULA_TITLE = '=HYPERLINK("http://evil.example","Click me")'


def _rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def pledges(builder):
    first = builder.pledge(title=FORMULA_TITLE, amount="1500.50", currency="EUR",
                           description="Écoles, مدارس, 学校 — accents, Arabic and Chinese")
    second = builder.pledge(title="'=already quoted", amount=2500, currency="XOF")
    third = builder.pledge(title="+ plus and - minus", amount=None, currency=None)
    # Approved in the web UI: the timestamp carries microseconds, the export writes whole seconds.
    first.approved_at = datetime(2025, 11, 29, 14, 3, 7, 654321)
    db.session.commit()
    return [first, second, third]


@pytest.mark.parametrize("text", ["=1+1", "+41 22", "-5", "@SUM(A1)", "\tx", "'=x", "''+y", "'plain", "plain", ""])
def test_formula_protection_is_undone_exactly(text):
    protected = protect_formula(text)
    assert protected[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert unprotect_formula(protected) == text


def test_the_public_csv_never_starts_a_cell_with_a_formula(pledges):
    rows = _rows(b"".join(csv_chunks(None)))
    titles = {row["title"] for row in rows}
    assert "'" + FORMULA_TITLE in titles and FORMULA_TITLE not in titles
    for row in rows:
        for cell in row.values():
            assert cell[:1] not in ("=", "+", "-", "@"), cell


@pytest.mark.parametrize("chunks", [csv_chunks, excel_csv_chunks], ids=["csv", "excel-csv"])
def test_reimporting_an_untouched_export_is_unchanged(pledges, tmp_path: Path, chunks):
    versions = {p.reference: p.version for p in pledges}
    path = tmp_path / "pledges.csv"
    path.write_bytes(b"".join(chunks(None)))
    result = import_file(path)
    assert result.ok, list(map(str, result.errors))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    db.session.commit()
    titles = set(db.session.scalars(select(Pledge.title)))
    assert {FORMULA_TITLE, "'=already quoted", "+ plus and - minus"} <= titles
    for reference, version in versions.items():
        assert db.session.scalar(select(Pledge.version).where(Pledge.reference == reference)) == version


def test_excel_csv_download_has_a_byte_order_mark_and_keeps_every_script(client, pledges):
    response = client.get("/data/pledges.excel.csv")
    assert response.status_code == 200
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert "Écoles, مدارس, 学校" in text
    assert 'filename="pledges-excel.csv"' in response.headers["Content-Disposition"]
    assert "/data/pledges.excel.csv" in client.get("/data").get_data(as_text=True)


def _as_excel_in_french(data: bytes) -> bytes:
    """What Excel in French saves: semicolons, decimal commas, a byte order mark."""
    rows = _rows(data)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        for name in ("amount", "usd_value"):
            row[name] = row[name].replace(".", ",")
        writer.writerow(row)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def test_a_semicolon_file_with_decimal_commas_is_read(pledges, tmp_path: Path):
    path = tmp_path / "excel-fr.csv"
    path.write_bytes(_as_excel_in_french(b"".join(csv_chunks(None))))
    result = import_file(path)
    assert result.ok, list(map(str, result.errors))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    db.session.commit()
    assert db.session.scalar(select(Pledge.amount).where(Pledge.title == FORMULA_TITLE)) == Decimal("1500.50")


def test_a_file_with_another_delimiter_is_told_which_delimiter_was_read(pledges, tmp_path: Path):
    rows = _rows(b"".join(csv_chunks(None)))
    path = tmp_path / "pipes.csv"
    path.write_text("|".join(rows[0]) + "\r\n" + "|".join(rows[0].values()) + "\r\n", encoding="utf-8")
    result = import_file(path)
    assert not result.ok
    assert "The columns do not match the export format" in result.file_error
    assert "read as separated by commas" in result.file_error and "semicolons" in result.file_error


def test_a_decimal_comma_import_is_never_read_as_a_bigger_number(pledges, tmp_path: Path):
    """Issue 12: an import row with the amount 0,5 was saved as 5."""
    rows = _rows(b"".join(csv_chunks(None)))
    rows[0].update(amount="0,5", usd_value="", usd_rate="", usd_rate_year="")
    path = tmp_path / "comma.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = import_file(path)
    assert result.ok, list(map(str, result.errors))
    db.session.commit()
    assert db.session.scalar(select(Pledge.amount).where(Pledge.reference == rows[0]["reference"])) == Decimal("0.50")


def test_more_decimals_than_the_currency_has_are_refused_in_the_import(pledges, tmp_path: Path):
    """Issue 12: 1500000,75 XOF must not be stored (XOF has no minor unit, ISO 4217)."""
    rows = _rows(b"".join(csv_chunks(None)))
    row = next(r for r in rows if r["currency"] == "XOF")
    row.update(amount="1500000,75", usd_value="", usd_rate="", usd_rate_year="")
    path = tmp_path / "xof.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = import_file(path)
    assert not result.ok
    assert any(e.field == "amount" and "XOF" in e.message for e in result.errors)
