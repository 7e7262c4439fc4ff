"""The import's milestones (review of issue 15): a file row is matched to the stored milestone it names, not to
the one at its position, so rows out of date order or a deleted row never move a done state (or a text) onto
another milestone; and a changed done state leaves the level of the report it is written to alone."""

from __future__ import annotations

import json
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from p2c.core.enums import FigureLevel
from p2c.extensions import db
from p2c.implementation.models import ProgressMilestone, ProgressReport
from p2c.implementation.queries import milestones_done
from p2c.opendata.columns import NAMES
from p2c.opendata.imports import import_file
from p2c.pledges.models import Pledge, PledgeMilestone
from p2c.rollups.models import Rollup
from tests.conftest import clean_database
from tests.opendata.test_dimension_columns import _pledge, _rows, qualitative  # noqa: F401
from tests.opendata.test_imports import _export, _write_csv


def _import_milestones(tmp_path, reference: str, cell: list[dict]) -> None:
    path = _export("csv", tmp_path)
    rows = _rows(path)
    next(r for r in rows if r["reference"] == reference)["milestones"] = json.dumps(cell)
    _write_csv(path, rows)
    result = import_file(path)
    assert result.ok, list(map(str, result.errors))
    db.session.commit()


def _exported(tmp_path, reference: str) -> list[dict]:
    row = next(r for r in _rows(_export("csv", tmp_path)) if r["reference"] == reference)
    return json.loads(row["milestones"])


def _state(reference: str) -> dict[str, tuple[int, bool | None]]:
    """description -> (milestone id, done)"""
    pledge = _pledge(reference)
    done = milestones_done(pledge)
    return {m.description: (m.id, done.get(m.id)) for m in pledge.milestones}


def test_rows_out_of_date_order_keep_their_own_done_state(qualitative, tmp_path):  # noqa: F811
    ids = {d: mid for d, (mid, _) in _state(qualitative).items()}
    cell = [  # the export's rows, latest due date first, two done states flipped
        {"kind": "strategy", "description": "National broadband strategy launched", "due_on": "2028-12-31",
         "done": False},
        {"kind": "policy", "description": "Spectrum policy; published", "due_on": "2027-03-31", "done": True},
        {"kind": "law", "description": "Universal service law adopted", "due_on": "2026-06-30", "done": True},
    ]
    _import_milestones(tmp_path, qualitative, cell)
    assert _state(qualitative) == {
        "Universal service law adopted": (ids["Universal service law adopted"], True),
        "Spectrum policy; published": (ids["Spectrum policy; published"], True),
        "National broadband strategy launched": (ids["National broadband strategy launched"], False)}
    assert _exported(tmp_path, qualitative) == list(reversed(cell))  # the export's own order: by due date


def test_new_rows_out_of_date_order_get_their_own_done_state(qualitative, tmp_path):  # noqa: F811
    other = next(r["reference"] for r in _rows(_export("csv", tmp_path)) if r["reference"] != qualitative)
    _import_milestones(tmp_path, other, [
        {"kind": "law", "description": "A late law", "due_on": "2028-01-01", "done": True},
        {"kind": "policy", "description": "An early policy", "due_on": "2026-01-01", "done": False}])
    assert {d: done for d, (_, done) in _state(other).items()} == {"A late law": True, "An early policy": False}
    assert _exported(tmp_path, other) == [
        {"kind": "policy", "description": "An early policy", "due_on": "2026-01-01", "done": False},
        {"kind": "law", "description": "A late law", "due_on": "2028-01-01", "done": True}]


def test_a_deleted_row_removes_that_milestone_and_keeps_the_others(qualitative, tmp_path):  # noqa: F811
    before = _state(qualitative)
    kept = _exported(tmp_path, qualitative)[1:]  # the law (done) removed: policy (not done), strategy (unsaid)
    _import_milestones(tmp_path, qualitative, kept)
    assert _state(qualitative) == {"Spectrum policy; published": before["Spectrum policy; published"],
                                   "National broadband strategy launched":
                                       before["National broadband strategy launched"]}
    assert before["Spectrum policy; published"][1] is False
    assert before["National broadband strategy launched"][1] is None
    assert _exported(tmp_path, qualitative) == kept


def test_an_edited_row_keeps_its_milestone_and_done_state(qualitative, tmp_path):  # noqa: F811
    before = _state(qualitative)
    cell = _exported(tmp_path, qualitative)
    cell[1]["description"] = "Spectrum policy adopted and published"
    cell[1]["due_on"] = "2027-06-30"
    _import_milestones(tmp_path, qualitative, cell)
    after = _state(qualitative)
    assert after["Spectrum policy adopted and published"] == before["Spectrum policy; published"]
    assert after["Universal service law adopted"] == before["Universal service law adopted"]
    assert _exported(tmp_path, qualitative) == cell


def _levels() -> dict[tuple[str, str], tuple[int, int]]:
    return {(r.dimension, r.key): (r.pledges, r.amount_cents) for r in db.session.scalars(
        select(Rollup).where(Rollup.dimension.in_(["achieved_level", "disbursed_level"])))}


