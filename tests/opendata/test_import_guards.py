"""Import and XLSX guards: formula injection, integer ranges, control characters, USD rule, duplicates."""

from __future__ import annotations

import io
import json
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import func, select

from p2c.extensions import db
from p2c.opendata.exports import write_xlsx
from p2c.opendata.imports import import_file
from p2c.pledges.models import Pledge
from tests.conftest import clean_database

FORMULA = '=HYPERLINK("https://evil.example/","click")'


def test_xlsx_text_cells_are_never_formulas_and_round_trip(client, builder, tmp_path):
    lead = builder.organization(name="=SUM(A1:A9)")
    builder.pledge(title=FORMULA, description="+cmd|' /C calc'!A0", lead=lead)
    db.session.commit()
    body = client.get("/data/pledges.xlsx").get_data()
    sheet = load_workbook(io.BytesIO(body)).active  # not read-only: cells keep their data type
    header = [c.value for c in sheet[1]]
    title = sheet.cell(row=2, column=header.index("title") + 1)
    lead_cell = sheet.cell(row=2, column=header.index("lead_organization") + 1)
    assert (title.data_type, title.value) == ("s", FORMULA)
    assert (lead_cell.data_type, lead_cell.value) == ("s", "=SUM(A1:A9)")
    path = tmp_path / "pledges.xlsx"
    write_xlsx(path)
    clean_database()
    result = import_file(path)
    assert result.ok, [str(e) for e in result.errors] + [result.file_error]
    db.session.commit()
    assert db.session.scalar(select(Pledge.title)) == FORMULA
    assert db.session.scalar(select(func.count(Pledge.id))) == 1


def _json_rows(tmp_path, rows: list[dict]):
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(rows), "utf-8")
    return path


def _exported(client, builder) -> list[dict]:
    builder.pledge(amount=1000, currency="USD", targets=[("people_connected", 10, 2030)])
    db.session.commit()
    rows = client.get("/data/pledges.json").get_json()
    clean_database()
    return rows


def test_huge_integers_get_a_message_per_line_and_field_never_a_traceback(app, client, builder, tmp_path):
    (row,) = _exported(client, builder)
    bad = [dict(row, start_year=10**20), dict(row, reference="", title="Other", usd_rate_year=-5),
           dict(row, reference="", title="Third", usd_rate="1e40", targets=[dict(
               row["targets"][0], achieved_value="1.00", achieved_period=10**30)])]
    path = _json_rows(tmp_path, bad)
    result = import_file(path)
    found = {(e.location, e.field) for e in result.errors}
    assert {("record 1", "start_year"), ("record 2", "usd_rate_year"), ("record 3", "usd_rate"),
            ("record 3", "targets")} <= found, found
    assert any("1900" in e.message and "2100" in e.message for e in result.errors)
    db.session.rollback()
    output = app.test_cli_runner().invoke(args=["p2c", "import", str(path)])
    assert output.exit_code == 1 and "Traceback" not in output.output and "start_year" in output.output
    assert db.session.scalar(select(func.count(Pledge.id))) == 0


def test_control_characters_in_text_are_refused(client, builder, tmp_path):
    (row,) = _exported(client, builder)
    bad = [dict(row, title="Nul\x00byte"), dict(row, reference="", title="Ok", description="bell\x07"),
           dict(row, reference="", title="Tabs\tand\nlines are fine", partners=["A\x1bB"],
                targets=[dict(row["targets"][0], note="x\x00")])]
    result = import_file(_json_rows(tmp_path, bad))
    found = {(e.location, e.field) for e in result.errors}
    assert found == {("record 1", "title"), ("record 2", "description"), ("record 3", "partners"),
                     ("record 3", "targets")}
    assert all("control character" in e.message for e in result.errors)
    assert any("U+0000" in e.message for e in result.errors)


def test_an_amount_needs_a_usd_rate_and_a_consistent_usd_value(client, builder, tmp_path):
    (row,) = _exported(client, builder)
    no_usd = {"usd_value": None, "usd_rate": None, "usd_rate_year": None}
    rows = [
        dict(row, currency="AFN", amount="5000.00", **no_usd),  # no exchange rate known for AFN
        dict(row, reference="", title="Given rate", currency="AFN", amount="5000.00", usd_value="70.00",
             usd_rate="0.0140000000", usd_rate_year=2024),  # the file brings its rate: accepted
        dict(row, reference="", title="Wrong value", usd_value="999.00"),  # 1000 USD at rate 1
        dict(row, reference="", title="Half given", usd_value="1000.00", usd_rate=None),
    ]
    result = import_file(_json_rows(tmp_path, rows))
    found = {(e.location, e.field) for e in result.errors}
    assert found == {("record 1", "currency"), ("record 3", "usd_value"), ("record 4", "usd_rate")}, found
    message = next(e.message for e in result.errors if e.field == "usd_value")
    assert "1000.00" in message
    assert "AFN" in next(e.message for e in result.errors if e.field == "currency")
    db.session.rollback()
    result = import_file(_json_rows(tmp_path, rows[1:2]))
    assert result.ok, [str(e) for e in result.errors]
    db.session.commit()
    assert db.session.scalar(select(Pledge.usd_value).where(Pledge.title == "Given rate")) == Decimal("70.00")


def test_rows_without_reference_never_duplicate_a_pledge(client, builder, tmp_path):
    (row,) = _exported(client, builder)
    fresh = dict(row, reference="", title="Solar kiosks")
    assert import_file(_json_rows(tmp_path, [fresh])).ok
    db.session.commit()
    # Re-running the same file: the row would create a second "Solar kiosks".
    again = import_file(_json_rows(tmp_path, [fresh]))
    assert [(e.location, e.field) for e in again.errors] == [("record 1", "reference")]
    assert db.session.scalar(select(Pledge.reference)) in again.errors[0].message
    db.session.rollback()
    # Two rows of one file with the same organization, title and date (case and spaces aside).
    twin = dict(fresh, title="  Mesh networks ")
    result = import_file(_json_rows(tmp_path, [dict(twin, title="Mesh Networks"), twin]))
    assert [(e.location, e.field) for e in result.errors] == [("record 1", "reference"), ("record 2", "reference")]
    assert "record 2" in result.errors[0].message and "record 1" in result.errors[1].message
    db.session.rollback()
    # With the pledge's reference the row updates it.
    existing = db.session.scalar(select(Pledge.reference))
    result = import_file(_json_rows(tmp_path, [dict(fresh, reference=existing)]))
    assert result.ok and result.created == 0
    assert db.session.scalar(select(func.count(Pledge.id))) == 1
