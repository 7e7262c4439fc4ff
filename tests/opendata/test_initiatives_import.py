"""The `initiatives` column survives export and re-import in every format; an unknown code is refused."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from p2c.extensions import db
from p2c.opendata.imports import import_file
from p2c.pledges.models import Pledge
from p2c.reference.initiatives import RegionalInitiative
from tests.conftest import clean_database
from tests.opendata.test_imports import _csv_text, _export, _write_csv


@pytest.fixture
def aligned(builder):
    codes = ("AFR1", "AFR5")
    pledge = builder.pledge(countries=["KEN"], initiatives=[db.session.get(RegionalInitiative, c) for c in codes])
    builder.pledge(countries=["FRA"])
    db.session.commit()
    return pledge.reference


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_initiatives_round_trip(aligned, tmp_path, fmt):
    before = _csv_text()
    assert "AFR1;AFR5" in before
    path = _export(fmt, tmp_path)
    clean_database()
    result = import_file(path)
    assert result.ok, list(map(str, result.errors)) + [result.file_error]
    db.session.commit()
    assert _csv_text() == before
    pledge = db.session.scalars(select(Pledge).where(Pledge.reference == aligned)).one()
    assert [i.code for i in pledge.initiatives] == ["AFR1", "AFR5"]


def test_an_unknown_initiative_is_refused_with_its_line(aligned, tmp_path):
    path = _export("csv", tmp_path)
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"), newline="")))
    rows[0]["initiatives"] = "AFR1;ZZZ9"
    _write_csv(path, rows)
    result = import_file(path)
    assert not result.ok
    assert any("ZZZ9" in str(e) and "initiatives" in str(e) for e in result.errors), list(map(str, result.errors))
