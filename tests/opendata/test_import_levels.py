"""Review finding: an import that changes achieved figures labels the new figures with whatever level the
file states (an export says "reviewed"/"verified"), so unreviewed numbers are published as reviewed or
independently verified, with no verification record."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from p2c.core.enums import FigureLevel
from p2c.extensions import db
from p2c.implementation.models import ProgressReport
from p2c.opendata.imports import import_file
from tests.opendata.test_imports import _export, _write_csv, sample  # noqa: F401


def _edit(path, level):
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"), newline="")))
    row = next(r for r in rows if r["achieved_level"])
    targets = json.loads(row["targets"])
    targets[0]["achieved_value"] = "999999.00"  # a figure nobody has reviewed
    row["targets"] = json.dumps(targets)
    row["achieved_level"] = level
    _write_csv(path, rows)
    return row["reference"]


def _latest_level(reference):
    return db.session.scalars(select(ProgressReport).where(ProgressReport.reference.like(f"{reference}-%"))
                              .order_by(ProgressReport.period.desc())).first()


def test_changed_figures_from_an_import_are_not_claimed_independently_verified(sample, tmp_path):  # noqa: F811
    path = _export("csv", tmp_path)
    reference = _edit(path, "verified")
    result = import_file(path)
    assert result.ok, list(result.errors)
    db.session.commit()
    report = _latest_level(reference)
    assert any(v.achieved_value == 999999 for v in report.values)
    assert report.figure_level != FigureLevel.VERIFIED, "import-written figures shown as independently verified"


def test_changed_figures_from_an_import_are_not_claimed_reviewed(sample, tmp_path):  # noqa: F811
    path = _export("csv", tmp_path)
    reference = _edit(path, "reviewed")  # as exported: the file's level is the old figures'
    assert import_file(path).ok
    db.session.commit()
    report = _latest_level(reference)
    assert any(v.achieved_value == 999999 for v in report.values)
    assert report.figure_level == FigureLevel.SELF_REPORTED, report.figure_level
