"""The pledger's own space in a real browser (CSRF on), with the e-mails read from a local SMTP server:
amend an approved pledge -> review (field-by-field diff) -> approve, in English and in Arabic; hand the
pledge over to a successor who confirms from the e-mailed link."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from p2c.core.enums import ReviewStatus
from p2c.core.tokens import make_token
from p2c.extensions import db
from p2c.pledges.models import Pledge, PledgeAmendment
from tests.browser.conftest import screenshot
from tests.builders import PASSWORD
from tests.smtp import LocalSmtpServer

LINK = re.compile(r"https?://[^/\s]+(/my/\S+)")


@pytest.fixture
def live_mail(live_app, smtp_server):
    """The live app's mail goes to the local SMTP server for one test."""
    old = live_app.config["MAIL_PORT"], live_app.config["MAIL_SERVER"]
    live_app.config.update(MAIL_PORT=smtp_server.port, MAIL_SERVER="127.0.0.1")
    yield smtp_server
    live_app.config["MAIL_PORT"], live_app.config["MAIL_SERVER"] = old


def _sign_in(page, base: str, email: str, lang: str) -> None:
    page.goto(f"{base}/login?next=/review/&lang={lang}")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/review/**")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_amend_review_approve(live_server, live_mail, browser, builder, lang):
    reviewer_email = f"amend-reviewer-{lang}@example.org"
    builder.user(email=reviewer_email)
    pledge = builder.pledge(amount=1_000_000, currency="USD", countries=["KEN"],
                            focal_point=builder.contact(email=f"focal-{lang}@example.org", language=lang))
    db.session.commit()
    token = make_token("pledge", pledge.id, pledge.focal_point.email)
    base = live_server.url
    focal = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    focal.goto(f"{base}/my/{token}?lang={lang}")
    assert focal.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    focal.click(f"a[href$='/my/{token}/amend']")
    focal.wait_for_url(f"**/my/{token}/amend")
    new_title = "Connect rural schools and clinics" if lang == "en" else "ربط المدارس والعيادات الريفية"
    focal.fill("#title", new_title)
    focal.fill("#amount", "2500000")
    screenshot(focal, f"amend-form-{lang}")
    focal.click("#pledge-form .form-actions button[type=submit]")
    focal.wait_for_url(f"**/my/{token}")
    assert focal.locator("#amendment").is_visible()
    screenshot(focal, f"amend-waiting-{lang}")
    receipt = live_mail.wait_for(1)[-1]
    assert receipt["To"] == pledge.focal_point.email and receipt["Content-Language"] == lang
    amendment = db.session.scalars(select(PledgeAmendment).where(PledgeAmendment.pledge_id == pledge.id)).one()
    assert amendment.reference in receipt["Subject"]
    # The public page still shows the approved version.
    public = browser.new_context().new_page()
    public.goto(f"{base}/pledges/{pledge.reference}?lang={lang}")
    assert new_title not in public.content() and public.locator("#amended").count() == 0

    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(staff, base, reviewer_email, lang)
    staff.click(f"text={amendment.reference}")
    staff.wait_for_url(f"**/review/pledge_amendment/{amendment.id}**")
    diff = staff.locator("table.amendment-changes").inner_text()
    assert "Connect rural schools" in diff and new_title in diff
    screenshot(staff, f"amend-review-{lang}")
    staff.check("input[name=action][value=approve]")
    staff.click("form.decision button[type=submit]")
    staff.wait_for_url(f"**/review/pledge_amendment/{amendment.id}**")
    db.session.expire_all()
    assert db.session.get(PledgeAmendment, amendment.id).status == ReviewStatus.APPROVED
    assert db.session.get(Pledge, pledge.id).title == new_title

    approved = live_mail.wait_for(2)[-1]
    assert approved["To"] == pledge.focal_point.email and amendment.reference in approved["Subject"]
    public.goto(f"{base}/pledges/{pledge.reference}?lang={lang}")
    assert public.locator("h1").inner_text() == new_title
    assert public.locator("#amended").is_visible() and new_title in public.locator("#amended").inner_text()
    screenshot(public, f"amended-public-{lang}")
    for context_page in (focal, public, staff):
        context_page.context.close()


