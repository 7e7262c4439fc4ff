"""Exports: approved pledges only, never contact data, the one column list, exact figures."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.extensions import db
from p2c.opendata.columns import NAMES
from p2c.opendata.exports import split_items


@pytest.fixture
def pledges(builder):
    partner_a = builder.organization(name="Alpha; Beta \\ Co")
    partner_b = builder.organization(name="Zeta Networks")
    approved = builder.pledge(countries=["KEN", "NPL", "FJI"], partners=[partner_b, partner_a], amount="2500000.50",
                              currency="EUR", targets=[("people_connected", 1000, 2030), ("people_trained", 50, 2028)],
                              sdgs=[9, 4], wsis=["C2", "C7"], event_code="wtdc25")
    approved.focal_point.name = "Secret Person"
    approved.focal_point.email = "secret.person@example.org"
    approved.focal_point.phone = "+41 22 730 5111"
    builder.progress_report(approved, period=2024, achieved={"people_connected": 100}, usd_disbursed=1000)
    builder.progress_report(approved, period=2025, achieved={"people_connected": 400}, usd_disbursed="2500.25",
                            implementation_status=ImplementationStatus.DELAYED)
    builder.progress_report(approved, period=2026, achieved={"people_connected": 999}, usd_disbursed=10**6,
                            status=ReviewStatus.SUBMITTED)
    second = builder.pledge(is_global=True, countries=[], amount=None, currency=None, pledged_on=date(2023, 3, 1),
                            targets=[])
    hidden = builder.pledge(status=ReviewStatus.SUBMITTED, title="Not yet public")
    db.session.commit()
    return approved, second, hidden


def _csv_rows(client, url="/data/pledges.csv"):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert b"\r\n" in raw  # RFC 4180 line ends
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


def test_csv_has_the_columns_and_only_approved_pledges(client, pledges):
    approved, second, hidden = pledges
    rows = _csv_rows(client)
    assert list(rows[0].keys()) == list(NAMES)
    assert [r["reference"] for r in rows] == [approved.reference, second.reference]
    row = rows[0]
    assert row["amount"] == "2500000.50" and row["currency"] == "EUR"
    assert Decimal(row["usd_value"]) == approved.usd_value
    assert row["countries"] == "FJI;KEN;NPL"
    assert row["targets_ldc"] == "true" and row["targets_sids"] == "true"
    assert split_items(row["partners"]) == ["Alpha; Beta \\ Co", "Zeta Networks"]
    assert row["sdgs"] == "4;9" and row["announced_at"] == "wtdc25"
    assert row["implementation_status"] == "delayed"
    assert row["usd_disbursed"] == "2500.25"  # latest approved running total
    targets = json.loads(row["targets"])
    assert targets[0] == {"indicator": "people_connected", "target_value": "1000", "target_year": 2030,
                          "baseline": None, "note": "", "achieved_value": "400", "achieved_period": 2025}
    assert targets[1]["achieved_value"] is None
    assert rows[1]["is_global"] == "true" and rows[1]["amount"] == "" and rows[1]["targets"] == "[]"


@pytest.mark.parametrize("url", ["/data/pledges.csv", "/data/pledges.json", "/data/pledges.xlsx",
                                 "/data/iati-activities.xml"])
def test_no_contact_data_and_no_unapproved_pledge_in_any_export(client, pledges, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.get_data()
    if url.endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        body = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row).encode()
    for secret in (b"Secret Person", b"secret.person@example.org", b"730 5111", b"Not yet public", b"focal"):
        assert secret not in body


def test_json_and_xlsx_match_the_csv(client, pledges):
    rows = _csv_rows(client)
    data = client.get("/data/pledges.json").get_json()
    assert [list(d.keys()) for d in data] == [list(NAMES)] * 2
    assert data[0]["countries"] == ["FJI", "KEN", "NPL"] and data[0]["is_global"] is False
    assert data[0]["usd_value"] == rows[0]["usd_value"]
    sheet = load_workbook(io.BytesIO(client.get("/data/pledges.xlsx").get_data()), read_only=True).active
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == list(NAMES)
    assert len(table) == 3
    assert table[1][NAMES.index("reference")] == rows[0]["reference"]
    assert Decimal(str(table[1][NAMES.index("usd_value")])) == Decimal(rows[0]["usd_value"])


def test_csv_recomputes_the_headline_figures(client, builder, pledges):
    for i in range(7):
        builder.pledge(amount=Decimal("1234.57") * (i + 1), currency="JPY", countries=["BRA", "NER"])
    db.session.commit()
    rows = _csv_rows(client)
    from sqlalchemy import func, select

    from p2c.pledges.models import Pledge

    expected = db.session.scalar(select(func.sum(Pledge.usd_value)).where(Pledge.status == ReviewStatus.APPROVED))
    assert sum(Decimal(r["usd_value"]) for r in rows if r["usd_value"]) == expected
    assert len(rows) == db.session.scalar(
        select(func.count()).select_from(Pledge).where(Pledge.status == ReviewStatus.APPROVED))


def test_batches_cover_every_pledge_once(app, builder):
    from p2c.opendata.records import iter_records

    made = [builder.pledge().reference for _ in range(25)]
    db.session.commit()
    assert [r["reference"] for r in iter_records(batch_size=4)] == made


def test_data_page_lists_downloads_dictionary_licence_and_sources(client, pledges):
    response = client.get("/data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for name in NAMES:
        assert f'id="column-{name}"' in html
    assert "CC BY 4.0" in html
    for url in ("/data/pledges.csv", "/data/pledges.json", "/data/pledges.xlsx", "/data/iati-activities.xml"):
        assert url in html
    assert "P2C Action Framework" in html  # a reference source
    assert "stakeholder_group" in html and "private_sector" in html  # allowed codes


def test_exports_take_the_directory_filters(client, builder, pledges):
    approved, second, _hidden = pledges
    other = builder.pledge(focus_area="empower", pledge_type="advocacy")
    db.session.commit()
    refs = [r["reference"] for r in _csv_rows(client, "/data/pledges.csv?focus_area=empower")]
    assert refs == [other.reference]
    refs = [r["reference"] for r in _csv_rows(client, "/data/pledges.csv?country=npl")]
    assert refs == [approved.reference]
    assert client.get("/data/pledges.json?type=advocacy").get_json()[0]["reference"] == other.reference
    response = client.get("/data/pledges.csv?focus_area=nonsense")
    assert response.status_code == 400 and b"focus_area" in response.get_data()
