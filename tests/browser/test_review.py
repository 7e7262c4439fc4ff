"""The review back-office in a real browser: sign in, approve a pledge from the queue, screenshots."""

from __future__ import annotations

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.pledges.models import Pledge
from tests.browser.conftest import page_width, screenshot
from tests.builders import PASSWORD


def _sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/login?next=/review/")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/review/")


def test_sign_in_and_approve_a_pledge_from_the_queue(live_server, page, phone_page, builder):
    builder.user(email="reviewer@example.org")
    org = builder.organization(name="Kenya Rural Broadband Initiative")
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED, lead=org,
                            title="Connect 500 rural schools in Kenya with solar-powered Wi-Fi")
    builder.pledge(status=ReviewStatus.IN_REVIEW, title="Digital skills bootcamps for 10,000 young women")
    builder.eoi()
    db.session.commit()

    _sign_in(page, live_server.url, "reviewer@example.org")
    assert page.locator("h1").inner_text() == "Review queue"
    screenshot(page, "review-queue-desktop")
    page.click(f"text={pledge.reference}")
    page.wait_for_url(f"**/review/pledge/{pledge.id}")
    screenshot(page, "review-record-desktop")
    page.check("input[name=action][value=approve]")
    page.click("text=Record decision")
    page.wait_for_url(f"**/review/pledge/{pledge.id}")
    assert "is now “Approved”" in page.locator(".flashes").inner_text()
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).status == ReviewStatus.APPROVED

    _sign_in(phone_page, live_server.url, "reviewer@example.org")
    assert page_width(phone_page) <= 360
    screenshot(phone_page, "review-queue-phone")
    phone_page.goto(f"{live_server.url}/review/pledge/{pledge.id}")
    assert page_width(phone_page) <= 360
    screenshot(phone_page, "review-record-phone")
