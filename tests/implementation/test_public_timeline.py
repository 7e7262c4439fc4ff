"""The public pledge page shows the implementation timeline: people reached per group, evidence links,
USD disbursed, newest year first, and never the focal point's contact data."""

from __future__ import annotations

from datetime import date

from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.extensions import db
from p2c.implementation.models import ProgressBeneficiary


def test_pledge_page_timeline_shows_people_reached_and_evidence(client, builder):
    pledge = builder.pledge(pledged_on=date(2023, 3, 1), beneficiaries=["women_girls", "youth"])
    builder.progress_report(pledge, period=2023, achieved={"people_connected": 100})
    report = builder.progress_report(pledge, period=2024, implementation_status=ImplementationStatus.DELAYED,
                                     achieved={"people_connected": 300}, usd_disbursed=250_000)
    report.evidence_links = ["https://example.org/evidence/2024-report.pdf"]
    report.beneficiaries = [ProgressBeneficiary(beneficiary_code="women_girls", people_reached=12_345),
                            ProgressBeneficiary(beneficiary_code="youth", people_reached=678)]
    pending = builder.progress_report(pledge, period=2025, status=ReviewStatus.SUBMITTED)
    pending.evidence_links = ["https://example.org/pending-only"]
    pledge.focal_point.email = "focal.point@private.example"
    pledge.focal_point.phone = "+254 700 000 111"
    db.session.commit()

    html = client.get(f"/pledges/{pledge.reference}").get_data(as_text=True)
    timeline = html.split('class="progress-timeline"', 1)[1].split("</section>", 1)[0]
    assert "People reached: Women and girls" in timeline and "12,345" in timeline
    assert "678" in timeline
    assert 'href="https://example.org/evidence/2024-report.pdf"' in timeline
    assert "$250,000" in timeline and "Delayed" in timeline
    # Newest year first; approved reports only; no contact data anywhere on the page.
    assert timeline.index("<h3>2024 ") < timeline.index("<h3>2023 ")
    assert "pending-only" not in html
    assert "focal.point@private.example" not in html and "700 000 111" not in html
