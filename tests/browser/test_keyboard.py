"""Keyboard only: a pledge submitted and a review decision recorded with Tab, typing, Space, arrows and
Enter (no click, no fill), with a visible focus indicator on every element the Tab key reaches."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.pledges.models import Pledge
from tests.browser.conftest import screenshot
from tests.builders import PASSWORD

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# What the focused element looks like: does it match, and is its focus visible (an outline or a ring)?
FOCUS = """(selector) => {
    const el = document.activeElement;
    if (!el || el === document.body) return {match: false, visible: true, desc: 'body'};
    const s = getComputedStyle(el);
    const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
    const box = el.getBoundingClientRect();
    return {match: el.matches(selector), visible: ring && box.width > 0 && box.height > 0,
            desc: el.tagName + '#' + el.id + '.' + el.className + ' ' + (el.name || '')};
}"""


@pytest.fixture
def page(browser):
    """A desktop page whose CSP lets Playwright add axe-core (the app's pages are unchanged)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


def tab_to(page, selector: str, limit: int = 700) -> None:
    """Press Tab until the focus is on `selector`; every stop on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS, selector)
        assert info["visible"], f"focus not visible on {info['desc']}"
        if info["match"]:
            return
    raise AssertionError(f"Tab never reached {selector}")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose(page, name: str, value: str) -> None:
    """Tab into a radio group and move with the arrow keys to `value` (arrows also check it)."""
    tab_to(page, f"input[name={name}]")
    for _ in range(12):
        if page.evaluate("() => document.activeElement.value") == value:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no radio {name}={value}")


def tick(page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.is_checked(selector)


def pick(page, selector: str, label: str) -> None:
    """A <select>: focus it and type the start of the option's text."""
    tab_to(page, selector)
    page.keyboard.type(label)


def test_pledge_form_by_keyboard(live_server, page):
    page.goto(live_server.url + "/pledges/new?lang=en")
    type_into(page, "#lead_name", "Keyboard Telecom")
    pick(page, "#lead_stakeholder_group", "Private")
    type_into(page, "#title", "Connect 20 clinics in Nepal")
    type_into(page, "#description", "Keyboard Telecom commits to connect 20 clinics in Nepal by 2029.")
    choose(page, "focus_area", "connect")
    tick(page, "#pillars-connect-infrastructure")
    choose(page, "pledge_type", "programmatic")
    type_into(page, "#amount", "150000")
    type_into(page, "#country-filter", "nepal")
    tick(page, "#country-NPL")
    type_into(page, "#start_date", "03012026")
    type_into(page, "#end_date", "12312029")
    pick(page, "#targets-0-indicator", "People connected")
    type_into(page, "#targets-0-value", "4000")
    pick(page, "#targets-0-year", "2029")
    type_into(page, "#focal_name", "Sita Sharma")
    type_into(page, "#focal_email", "sita.keyboard@example.org")
    tick(page, "#consent")
    screenshot(page, "keyboard-pledge-form")
    tab_to(page, "button[name=action][value=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/pledges/submitted/**")
    db.session.expire_all()
    pledge = db.session.scalars(select(Pledge)).one()
    assert pledge.title == "Connect 20 clinics in Nepal"
    assert [c.iso3 for c in pledge.countries] == ["NPL"] and pledge.amount == 150000
    assert pledge.start_date.isoformat() == "2026-03-01"
    # The confirmation page is reached only this way: audit it here (see test_accessibility.py).
    page.add_script_tag(path=str(AXE))
    bad = page.evaluate("""async () => (await axe.run(document)).violations
        .filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)""")
    assert bad == []


def test_review_decision_by_keyboard(live_server, page, builder):
    builder.user(email="keys@example.org")
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED, title="Solar Wi-Fi for 30 schools")
    db.session.commit()
    page.goto(live_server.url + "/login?lang=en")
    type_into(page, "#email", "keys@example.org")
    type_into(page, "#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/review/**")
    tab_to(page, f"a[href$='/review/pledge/{pledge.id}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/review/pledge/{pledge.id}**")
    choose(page, "action", "approve")
    tab_to(page, "form.decision button[type=submit]")
    screenshot(page, "keyboard-review-decision")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Approved" in page.locator(".flashes").inner_text()
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).status == ReviewStatus.APPROVED