def test_a_done_toggle_keeps_the_level_of_a_reviewed_or_verified_report(builder, tmp_path):
    pledge = builder.pledge(targets=[("people_connected", 1000, 2030)],
                            milestones=[PledgeMilestone(kind="law", description="Spectrum law adopted",
                                                        due_on=date(2027, 6, 30))])
    reviewed = builder.progress_report(pledge, period=2024, achieved={"people_connected": 300},
                                       usd_disbursed=100_000)
    verified = builder.progress_report(pledge, period=2025, achieved={"people_connected": 500},
                                       usd_disbursed=200_000, figure_level=FigureLevel.VERIFIED,
                                       verified_at=date(2026, 3, 1))
    verified.milestones = [ProgressMilestone(milestone=pledge.milestones[0], done=False)]
    db.session.commit()
    assert reviewed.figure_level == FigureLevel.REVIEWED
    levels = _levels()
    assert levels == {("achieved_level", "people_connected|verified"): (1, 50_000),
                      ("disbursed_level", "verified"): (1, 20_000_000)}
    cell = _exported(tmp_path, pledge.reference)
    cell[0]["done"] = True
    _import_milestones(tmp_path, pledge.reference, cell)
    db.session.refresh(verified)
    assert (verified.figure_level, verified.verified_at.date()) == (FigureLevel.VERIFIED, date(2026, 3, 1))
    assert [(m.milestone_id, m.done) for m in verified.milestones] == [(pledge.milestones[0].id, True)]
    assert db.session.scalar(select(ProgressReport.figure_level).where(ProgressReport.id == reviewed.id)) \
        == FigureLevel.REVIEWED
    assert db.session.scalars(select(ProgressReport.reference).where(
        ProgressReport.pledge_id == pledge.id, ProgressReport.reference.like("%-IMP"))).all() == []
    assert _levels() == levels


def test_a_done_state_without_any_report_goes_to_a_self_reported_import_report(qualitative, tmp_path):  # noqa: F811
    other = next(r["reference"] for r in _rows(_export("csv", tmp_path)) if r["reference"] != qualitative)
    _import_milestones(tmp_path, other, [
        {"kind": "law", "description": "A law", "due_on": "2026-01-01", "done": True}])
    report = db.session.scalars(select(ProgressReport).where(ProgressReport.pledge_id == _pledge(other).id)).one()
    assert report.reference.endswith("-IMP") and report.figure_level == FigureLevel.SELF_REPORTED


@pytest.mark.parametrize(("lang", "line", "message"), [
    ("en", "line", "Give at least one quantified target (targets) or one milestone (milestones)."),
    ("fr", "ligne", "Indiquez au moins une cible chiffrée (targets) ou un jalon (milestones)."),
])
def test_a_pledge_with_neither_targets_nor_milestones_is_a_row_error(qualitative, tmp_path, lang, line, message):  # noqa: F811
    """The pledge form's rule, for every pledge type (p2c.pledges.rules): nothing is saved."""
    path = _export("csv", tmp_path)
    rows = _rows(path)
    index = next(i for i, r in enumerate(rows) if r["reference"] == qualitative)
    assert rows[index]["targets"] == "[]" and rows[index]["pledge_type"] == "policy"
    rows[index]["milestones"] = ""  # an empty cell clears them
    for row in rows:
        row["title"] = "Changed by the file"
    _write_csv(path, rows)
    with force_locale(lang):
        result = import_file(path)
        errors = [(e.location, e.field, e.message) for e in result.errors]
    assert not result.ok and errors == [(f"{line} {index + 2}", "targets", message)]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Pledge.id)).where(Pledge.title == "Changed by the file")) == 0
    assert len(_pledge(qualitative).milestones) == 3


def test_a_file_without_the_milestones_column_keeps_a_pledge_with_only_milestones(qualitative, tmp_path):  # noqa: F811
    path = _export("csv", tmp_path)
    rows = [{k: v for k, v in r.items() if k != "milestones"} for r in _rows(path)]
    for row in rows:
        row["title"] = "Changed by the file"
    _write_csv(path, rows, header=[n for n in NAMES if n != "milestones"])
    result = import_file(path)
    assert result.ok, list(map(str, result.errors))
    db.session.commit()
    assert _pledge(qualitative).title == "Changed by the file" and len(_pledge(qualitative).milestones) == 3


def test_a_new_pledge_needs_a_target_or_a_milestone_unless_restored(qualitative, tmp_path):  # noqa: F811
    """A new row is held to the rule; a stored pledge that already has neither (from before the rule) may be
    updated, and the platform's own export loads back whole (`restore`)."""
    legacy = _pledge(qualitative)
    legacy.milestones = []
    db.session.commit()
    path = _export("csv", tmp_path)
    rows = _rows(path)
    index = next(i for i, r in enumerate(rows) if r["reference"] == qualitative)
    rows[index]["title"] = "Updated without targets or milestones"
    _write_csv(path, rows)
    result = import_file(path)
    assert result.ok, list(map(str, result.errors))
    db.session.commit()
    rows.append({**rows[index], "reference": "", "title": "A new pledge without targets or milestones"})
    _write_csv(path, rows)
    result = import_file(path)
    assert [(e.location, e.field) for e in result.errors] == [(f"line {len(rows) + 1}", "targets")]
    db.session.rollback()
    clean_database()
    result = import_file(path, restore=True)
    assert result.ok and result.created == 3, list(map(str, result.errors))
