"""A focal point files a progress report through the private link in a real browser (CSRF on), and a
published report is readable at phone width, in English and Arabic."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from p2c.core.enums import ReviewStatus
from p2c.core.tokens import make_token
from p2c.core.unit import commit
from p2c.extensions import db
from p2c.implementation.models import ProgressReport
from p2c.publications import services
from tests.browser.conftest import page_width, screenshot


def _no_sideways_scroll(page) -> bool:
    return page_width(page) <= 360


def test_focal_point_files_a_report_on_a_phone(live_server, phone_page, builder):
    pledge = builder.pledge(amount=1_000_000, targets=(("people_connected", 5000, 2030),
                                                       ("schools_connected", 40, 2028)))
    db.session.commit()
    token = make_token("pledge", pledge.id, pledge.focal_point.email)
    page = phone_page

    page.goto(f"{live_server.url}/my/{token}/report?lang=ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert _no_sideways_scroll(page)
    screenshot(page, "progress-report-form-ar-phone")

    page.goto(f"{live_server.url}/my/{token}/report?lang=en")
    assert _no_sideways_scroll(page)
    screenshot(page, "progress-report-form-en-phone")
    # First a mistake: a negative disbursement; the message shows next to the field and nothing is saved.
    page.select_option("#period", "2025")
    page.check("input[name=implementation_status][value=on_track]")
    page.fill("#entry_1_amount", "-10")
    page.fill("#narrative", "We connected 12 schools and 1,800 people in the first year.")
    page.click("button[type=submit]")
    assert page.locator("#entry_1_amount-error").inner_text() == "Enter a number of zero or more."
    assert page.locator(".error-summary").is_visible()
    screenshot(page, "progress-report-form-error-en-phone")
    assert db.session.scalars(select(ProgressReport)).all() == []

    page.fill("#entry_1_amount", "200000")  # in the pledge's currency, this year
    page.select_option("#entry_1_recipient", "KEN")
    page.select_option("#entry_1_instrument", "grant")
    page.fill(f"#target_{pledge.targets[0].id}", "1800")
    page.fill(f"#target_{pledge.targets[1].id}", "12")
    page.fill("#reached_schools", "12")
    page.fill("#evidence_links", "https://example.org/p2c/2025")
    page.click("button[type=submit]")
    assert "Thank you" in page.locator(".flashes").inner_text()
    assert _no_sideways_scroll(page)
    db.session.expire_all()
    report = db.session.scalars(select(ProgressReport)).one()
    assert report.status == ReviewStatus.SUBMITTED and len(report.values) == 2
    assert [(e.amount, e.recipient, e.instrument) for e in report.entries] == [(200000, "KEN", "grant")]


def test_published_report_at_phone_width(live_server, phone_page, builder):
    pledge = builder.pledge(amount=25_000_000, pledged_on=date(2025, 3, 1), title="Connect 500 rural schools")
    builder.pledge(amount=3_000_000, pledged_on=date(2025, 5, 1), focus_area="empower", title="Digital skills")
    builder.progress_report(pledge, period=2025, achieved={"people_connected": 600})
    db.session.commit()
    pub = services.publish("P2C Progress Report 2025", date(2025, 12, 31), None, {
        "foreword": "Partner2Connect keeps growing.",
        "key_findings": "Two new pledges, worth USD 28 million, joined the coalition this year.",
        "outlook": "More reports are expected in 2026."})
    commit()
    for lang in ("en", "ar"):
        phone_page.goto(f"{live_server.url}/reports/{pub.slug}?lang={lang}")
        assert phone_page.locator("h1").inner_text() == "P2C Progress Report 2025"
        assert pub.content_hash in phone_page.locator("code.hash").inner_text()
        assert _no_sideways_scroll(phone_page), lang
        screenshot(phone_page, f"published-report-{lang}-phone")
