"""The known set of the ledger tests: a EUR pledge with entries in EUR and USD over three years and two
countries (filed and approved through the services the private link and the API use)."""

from __future__ import annotations

from datetime import date

import pytest

from p2c.core.unit import commit
from p2c.extensions import db
from p2c.implementation import services
from p2c.implementation.schemas import ProgressReportInputSchema

NARRATIVE = "We connected forty schools in two counties this year."


def file_and_approve(app, pledge, period: int, entries: list[dict], approve: bool = True):
    """File a report with `entries` through the API's schema and the filing service, then approve it."""
    from p2c.review.services import decide

    with app.test_request_context():
        data = ProgressReportInputSchema(pledge=pledge, today=date(2026, 11, 30)).load({
            "period": period, "implementation_status": "on_track", "narrative": NARRATIVE, "entries": entries})
        report = services.file_report(pledge, data, "en")
        commit()
        if approve:
            decide("progress_report", report.id, "approve", expected_version=report.version)
            commit()
        return report.id


@pytest.fixture
def eur_pledge(app, builder):
    """EUR 1,000,000 pledged on 2023-03-01 (1.0813 USD/EUR: USD 1,081,300.00), for Kenya and Uganda.

    Entries: 2024 report: EUR 100,000 in 2023 to KEN (grant, x1.0813 = USD 108,130.00) and USD 50,000 in
    2024 to UGA (loan, co-financing); 2025 report: EUR 200,000 in 2025 to KEN (grant, x1.129 = USD
    225,800.00). Disbursed to date USD 383,930.00; share 383,930 / 1,081,300 = 0.3551."""
    pledge = builder.pledge(amount=1_000_000, currency="EUR", pledged_on=date(2023, 3, 1),
                            countries=["KEN", "UGA"], start_year=2023)
    db.session.commit()
    file_and_approve(app, pledge, 2024, [
        {"amount": "100000", "year": 2023, "recipient": "KEN", "instrument": "grant"},
        {"amount": 50000, "currency": "USD", "recipient": "UGA", "instrument": "loan", "cofinancing": True},
    ])
    file_and_approve(app, pledge, 2025, [
        {"amount": 200000, "currency": "EUR", "year": 2025, "recipient": "KEN", "instrument": "grant"},
    ])
    db.session.expire_all()
    return db.session.get(type(pledge), pledge.id)
