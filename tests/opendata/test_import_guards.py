"""Import and XLSX guards: formula injection, integer ranges, control characters, USD rule, duplicates."""

from __future__ import annotations

import io

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
