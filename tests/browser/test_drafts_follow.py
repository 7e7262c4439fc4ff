"""As the person would, in Chromium with the real mails: a pledge half filled on a phone in Arabic, saved
as a draft, finished from the mailed link on another device; a follower's double opt-in, digest and
one-click-page unsubscribe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from p2c.core.db import utcnow
from p2c.drafts.models import Draft
from p2c.extensions import db
from p2c.follows.models import Follow
from p2c.operations.jobs import send_follow_digests
from p2c.pledges.models import Pledge
from tests.browser.conftest import page_width, screenshot
from tests.browser.test_pledge_form import fill_common

pytestmark = pytest.mark.browser


@pytest.fixture
def live_mail(app, live_app, smtp_server):
    """The served app and the test's app both send to the local SMTP server."""
    saved = [(a, a.config["MAIL_PORT"], a.config["MAIL_SERVER"]) for a in (app, live_app)]
    for a in (app, live_app):
        a.config.update(MAIL_PORT=smtp_server.port, MAIL_SERVER="127.0.0.1")
    yield smtp_server
    for a, port, server in saved:
        a.config.update(MAIL_PORT=port, MAIL_SERVER=server)


def _link(message, pattern: str, base: str) -> str:
    body = message.get_body(("plain",)).get_content()
    found = re.search(r"http://\S+(" + pattern + r"\S+)", body)
    assert found, body
    return base + found.group(1)


def _no_sideways_scroll(page) -> bool:
    return page_width(page) <= 360


def test_pledge_draft_on_a_phone_in_arabic_finished_on_another_device(browser, live_server, phone_page, live_mail):
    page = phone_page
    page.goto(f"{live_server.url}/pledges/new?lang=ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.fill("#lead_name", "اتصالات المستقبل")
    page.fill("#title", "ربط 50 عيادة ريفية")
    page.fill("#amount", "2,000,000")
    page.fill("#focal_name", "Sita Sharma")
    page.fill("#focal_email", "sita@example.org")
    page.click("button[name=action][value=save_draft]")
    assert page.locator(".panel-ok").is_visible()
    assert _no_sideways_scroll(page)
    screenshot(page, "draft-saved-ar-phone")
    assert db.session.scalar(select(func.count(Pledge.id))) == 0  # a draft is not a submission

    (mail,) = live_mail.wait_for(1)
    assert mail["To"] == "sita@example.org" and mail["Content-Language"] == "ar"
    link = _link(mail, "/pledges/drafts/", live_server.url)

    # Another device: a new browser context, no cookie; only the mailed link.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    other = context.new_page()
    try:
        other.goto(link + "?lang=ar")
        assert other.input_value("#title") == "ربط 50 عيادة ريفية"
        assert other.input_value("#lead_name") == "اتصالات المستقبل"
        assert other.locator(".draft-banner").is_visible()
        other.goto(link + "?lang=en")
        fill_common(other)
        other.fill("#title", "ربط 50 عيادة ريفية")
        other.check("#shortcut-ldc")
        other.click("button[name=action][value=submit]")
        other.wait_for_url(re.compile(r"/pledges/submitted/"))
    finally:
        context.close()
    db.session.expire_all()
    pledge = db.session.scalars(select(Pledge)).one()
    assert pledge.title == "ربط 50 عيادة ريفية"
    assert db.session.scalar(select(func.count(Draft.id))) == 0
    page.goto(link)  # the draft is gone once submitted
    assert page.locator("h1").count() == 1


def test_follower_opts_in_gets_the_digest_and_unsubscribes(live_server, page, builder, live_mail):
    pledge = builder.pledge(countries=["KEN"], title="Solar Wi-Fi for Kenyan schools")
    db.session.commit()
    page.goto(f"{live_server.url}/countries/KEN")
    page.fill("#follow-email-country", "fan@example.org")
    page.click(".follow-form button[type=submit]")
    assert "Check your e-mail" in page.locator("h1").inner_text()
    (confirm,) = live_mail.wait_for(1)
    assert confirm["To"] == "fan@example.org"
    page.goto(_link(confirm, "/follow/confirm/", live_server.url))
    db.session.expire_all()
    assert db.session.scalars(select(Follow)).one().confirmed_at is None  # opening the link is not enough
    page.click("main button[type=submit]")
    assert "You now follow Kenya" in page.locator("h1").inner_text()

    follow = db.session.scalars(select(Follow)).one()
    follow.digest_from = utcnow() - timedelta(days=3)
    pledge.approved_at = utcnow() - timedelta(days=2)
    db.session.commit()
    assert send_follow_digests() == "queued 1"
    digest = live_mail.wait_for(2)[1]
    assert "Solar Wi-Fi for Kenyan schools" in digest.get_body(("plain",)).get_content()
    stop = digest["List-Unsubscribe"].strip("<>")
    page.goto(live_server.url + "/follow/" + stop.split("/follow/", 1)[1])
    page.click("main button[type=submit]")
    assert "no more messages" in page.locator("h1").inner_text()
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Follow.id))) == 0