def test_hand_over_to_a_successor_with_the_mails(live_server, live_mail, browser, builder):
    pledge = builder.pledge(focal_point=builder.contact(email="leaving@example.org", name="Leaving Person"))
    db.session.commit()
    token = make_token("pledge", pledge.id, "leaving@example.org")
    base = live_server.url
    former = browser.new_context().new_page()
    former.goto(f"{base}/my/{token}?lang=en")
    former.click(f"a[href$='/my/{token}/hand-over']")
    former.fill("#name", "Amina Successor")
    former.fill("#email", "amina@example.org")
    former.select_option("#language", "ar")
    screenshot(former, "hand-over-form")
    former.click("form button[type=submit]")
    former.wait_for_url(f"**/my/{token}")
    assert "amina@example.org" in former.locator(".flashes").inner_text()

    request = live_mail.wait_for(1)[-1]
    assert request["To"] == "amina@example.org" and request["Content-Language"] == "ar"
    confirm = LINK.search(LocalSmtpServer.text_of(request)).group(1)
    successor = browser.new_context().new_page()
    successor.goto(base + confirm)
    assert successor.evaluate("document.documentElement.dir") == "rtl"
    screenshot(successor, "take-over-ar")
    successor.click("form button[type=submit]")
    successor.wait_for_url("**/my/**")
    assert pledge.reference in successor.content()

    mails = live_mail.wait_for(3)
    to = {m["To"]: m for m in mails[1:]}
    assert set(to) == {"amina@example.org", "leaving@example.org"}
    new_link = LINK.search(LocalSmtpServer.text_of(to["amina@example.org"])).group(1)
    successor.goto(base + new_link)
    assert pledge.reference in successor.content()
    response = former.goto(f"{base}/my/{token}")
    assert response.status == 403  # the former focal point's link no longer works
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).focal_point.email == "amina@example.org"
    former.context.close()
    successor.context.close()


def test_a_partner_is_told_reads_the_page_and_contributes(live_server, live_mail, browser, builder):
    """The focal point (French) gives the partner a contact (Arabic); the team approves the pledge; the
    partner's contact gets the mail, reads the page right to left without any form of the focal point's, and
    sends a contribution that reaches the focal point by e-mail."""
    builder.user(email="partner-reviewer@example.org")
    partner = builder.organization(name="SchoolNet Africa")
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED, partners=[partner],
                            focal_point=builder.contact(email="lead-fr@example.org", language="fr"))
    db.session.commit()
    token = make_token("pledge", pledge.id, "lead-fr@example.org")
    base = live_server.url
    focal = browser.new_context().new_page()
    focal.goto(f"{base}/my/{token}?lang=fr")
    focal.click("#partners details summary")
    focal.fill(f"#pc-{partner.id}-name", "Salma Partenaire")
    focal.fill(f"#pc-{partner.id}-email", "salma@example.org")
    focal.select_option(f"#pc-{partner.id}-language", "ar")
    focal.click("#partners form button[type=submit]")
    focal.wait_for_url(f"**/my/{token}**")
    assert "salma@example.org" in focal.locator("#partners").inner_text()

    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(staff, base, "partner-reviewer@example.org", "en")
    staff.goto(f"{base}/review/pledge/{pledge.id}")
    staff.check("input[name=action][value=approve]")
    staff.click("form.decision button[type=submit]")
    staff.wait_for_url(f"**/review/pledge/{pledge.id}**")

    told = next(m for m in live_mail.wait_for(2) if m["To"] == "salma@example.org")
    assert told["Content-Language"] == "ar" and pledge.reference in told["Subject"]
    partner_page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    partner_page.goto(base + LINK.search(LocalSmtpServer.text_of(told)).group(1))
    assert partner_page.evaluate("document.documentElement.dir") == "rtl"
    html = partner_page.content()
    assert pledge.reference in html and "lead-fr@example.org" not in html and "/amend" not in html
    screenshot(partner_page, "partner-read-only-ar-phone")
    partner_page.fill("#body", "درّبنا 320 معلمًا في عام 2026.")
    partner_page.click("form[action$='/contribution'] button[type=submit]")
    partner_page.wait_for_load_state()
    contribution = next(m for m in live_mail.wait_for(len(live_mail.messages) + 1)
                        if m["To"] == "lead-fr@example.org" and "320" in LocalSmtpServer.text_of(m))
    assert contribution["Content-Language"] == "fr"
    focal.goto(f"{base}/my/{token}?lang=fr")
    assert "درّبنا 320 معلمًا" in focal.content()
    for context_page in (focal, staff, partner_page):
        context_page.context.close()
