"""Read API: Last-Modified on the lists, and the progress history of one pledge (never contact data)."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime

from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.extensions import db
from p2c.implementation.models import ProgressBeneficiary


def _last_modified(response) -> datetime:
    return parsedate_to_datetime(response.headers["Last-Modified"]).replace(tzinfo=None)


def test_lists_send_the_latest_change_of_their_records_as_last_modified(client, builder):
    lead = builder.organization()
    old = builder.pledge(lead=lead)
    new = builder.pledge(lead=lead)
    db.session.commit()
    old.updated_at, new.updated_at = datetime(2025, 1, 2, 3, 4, 5), datetime(2026, 2, 3, 4, 5, 6)
    lead.updated_at = datetime(2024, 1, 1)
    db.session.commit()
    response = client.get("/api/v1/pledges")
    assert response.status_code == 200 and _last_modified(response) == datetime(2026, 2, 3, 4, 5, 6)
    response = client.get("/api/v1/organizations")
    assert response.status_code == 200 and _last_modified(response) == datetime(2026, 2, 3, 4, 5, 6)
    since = {"If-Modified-Since": response.headers["Last-Modified"]}
    assert client.get("/api/v1/organizations", headers=since).status_code == 304


def test_one_pledge_has_its_progress_history(client, builder):
    pledge = builder.pledge(targets=[("people_connected", 1000, 2030)])
    pledge.focal_point.email = "hidden.person@example.org"
    first = builder.progress_report(pledge, period=2024, achieved={"people_connected": 100}, usd_disbursed=100)
    first.beneficiaries.append(ProgressBeneficiary(beneficiary_code="youth", people_reached=40))
    builder.progress_report(pledge, period=2025, achieved={"people_connected": 300}, usd_disbursed="300.50",
                            implementation_status=ImplementationStatus.DELAYED)
    builder.progress_report(pledge, period=2026, achieved={"people_connected": 999}, status=ReviewStatus.SUBMITTED)
    db.session.commit()
    response = client.get(f"/api/v1/pledges/{pledge.reference}")
    assert response.status_code == 200
    reports = response.get_json()["progress_reports"]
    assert [(r["period"], r["implementation_status"], r["usd_disbursed"]) for r in reports] == [
        (2024, "on_track", "100.00"), (2025, "delayed", "300.50")]
    assert reports[0]["achieved"] == [{"indicator": "people_connected", "target_year": 2030,
                                       "achieved_value": 100}]
    assert reports[0]["people_reached"] == [{"beneficiary_group": "youth", "people_reached": 40}]
    assert b"hidden.person" not in response.get_data() and b"Focal Point" not in response.get_data()
    spec = client.get("/api/v1/openapi.json").get_json()
    schema = spec["paths"]["/pledges/{ref}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    props = spec["components"]["schemas"][name]["properties"]
    assert "progress_reports" in props and "reference" in props
    report = spec["components"]["schemas"][props["progress_reports"]["items"]["$ref"].rsplit("/", 1)[-1]]
    assert {"period", "achieved", "usd_disbursed", "people_reached"} <= set(report["properties"])
