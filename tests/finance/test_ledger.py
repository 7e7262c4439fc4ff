"""The ledger: entries converted at the rate of their year, the running total derived, fulfilment."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from p2c.extensions import db
from p2c.implementation import ledger
from p2c.implementation.models import DisbursementEntry, ProgressReport


def test_entries_are_converted_at_the_rate_of_their_year(eur_pledge):
    rows = db.session.execute(
        select(DisbursementEntry.year, DisbursementEntry.amount, DisbursementEntry.currency_code,
               DisbursementEntry.recipient, DisbursementEntry.instrument, DisbursementEntry.cofinancing,
               DisbursementEntry.usd_rate, DisbursementEntry.usd_rate_year, DisbursementEntry.usd_value)
        .where(DisbursementEntry.pledge_id == eur_pledge.id).order_by(DisbursementEntry.year)).all()
    assert [tuple(r) for r in rows] == [
        (2023, Decimal("100000.00"), "EUR", "KEN", "grant", False, Decimal("1.0813000000"), 2023,
         Decimal("108130.00")),
        (2024, Decimal("50000.00"), "USD", "UGA", "loan", True, Decimal("1.0000000000"), 2024,
         Decimal("50000.00")),
        (2025, Decimal("200000.00"), "EUR", "KEN", "grant", False, Decimal("1.1290000000"), 2025,
         Decimal("225800.00")),
    ]


def test_running_total_is_derived_from_the_approved_entries(eur_pledge):
    totals = db.session.execute(select(ProgressReport.period, ProgressReport.usd_disbursed)
                                .where(ProgressReport.pledge_id == eur_pledge.id)
                                .order_by(ProgressReport.period)).all()
    assert [tuple(t) for t in totals] == [(2024, Decimal("158130.00")), (2025, Decimal("383930.00"))]


def test_fulfilment_share(eur_pledge, client):
    assert eur_pledge.usd_value == Decimal("1081300.00")
    expected = {"pledged_usd": "1081300.00", "disbursed_usd": "383930.00", "share": "0.3551"}
    assert ledger.fulfilment(eur_pledge) == expected
    body = client.get(f"/api/v1/pledges/{eur_pledge.reference}").get_json()
    assert body["fulfilment"] == expected
    latest = body["progress_reports"][-1]
    assert latest["usd_disbursed"] == "383930.00"
    assert latest["disbursements"] == [{
        "year": 2025, "amount": "200000.00", "currency": "EUR", "recipient": "KEN", "instrument": "grant",
        "cofinancing": False, "usd_rate": "1.1290000000", "usd_rate_year": 2025, "usd_value": "225800.00",
        "migrated": False}]
    page = client.get(f"/pledges/{eur_pledge.reference}").get_data(as_text=True)
    assert "$1,081,300" in page and "$383,930" in page and "35.5%" in page
    assert "€200,000.00" in page and "$225,800.00" in page


def test_a_pledge_without_money_value_has_no_fulfilment(builder):
    pledge = builder.pledge(amount=None)
    assert ledger.fulfilment(pledge) is None


def test_demo_data_has_a_consistent_ledger(app):
    """About five entries per reporting pledge; each pledge's disbursed to date is its approved entries' sum."""
    from sqlalchemy import func, true

    from p2c.core.enums import ReviewStatus
    from p2c.implementation.latest import latest_approved_reports
    from p2c.reporting.direct import raw_aggregates
    from p2c.reporting.queries import rollup_raw

    result = app.test_cli_runner().invoke(args=["p2c", "demo-data", "--pledges", "1000", "--seed", "3"])
    assert result.exit_code == 0, result.output
    entries = db.session.scalar(select(func.count(DisbursementEntry.id)))
    reporting = db.session.scalar(select(func.count(func.distinct(DisbursementEntry.pledge_id))))
    assert reporting > 50 and 3.0 <= entries / reporting <= 7.0
    sums = dict(db.session.execute(
        select(DisbursementEntry.pledge_id, func.sum(DisbursementEntry.usd_value))
        .join(ProgressReport, ProgressReport.id == DisbursementEntry.report_id)
        .where(ProgressReport.status == ReviewStatus.APPROVED).group_by(DisbursementEntry.pledge_id)).all())
    latest = {r.pledge_id: r.usd_disbursed for r in db.session.execute(latest_approved_reports(true()))
              if r.usd_disbursed is not None}
    assert {p: Decimal(v) for p, v in sums.items()} == {p: Decimal(v) for p, v in latest.items() if v}
    rolled, _orgs = rollup_raw(every_organization=True)
    direct, _ = raw_aggregates()
    assert {k: v for k, v in rolled.items() if v[0]} == {k: v for k, v in direct.items() if v[0]}
