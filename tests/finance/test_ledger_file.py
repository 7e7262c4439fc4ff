"""The ledger as open data, and the filtered /api/v1/progress equal to sums over the ledger file, to the cent."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from p2c.extensions import db
from tests.finance.conftest import file_and_approve


@pytest.fixture
def ledger_set(app, eur_pledge, builder):
    """The EUR pledge (AFR) and a JPY pledge for Peru (AMS) with one approved and one pending report."""
    other = builder.pledge(amount=50_000_000, currency="JPY", pledged_on=date(2024, 5, 1), countries=["PER"],
                           start_year=2024, focus_area="empower")
    db.session.commit()
    file_and_approve(app, other, 2025, [
        {"amount": 1_000_001, "year": 2024, "recipient": "PER", "instrument": "in_kind"},
        {"amount": "333.33", "currency": "USD", "year": 2025, "recipient": "AMS", "instrument": "equity",
         "cofinancing": True}])
    file_and_approve(app, other, 2026, [
        {"amount": 5_000_000, "recipient": "PER", "instrument": "grant"}], approve=False)
    return eur_pledge, db.session.get(type(other), other.id)


def _csv(client, query: str = "") -> list[dict]:
    body = client.get(f"/data/ledger.csv{query}").get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(body)))


def test_one_row_per_approved_entry_with_its_conversion(ledger_set, client):
    rows = _csv(client)
    assert len(rows) == 5  # the pending report's entry is not open data
    jpy = next(r for r in rows if r["currency"] == "JPY")
    assert {k: jpy[k] for k in ("year", "amount", "usd_rate_year", "recipient", "recipient_region", "instrument",
                                "iati_finance_type", "cofinancing", "migrated")} == {
        "year": "2024", "amount": "1000001.00", "usd_rate_year": "2024", "recipient": "PER",
        "recipient_region": "AMS", "instrument": "in_kind", "iati_finance_type": "110", "cofinancing": "false",
        "migrated": "false"}
    assert Decimal(jpy["usd_value"]) == (Decimal(jpy["amount"]) * Decimal(jpy["usd_rate"])).quantize(Decimal("0.01"))
    equity = next(r for r in rows if r["instrument"] == "equity")
    assert (equity["recipient"], equity["recipient_region"], equity["iati_finance_type"]) == ("AMS", "AMS", "510")
    as_json = client.get("/data/ledger.json").get_json()
    assert [r["usd_value"] for r in as_json] == [r["usd_value"] for r in rows]
    sheet = load_workbook(io.BytesIO(client.get("/data/ledger.xlsx").data), read_only=True)["ledger"]
    assert sum(1 for _ in sheet.iter_rows()) == 6
    assert "Data dictionary of the disbursements ledger" in client.get("/data").get_data(as_text=True)


@pytest.mark.parametrize("query", ["", "?region=AMS", "?region=AFR", "?focus_area=empower", "?country=KEN",
                                   "?year=2024", "?group=ldc"])
def test_filtered_progress_equals_the_sums_of_the_ledger_file(ledger_set, client, query):
    rows = _csv(client, query)
    api = client.get(f"/api/v1/progress{query}").get_json()["finance"]
    assert api["disbursed_usd"] == str(sum((Decimal(r["usd_value"]) for r in rows), Decimal("0.00")))
    by_year = {b["dimension"]: b for b in api["breakdowns"]}["year"]["rows"]
    for row in by_year:
        expected = sum((Decimal(r["usd_value"]) for r in rows if r["year"] == row["key"]), Decimal("0.00"))
        assert row["disbursed_usd"] == str(expected)
    countries = {b["dimension"]: b for b in api["breakdowns"]}["country"]["rows"]
    for row in countries:
        expected = sum((Decimal(r["usd_value"]) for r in rows if r["recipient"] == row["key"]), Decimal("0.00"))
        assert row["disbursed_usd"] == str(expected)
    assert api["reporting_pledges"] == len({r["pledge"] for r in rows})


def test_known_figures_of_the_filtered_ledger(ledger_set, client):
    eur, _jpy = ledger_set
    rows = _csv(client, "?region=AFR")
    assert {r["pledge"] for r in rows} == {eur.reference}
    assert sum(Decimal(r["usd_value"]) for r in rows) == Decimal("383930.00")
