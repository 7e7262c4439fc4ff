"""A fraction of a count (12.5 schools) is refused where figures come in: the write API (pledges and
progress reports) and the import; money keeps its cents. Nothing is saved (issue 14)."""

from __future__ import annotations

import copy
import json

from sqlalchemy import func, select

from p2c.api import services
from p2c.extensions import db
from p2c.implementation.models import ProgressReport
from p2c.opendata.imports import import_file
from p2c.pledges.models import Pledge
from tests.api.test_write_api import PLEDGE, auth
from tests.conftest import clean_database


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _token(builder):
    org = builder.organization(name="Partner Telecom", country_iso3="KEN")
    _row, secret = services.issue_token(org, "integration")
    db.session.commit()
    return org, secret


def test_a_pledge_with_half_a_school_is_refused_in_english_and_french(client, builder):
    _org, secret = _token(builder)
    payload = copy.deepcopy(PLEDGE)
    payload["targets"] = [{"indicator": "schools_connected", "value": "12.5", "year": 2028},
                          {"indicator": "usd_invested", "value": "1000.50", "year": 2028}]
    response = client.post("/api/v1/pledges", json=payload, headers=auth(secret, **{"Accept-Language": "en"}))
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert fields["targets-0-value"] == ["Enter a whole number: this indicator counts schools."]
    assert "targets-1-value" not in fields  # USD keeps its cents
    response = client.post("/api/v1/pledges?lang=fr", json=payload, headers=auth(secret, **{"Accept-Language": "fr"}))
    assert response.get_json()["error"]["fields"]["targets-0-value"] == [
        "Saisissez un nombre entier : cet indicateur compte des écoles."]
    assert _count(Pledge) == 0
    payload["targets"][0]["value"] = "12.00"  # a whole number written with decimals is fine
    assert client.post("/api/v1/pledges", json=payload, headers=auth(secret)).status_code == 201


def test_a_progress_report_with_half_a_person_is_refused(client, builder):
    org, secret = _token(builder)
    pledge = builder.pledge(lead=org, targets=[("people_connected", 1000, 2030)])
    db.session.commit()
    report = {"period": 2025, "implementation_status": "on_track",
              "narrative": "We connected the first 40 schools and trained teachers in each of them.",
              "values": [{"indicator": "people_connected", "achieved_value": "400.5"}]}
    response = client.post(f"/api/v1/pledges/{pledge.reference}/progress-reports", json=report,
                           headers=auth(secret, **{"Accept-Language": "en"}))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["values"] == [
        "Enter a whole number: this indicator counts people."]
    assert _count(ProgressReport) == 0


def test_the_import_refuses_a_fraction_of_a_count(client, builder, tmp_path):
    builder.pledge(amount=1000, currency="USD", targets=[("people_connected", 10, 2030)])
    db.session.commit()
    (row,) = client.get("/data/pledges.json").get_json()
    assert row["targets"][0]["target_value"] == "10"  # a count: no decimals in the file
    clean_database()
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([dict(row, targets=[dict(row["targets"][0], target_value="10.5")])]), "utf-8")
    result = import_file(path)
    assert [(e.location, e.field) for e in result.errors] == [("record 1", "targets")]
    assert "whole number" in result.errors[0].message
    db.session.rollback()
    assert _count(Pledge) == 0