def test_report_draft_and_evidence_file_on_a_phone(browser, live_server, phone_page, builder, live_mail, tmp_path):
    from p2c.core.enums import ReviewStatus
    from p2c.core.tokens import make_token
    from p2c.implementation.models import EvidenceFile, ProgressReport

    pledge = builder.pledge(targets=(("people_connected", 5000, 2030),))
    db.session.commit()
    token = make_token("pledge", pledge.id, pledge.focal_point.email)
    page = phone_page
    page.goto(f"{live_server.url}/my/{token}/report?lang=ar")
    page.select_option("#period", "2025")
    page.check("input[name=implementation_status][value=on_track]")
    page.fill("#narrative", "ربطنا 12 مدرسة حتى الآن")
    page.click("button[name=action][value=save_draft]")
    assert page.locator(".flashes").is_visible() and _no_sideways_scroll(page)
    (mail,) = live_mail.wait_for(1)
    link = _link(mail, "/my/", live_server.url)
    assert link.endswith("/report")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    other = context.new_page()
    try:
        other.goto(link + "?lang=en")
        assert other.input_value("#narrative") == "ربطنا 12 مدرسة حتى الآن"
        other.fill("#narrative", "ربطنا 12 مدرسة و1800 شخص في السنة الأولى.")
        lying = tmp_path / "photo.pdf"
        lying.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
        other.set_input_files("#evidence_files", str(lying))
        other.click("button[type=submit] >> nth=0")
        assert "does not match its content" in other.locator("#evidence_files-error").inner_text()
        report_pdf = tmp_path / "report-2025.pdf"
        report_pdf.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
        other.set_input_files("#evidence_files", str(report_pdf))
        other.click("button[type=submit] >> nth=0")
        assert "Thank you" in other.locator(".flashes").inner_text()
    finally:
        context.close()
    db.session.expire_all()
    report = db.session.scalars(select(ProgressReport)).one()
    assert [f.filename for f in report.evidence_files] == ["report-2025.pdf"]
    assert db.session.scalar(select(func.count(Draft.id))) == 0
    file_id = db.session.scalars(select(EvidenceFile.id)).one()
    assert page.request.get(f"{live_server.url}/evidence/{file_id}/report-2025.pdf").status == 404
    report.status, report.approved_at = ReviewStatus.APPROVED, utcnow()
    db.session.commit()
    page.goto(f"{live_server.url}/pledges/{pledge.reference}?lang=ar")
    assert page.locator(".evidence-files a").inner_text() == "report-2025.pdf"
    answer = page.request.get(live_server.url + page.locator(".evidence-files a").get_attribute("href"))
    assert answer.status == 200
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["x-content-type-options"] == "nosniff"
    screenshot(page, "pledge-evidence-ar-phone")
