"""Matchmaking in a real browser (CSRF on), with a real SMTP server: a ministry submits a need, the team
approves it, a pledger asks for an introduction through its private link, the team introduces them and
both receive the other's contact by e-mail."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from p2c.core.enums import ReviewStatus
from p2c.core.tokens import make_token
from p2c.extensions import db
from p2c.matchmaking.constants import IntroductionStatus
from p2c.matchmaking.models import Introduction, Need
from tests.browser.conftest import screenshot
from tests.builders import PASSWORD
from tests.smtp import LocalSmtpServer


@pytest.fixture
def live_mail(live_app, smtp_server):
    old = live_app.config["MAIL_PORT"], live_app.config["MAIL_SERVER"]
    live_app.config.update(MAIL_PORT=smtp_server.port, MAIL_SERVER="127.0.0.1")
    yield smtp_server
    live_app.config["MAIL_PORT"], live_app.config["MAIL_SERVER"] = old


def test_need_to_introduction(live_server, page, builder, live_mail):
    base = live_server.url
    builder.user(email="reviewer@example.org")
    org = builder.organization(name="Kenya Rural Broadband Initiative")
    pledge = builder.pledge(lead=org, countries=["KEN"], pillars=["connect.infrastructure"],
                            title="Solar Wi-Fi for rural schools in Kenya")
    db.session.commit()
    pledger_email = pledge.focal_point.email

    # 1. A ministry submits a need.
    page.goto(base + "/needs/new")
    page.check("input[name=submitter_kind][value=government]")
    page.fill("#authority", "Ministry of ICT and the Digital Economy")
    page.select_option("#country", "KEN")
    page.fill("#title", "Connect 500 rural schools")
    page.fill("#description", "Five hundred rural schools in the north need a broadband connection.")
    page.check("input[name=focus_area][value=connect]")
    page.check("input[name=pillars][value='connect.infrastructure']")
    page.fill("#quantity", "500")
    page.fill("#quantity_unit", "schools to connect")
    page.select_option("#start_year", "2026")
    page.select_option("#end_year", "2028")
    page.fill("#focal_name", "Amina Otieno")
    page.fill("#focal_email", "amina@ict.go.ke")
    page.fill("#focal_phone", "+254 20 000000")
    page.check("#consent")
    screenshot(page, "need-form-desktop")
    page.click("button[type=submit]")
    page.wait_for_url("**/needs/submitted/*")
    db.session.expire_all()
    need = db.session.scalars(select(Need)).one()
    assert need.status == ReviewStatus.SUBMITTED and need.reference in page.content()
    received = LocalSmtpServer.text_of(live_mail.wait_for(1)[0])
    assert re.search(r"/my/\S+/need", received)

    # 2. The team approves it from the review queue.
    page.goto(base + "/login?next=/review/")
    page.fill("#email", "reviewer@example.org")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/review/")
    page.click(f"text={need.reference}")
    page.wait_for_url(f"**/review/need/{need.id}")
    page.check("input[name=action][value=approve]")
    page.click("text=Record decision")
    page.wait_for_url(f"**/review/need/{need.id}")
    assert "is now “Approved”" in page.locator(".flashes").inner_text()
    live_mail.wait_for(2)  # the approval e-mail to the ministry

    # The public page ranks the pledge with its reasons, and shows no contact.
    pledger = page.context.browser.new_page()
    pledger.goto(f"{base}/needs/{need.id}")
    text = pledger.locator("main").inner_text()
    assert "Solar Wi-Fi for rural schools in Kenya" in text and "Works in the same country (+40)" in text
    assert "amina@ict.go.ke" not in pledger.content() and pledger_email not in pledger.content()
    screenshot(pledger, "need-page-desktop")

    # 3. The pledger asks for an introduction through its private link.
    token = make_token("pledge", pledge.id, pledger_email)
    pledger.goto(f"{base}/my/{token}/needs")
    pledger.fill(f"#message-{need.id}", "We can bring solar Wi-Fi to 200 of them.")
    pledger.check(f"#consent-{need.id}")
    pledger.click("text=Ask for an introduction")
    assert "The coalition team will introduce you" in pledger.locator(".flashes").inner_text()
    pledger.close()

    # 4. The team sees the request and introduces them; both get the other's contact.
    page.goto(base + "/review/")
    page.click("text=Introduction requests (1)")
    page.wait_for_url("**/review/introductions")
    assert "We can bring solar Wi-Fi to 200 of them." in page.locator("main").inner_text()
    screenshot(page, "introductions-desktop")
    page.click("text=Introduce them by e-mail")
    assert "Introduced" in page.locator(".flashes").inner_text()
    messages = live_mail.wait_for(4)[2:]
    texts = {m["To"]: LocalSmtpServer.text_of(m) for m in messages}
    assert set(texts) == {"amina@ict.go.ke", pledger_email}
    assert pledger_email in texts["amina@ict.go.ke"] and "Kenya Rural Broadband Initiative" in texts["amina@ict.go.ke"]
    assert "amina@ict.go.ke" in texts[pledger_email] and "+254 20 000000" in texts[pledger_email]
    db.session.expire_all()
    assert db.session.scalars(select(Introduction)).one().status == IntroductionStatus.INTRODUCED
