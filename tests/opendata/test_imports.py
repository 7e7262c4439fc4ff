"""Import: lossless round trip, idempotent by reference, all-or-nothing with located errors, clear file errors."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.core.signals import bulk_loaded
from p2c.extensions import db
from p2c.members.models import Contact, Organization
from p2c.opendata.columns import NAMES
from p2c.opendata.exports import csv_chunks, json_chunks, write_xlsx
from p2c.opendata.imports import PLACEHOLDER_EMAIL, import_file
from p2c.pledges.models import Pledge
from tests.conftest import clean_database


def _export(fmt: str, tmp_path: Path) -> Path:
    path = tmp_path / f"pledges.{fmt}"
    if fmt == "xlsx":
        write_xlsx(path)
    else:
        path.write_bytes(b"".join((csv_chunks if fmt == "csv" else json_chunks)(None)))
    return path


def _csv_text() -> str:
    return b"".join(csv_chunks(None)).decode("utf-8")


@pytest.fixture
def sample(builder):
    partner = builder.organization(name="Partner; with separator")
    first = builder.pledge(countries=["KEN", "FJI"], partners=[partner], amount="1500000.25", currency="EUR",
                           targets=[("people_connected", 1000, 2030), ("people_trained", 20, 2027)],
                           description="Multi-line\ndescription, with \"quotes\" and ünïcödé 中文 العربية",
                           event_code="wtdc25", language="ar")
    first.targets[0].baseline = 10
    first.targets[1].note = "schools; teachers"
    builder.progress_report(first, period=2024, achieved={"people_connected": 150, "people_trained": 5},
                            usd_disbursed="2000.10")
    builder.progress_report(first, period=2025, achieved={"people_connected": 600}, usd_disbursed=1000,
                            implementation_status=ImplementationStatus.DELAYED)
    builder.pledge(is_global=True, countries=[], amount=None, currency=None, targets=[],
                   pledged_on=date(2022, 6, 7), start_date=None, end_date=None, start_year=None)
    builder.pledge(amount=5000, currency="JPY", countries=["NER"], lead=first.lead_organization)
    builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_round_trip_into_an_empty_database_is_lossless(sample, tmp_path, fmt):
    before = _csv_text()
    path = _export(fmt, tmp_path)
    clean_database()
    assert db.session.scalar(select(func.count(Pledge.id))) == 0
    received = []
    bulk_loaded.connect(lambda sender, **kw: received.append(kw["what"]), weak=False)
    result = import_file(path, restore=True)  # its own export loaded back: levels kept
    assert result.ok, list(map(str, result.errors)) + [result.file_error]
    db.session.commit()
    assert (result.created, result.updated) == (3, 0)
    assert "import" in received
    assert _csv_text() == before
    # Organizations are matched, not duplicated: the shared lead exists once.
    assert db.session.scalar(select(func.count(Organization.id))) == 3
    assert db.session.scalars(select(Contact.email)).all() == [PLACEHOLDER_EMAIL]


def test_importing_the_same_file_twice_updates_and_never_duplicates(sample, tmp_path):
    path = _export("csv", tmp_path)
    before = _csv_text()
    counts = db.session.scalar(select(func.count(Pledge.id)))
    first = import_file(path)
    assert first.ok and first.created == 0 and first.updated == 0 and first.unchanged == 3
    db.session.commit()
    assert db.session.scalar(select(func.count(Pledge.id))) == counts
    assert _csv_text() == before
    # Edit a title in the file: the import updates that pledge in place.
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"), newline="")))
    rows[1]["title"] = "A better title"
    _write_csv(path, rows)
    second = import_file(path)
    assert second.ok and (second.created, second.updated, second.unchanged) == (0, 1, 2)
    db.session.commit()
    assert db.session.scalar(select(func.count(Pledge.id))) == counts
    assert db.session.scalar(select(Pledge.title).where(Pledge.reference == rows[1]["reference"])) == "A better title"


def _write_csv(path: Path, rows: list[dict], header=NAMES) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(header))
        writer.writeheader()
        writer.writerows(rows)


def test_a_new_row_without_reference_gets_one(sample, tmp_path):
    path = _export("csv", tmp_path)
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"), newline="")))
    new = dict(rows[0], reference="", title="Brand new", usd_value="", usd_rate="", usd_rate_year="",
               targets='[{"indicator": "people_connected", "target_value": "500", "target_year": 2030}]',
               usd_disbursed="", approved_at="")
    _write_csv(path, [new])
    result = import_file(path)
    assert result.ok and result.created == 1
    pledge = db.session.scalar(select(Pledge).where(Pledge.title == "Brand new"))
    assert pledge.reference.startswith("P2C-") and pledge.status == ReviewStatus.APPROVED
    assert pledge.usd_value is not None and pledge.usd_rate is not None  # converted at the pledge-date rate


def test_every_bad_row_is_reported_with_line_and_field_and_nothing_is_written(sample, tmp_path):
    path = _export("csv", tmp_path)
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"), newline="")))
    rows[0]["amount"] = "lots"
    rows[1]["countries"] = "KEN;XXX"
    rows[1]["pledged_on"] = "31/12/2024"
    rows[2]["reference"] = rows[0]["reference"]
    rows[2]["targets"] = '[{"indicator": "nope", "target_value": "1", "target_year": 2030}]'
    rows[2]["title"] = "Changed"
    _write_csv(path, rows)
    result = import_file(path)
    assert not result.ok
    found = {(e.location, e.field) for e in result.errors}
    # Row 1 holds a description with a line break inside quotes: its next record starts on line 4.
    assert ("line 2", "amount") in found
    assert ("line 4", "countries") in found and ("line 4", "pledged_on") in found
    assert ("line 5", "targets") in found and ("line 5", "reference") in found
    assert any("XXX" in e.message for e in result.errors)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Pledge.id)).where(Pledge.title == "Changed")) == 0


def test_a_reference_still_in_review_is_refused(builder, tmp_path, sample):
    pending = db.session.scalar(select(Pledge).where(Pledge.status == ReviewStatus.SUBMITTED))
    path = _export("csv", tmp_path)
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"), newline="")))
    rows[0]["reference"] = pending.reference
    _write_csv(path, rows[:1])
    result = import_file(path)
    assert [(e.location, e.field) for e in result.errors] == [("line 2", "reference")]


def test_derived_flags_are_checked(sample, tmp_path):
    path = _export("csv", tmp_path)
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"), newline="")))
    rows[0]["targets_sids"] = "false"  # FJI is a SIDS
    _write_csv(path, rows)
    result = import_file(path)
    assert [(e.field) for e in result.errors] == ["targets_sids"]


def test_dry_run_reports_without_writing(sample, tmp_path):
    path = _export("json", tmp_path)
    clean_database()
    result = import_file(path, dry_run=True, restore=True)  # its own export (one pledge from before the target rule)
    assert result.ok and result.created == 3
    db.session.rollback()
    assert db.session.scalar(select(func.count(Pledge.id))) == 0


HEADER = ",".join(NAMES).encode()


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"\xef\xbb\xbf\r\n  \n", "empty"),
    ("latin1.csv", HEADER + b"\r\nP2C-1,Caf\xe9 connect\r\n", "not UTF-8"),
    ("quoting.csv", HEADER + b'\r\nP2C-1,"broken "quote,x\r\n', "quoting is broken"),
    ("columns.csv", b"ref,titel,amount\r\n1,2,3\r\n", "columns do not match"),
    ("dupes.csv", b"title,title\r\n1,2\r\n", "more than once"),
    ("header-only.csv", HEADER + b"\r\n", "no rows"),
    ("utf16.csv", "title,description\r\nx,y\r\n".encode("utf-16"), "UTF-16"),
    ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("bad.json", b'[{"title": "x",}]', "not valid JSON"),
    ("object.json", b'{"title": "x"}', "array of objects"),
    ("fake.xlsx", b"PK\x03\x04not really a zip", "not a valid XLSX"),
    ("text.xlsx", b"title\nx\n", "not a valid XLSX"),
])
def test_malformed_files_get_a_clear_message(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    result = import_file(path)
    assert not result.ok and expected in result.file_error


def test_a_row_with_too_many_fields_is_reported(tmp_path, sample):
    path = _export("csv", tmp_path)
    text = path.read_text("utf-8").rstrip("\r\n") + ',extra\r\n'
    path.write_text(text, "utf-8", newline="")
    result = import_file(path)
    assert result.errors and result.errors[-1].field == "-" and "fields" in result.errors[-1].message


def test_xlsx_typed_cells_are_accepted(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["title", "description", "language", "lead_organization", "lead_organization_stakeholder_group",
                  "lead_organization_country", "focus_area", "pledge_type", "pledged_on", "amount", "currency",
                  "is_global", "sdgs", "start_year", "milestones"])
    sheet.append(["Typed", "Cells from a spreadsheet", "en", "Sheet Org", "government", "KEN", "connect", "policy",
                  date(2024, 2, 1), 1000.5, "USD", False, "9;17", 2024.0,
                  '[{"kind": "policy", "description": "Policy adopted", "due_on": "2026-01-31"}]'])
    path = tmp_path / "typed.xlsx"
    workbook.save(path)
    result = import_file(path)
    assert result.ok, [str(e) for e in result.errors]
    pledge = db.session.scalar(select(Pledge).where(Pledge.title == "Typed"))
    assert str(pledge.amount) == "1000.50" and [s.number for s in pledge.sdgs] == [9, 17]


def test_cli_import_and_export(app, sample, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "out.json"
    result = runner.invoke(args=["p2c", "export", "--format", "json", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(out.read_text("utf-8"))) == 3
    result = runner.invoke(args=["p2c", "import", str(out), "--dry-run"])
    assert result.exit_code == 0 and "would create 0" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02")
    result = runner.invoke(args=["p2c", "import", str(bad)])
    assert result.exit_code == 1 and "binary" in result.output and "Traceback" not in result.output
    result = runner.invoke(args=["p2c", "export", "--format", "iati"])
    assert result.exit_code == 0 and "<iati-activities" in result.output
