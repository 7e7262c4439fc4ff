"""The columns of issue 15's dimensions (milestones, SDG targets, GDC objectives, initiatives, event) in the
pledge exports and the import: exact values, a lossless round trip in every format, a per-row error for a
bad value with nothing saved, and files from before the new columns leave stored values alone."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from p2c.extensions import db
from p2c.implementation.models import ProgressMilestone, ProgressReport
from p2c.implementation.queries import milestones_done
from p2c.opendata.columns import NAMES
from p2c.opendata.imports import import_file
from p2c.pledges.models import Pledge, PledgeMilestone
from p2c.reference.initiatives import RegionalInitiative
from p2c.reference.models import GdcObjective, SdgTarget
from tests.conftest import clean_database
from tests.opendata.test_imports import _csv_text, _export, _write_csv

# The columns as published before this change: their order must never move (scripts read by position).
EARLIER = ("reference", "title", "description", "language", "lead_organization", "lead_organization_acronym",
           "lead_organization_stakeholder_group", "lead_organization_country", "lead_organization_region",
           "partners", "focus_area", "pillars", "pledge_type", "amount", "currency", "usd_value", "usd_rate",
           "usd_rate_year", "is_global", "countries", "targets_ldc", "targets_lldc", "targets_sids",
           "beneficiary_groups", "sdgs", "wsis_lines", "initiatives", "start_date", "end_date", "start_year",
           "pledged_on", "approved_at", "announced_at", "implementation_status", "last_reported_at",
           "usd_disbursed", "achieved_level", "targets", "evidence_files")

MILESTONES_CELL = json.dumps([
    {"kind": "law", "description": "Universal service law adopted", "due_on": "2026-06-30", "done": True},
    {"kind": "policy", "description": "Spectrum policy; published", "due_on": "2027-03-31", "done": False},
    {"kind": "strategy", "description": "National broadband strategy launched", "due_on": "2028-12-31",
     "done": None},
], ensure_ascii=False, separators=(",", ":"))


@pytest.fixture
def qualitative(builder):
    """A policy pledge with three milestones (done, not done, not reported), SDG targets, GDC objectives,
    initiatives and an event; and a plain pledge with none of them."""
    pledge = builder.pledge(
        countries=["KEN"], amount=None, currency=None, pledge_type="policy", targets=[], event_code="wtdc25",
        sdg_targets=[db.session.get(SdgTarget, c) for c in ("9.c", "4.4", "17.6")],
        gdc_objectives=[db.session.get(GdcObjective, c) for c in ("gdc3", "gdc1")],
        initiatives=[db.session.get(RegionalInitiative, "AFR1")],
        milestones=[PledgeMilestone(kind="strategy", description="National broadband strategy launched",
                                    due_on=date(2028, 12, 31)),
                    PledgeMilestone(kind="law", description="Universal service law adopted",
                                    due_on=date(2026, 6, 30)),
                    PledgeMilestone(kind="policy", description="Spectrum policy; published",
                                    due_on=date(2027, 3, 31))])
    by_kind = {m.kind: m for m in pledge.milestones}
    old = builder.progress_report(pledge, period=2024)
    old.milestones = [ProgressMilestone(milestone=by_kind["law"], done=False),
                      ProgressMilestone(milestone=by_kind["strategy"], done=True)]  # older: not "latest"
    latest = builder.progress_report(pledge, period=2025)
    latest.milestones = [ProgressMilestone(milestone=by_kind["law"], done=True),
                         ProgressMilestone(milestone=by_kind["policy"], done=False)]
    builder.pledge(countries=["FRA"])
    db.session.commit()
    return pledge.reference


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"), newline="")))


def test_new_columns_are_appended_after_the_earlier_ones():
    assert NAMES[:len(EARLIER)] == EARLIER
    assert NAMES[len(EARLIER):] == ("sdg_targets", "gdc_objectives", "milestones")


def test_exports_hold_the_exact_values(qualitative, tmp_path):
    rows = {r["reference"]: r for r in _rows(_export("csv", tmp_path))}
    row = rows[qualitative]
    assert row["sdg_targets"] == "17.6;4.4;9.c"
    assert row["gdc_objectives"] == "gdc1;gdc3"
    assert row["initiatives"] == "AFR1" and row["announced_at"] == "wtdc25"
    assert row["milestones"] == MILESTONES_CELL
    other = next(r for ref, r in rows.items() if ref != qualitative)
    assert (other["sdg_targets"], other["gdc_objectives"], other["milestones"]) == ("", "", "[]")
    records = {r["reference"]: r for r in json.loads(_export("json", tmp_path).read_text("utf-8"))}
    assert records[qualitative]["milestones"] == json.loads(MILESTONES_CELL)
    assert records[qualitative]["sdg_targets"] == ["17.6", "4.4", "9.c"]
    assert records[qualitative]["gdc_objectives"] == ["gdc1", "gdc3"]


def _pledge(reference: str) -> Pledge:
    return db.session.scalars(select(Pledge).where(Pledge.reference == reference)).one()


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_round_trip_gives_the_same_pledge(qualitative, tmp_path, fmt):
    before = _csv_text()
    path = _export(fmt, tmp_path)
    clean_database()
    result = import_file(path, restore=True)
    assert result.ok, list(map(str, result.errors)) + [result.file_error]
    db.session.commit()
    assert (result.created, result.updated) == (2, 0)
    assert _csv_text() == before
    pledge = _pledge(qualitative)
    assert [t.code for t in pledge.sdg_targets] == ["4.4", "9.c", "17.6"]  # reference order
    assert [o.code for o in pledge.gdc_objectives] == ["gdc1", "gdc3"]
    assert [i.code for i in pledge.initiatives] == ["AFR1"] and pledge.event_code == "wtdc25"
    milestones = sorted(pledge.milestones, key=lambda m: m.due_on)
    assert [(m.kind, m.description, m.due_on) for m in milestones] == [
        ("law", "Universal service law adopted", date(2026, 6, 30)),
        ("policy", "Spectrum policy; published", date(2027, 3, 31)),
        ("strategy", "National broadband strategy launched", date(2028, 12, 31))]
    done = milestones_done(pledge)
    assert [done.get(m.id) for m in milestones] == [True, False, None]
    # Re-importing the same file changes nothing (no new report, no new version).
    again = import_file(path, restore=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    db.session.commit()
    assert db.session.scalar(select(func.count(ProgressReport.id))) == 1
    assert _csv_text() == before


def test_a_changed_done_state_updates_the_latest_report(qualitative, tmp_path):
    path = _export("csv", tmp_path)
    rows = _rows(path)
    row = next(r for r in rows if r["reference"] == qualitative)
    milestones = json.loads(row["milestones"])
    milestones[1]["done"] = True  # the spectrum policy is now published
    milestones[2]["done"] = None  # still not reported: stays as stored
    row["milestones"] = json.dumps(milestones)
    _write_csv(path, rows)
    reports = db.session.scalar(select(func.count(ProgressReport.id)))
    result = import_file(path)
    assert result.ok and (result.updated, result.unchanged) == (1, 1)
    db.session.commit()
    assert db.session.scalar(select(func.count(ProgressReport.id))) == reports  # the 2025 report, updated
    pledge = _pledge(qualitative)
    done = milestones_done(pledge)
    assert sorted((m.kind, done.get(m.id)) for m in pledge.milestones) == [
        ("law", True), ("policy", True), ("strategy", None)]


@pytest.mark.parametrize(("column", "value", "message"), [
    ("sdg_targets", "9.c;9.z", "Unknown code 9.z"),
    ("gdc_objectives", "gdc9", "Unknown code gdc9"),
    ("initiatives", "AFR1;ZZZ9", "Unknown code ZZZ9"),
    ("milestones", '[{"kind": "law", "description": "Law adopted", "due_on": "2026-13-01"}]',
     "Milestone 1: enter the due date as YYYY-MM-DD."),
    ("milestones", '[{"kind": "decree", "description": "Law adopted", "due_on": "2026-01-01"}]',
     "Milestone 1: the kind must be one of law, policy, strategy, other."),
    ("milestones", '[{"kind": "law", "description": "Law", "due_on": "2026-01-01", "done": "yes"}]',
     "Milestone 1: done must be true, false or null."),
    ("milestones", '[{"kind": "law", "description": "Law", "due_on": "2026-01-01", "owner": "x"}]',
     "Milestone 1: unknown keys owner."),
    ("milestones", "not json", "Enter the milestones as a JSON array, as the export writes them."),
])
def test_a_bad_value_is_a_row_error_and_nothing_is_saved(qualitative, tmp_path, column, value, message):
    path = _export("csv", tmp_path)
    rows = _rows(path)
    index = next(i for i, r in enumerate(rows) if r["reference"] == qualitative)
    rows[index][column] = value
    for row in rows:
        row["title"] = "Changed by the file"  # would be saved if anything were
    _write_csv(path, rows)
    result = import_file(path)
    assert not result.ok
    assert [(e.location, e.field, e.message) for e in result.errors] == [
        (f"line {index + 2}", column, message + ("; see the allowed values on /data." if "Unknown" in message
                                                 else ""))]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Pledge.id)).where(Pledge.title == "Changed by the file")) == 0


def test_a_file_from_before_the_new_columns_keeps_the_stored_values(qualitative, tmp_path):
    path = _export("csv", tmp_path)
    rows = _rows(path)
    old_header = [n for n in NAMES if n not in ("sdg_targets", "gdc_objectives", "milestones", "initiatives")]
    _write_csv(path, [{k: r[k] for k in old_header} for r in rows], header=old_header)
    before = _csv_text()
    result = import_file(path)
    assert result.ok and result.unchanged == 2, list(map(str, result.errors))
    db.session.commit()
    assert _csv_text() == before
    pledge = _pledge(qualitative)
    assert len(pledge.milestones) == 3 and len(pledge.sdg_targets) == 3 and len(pledge.initiatives) == 1


def test_the_data_dictionary_lists_the_new_columns(client, qualitative):
    html = client.get("/data").get_data(as_text=True)
    rows = html.split('<tr id="column-')[1:]
    assert [r.split('"', 1)[0] for r in rows] == list(NAMES)
    by_name = {r.split('"', 1)[0]: r.split("</tr>", 1)[0] for r in rows}
    assert "<code>9.c</code>" in by_name["sdg_targets"] and "11 codes" in by_name["sdg_targets"]
    assert "<code>gdc5</code>" in by_name["gdc_objectives"] and "5 codes" in by_name["gdc_objectives"]
    assert "law, policy, strategy, other" in by_name["milestones"]


@pytest.fixture
def written(app, tmp_path):
    app.config["OPENDATA_SNAPSHOT_DIR"] = str(tmp_path / "files")
    yield
    app.config["OPENDATA_SNAPSHOT_DIR"] = ""


def test_written_files_equal_the_stream_and_follow_an_edit_the_rollups_do_not_count(client, qualitative, written):
    """A new milestone or SDG target moves no figure, yet the file written ahead must not hide it."""
    from p2c.operations.jobs import write_open_data

    assert write_open_data().startswith("wrote")
    served = client.get("/data/pledges.csv")
    assert served.headers.get("ETag") and served.data == _csv_text().encode()
    pledge = _pledge(qualitative)
    pledge.milestones.append(PledgeMilestone(kind="other", description="Regulator's report published",
                                             due_on=date(2029, 1, 31)))
    pledge.sdg_targets = [db.session.get(SdgTarget, "5.b")]
    db.session.commit()
    served = client.get("/data/pledges.csv")
    assert b"Regulator's report published" in served.data and b",5.b," in served.data
    served.close()
    assert write_open_data().startswith("wrote")
    again = client.get("/data/pledges.csv")
    assert again.headers.get("ETag") and again.data == _csv_text().encode()
