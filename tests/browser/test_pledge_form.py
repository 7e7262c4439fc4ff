"""The pledge and join forms in headless Chromium: submitted with and without JavaScript, and
screenshots at phone width in English and Arabic (tests/screenshots/)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from p2c.extensions import db
from p2c.members.models import CallForInterest
from p2c.pledges.models import Pledge
from tests.browser.conftest import page_width, screenshot

pytestmark = pytest.mark.browser


def fill_common(page) -> None:
    """The fields both runs fill the same way."""
    page.fill("#lead_name", "Browser Telecom")
    page.select_option("#lead_stakeholder_group", "private_sector")
    page.fill("#title", "Connect 50 clinics in Nepal")
    page.fill("#description", "Browser Telecom commits to connect 50 rural clinics in Nepal reaching 40,000 "
                              "people by 2029.")
    page.check("input[name=focus_area][value=connect]")
    page.check("#pillars-connect-infrastructure")
    page.check("input[name=pledge_type][value=programmatic]")
    page.fill("#amount", "2,000,000")
    page.select_option("#currency", "EUR")
    page.fill("#start_date", "2026-03-01")
    page.fill("#end_date", "2029-12-31")
    page.select_option("#targets-0-indicator", "people_connected")
    page.fill("#targets-0-value", "40000")
    page.select_option("#targets-0-year", "2029")
    page.fill("#focal_name", "Sita Sharma")
    page.fill("#focal_email", "sita@example.org")
    page.check("#consent")


def submitted_pledge() -> Pledge:
    db.session.expire_all()
    return db.session.scalars(select(Pledge)).one()


def test_pledge_with_javascript(live_server, page):
    page.goto(live_server.url + "/pledges/new?lang=en")
    fill_common(page)
    # Pillars follow the focus area: the other areas' groups are hidden.
    assert page.is_visible("fieldset.pillar-group[data-area=connect]")
    assert not page.is_visible("fieldset.pillar-group[data-area=empower]")
    # Live USD estimate from the rates embedded in the page.
    page.fill("#amount", "2,000,000")
    assert "About" in page.inner_text("#usd-estimate")
    # Country filter box and shortcut toggles.
    page.fill("#country-filter", "nep")
    assert page.is_visible("label:has(#country-NPL)") and not page.is_visible("label:has(#country-KEN)")
    page.check("#country-NPL")
    page.fill("#country-filter", "")
    page.check("#shortcut-sids")
    assert page.is_checked("#country-FJI")
    page.uncheck("#shortcut-sids")
    assert not page.is_checked("#country-FJI") and page.is_checked("#country-NPL")
    # One more target row.
    # Spare target rows wait behind "Add another target"; past the three rows of the page, new ones appear.
    assert page.locator(".target-row:visible").count() == 1
    for _ in range(3):
        page.click("#add-target")
    assert page.locator(".target-row:visible").count() == 4
    page.select_option("#targets-3-indicator", "people_trained")
    page.fill("#targets-3-value", "500")
    page.select_option("#targets-3-year", "2028")
    page.click("button[name=action][value=submit]")
    page.wait_for_url("**/pledges/submitted/**")
    pledge = submitted_pledge()
    assert pledge.reference in page.inner_text("main")
    assert [c.iso3 for c in pledge.countries] == ["NPL"]
    assert sorted(t.indicator_code for t in pledge.targets) == ["people_connected", "people_trained"]
    assert pledge.amount == 2_000_000 and pledge.currency_code == "EUR" and pledge.usd_value > 0


def test_pledge_without_javascript_with_a_mistake_first(live_server, nojs_page):
    page = nojs_page
    page.goto(live_server.url + "/pledges/new?lang=en")
    fill_common(page)
    # No JavaScript: every pillar group is shown, the shortcuts are plain checkboxes.
    assert page.is_visible("fieldset.pillar-group[data-area=empower]")
    page.check("#shortcut-ldc")
    page.fill("#end_date", "2025-01-01")  # before the start: refused
    page.click("button[name=action][value=preview]")
    assert page.is_visible("#error-summary")
    assert "on or after the start date" in page.inner_text("#end_date-error")
    # Everything came back; the shortcut became the countries it stands for.
    assert page.input_value("#title") == "Connect 50 clinics in Nepal"
    assert page.is_checked("#country-NPL") and page.is_checked("#country-MWI")
    assert page.input_value("#amount") == "2,000,000"
    assert "About" in page.inner_text("#usd-estimate")
    page.fill("#end_date", "2029-12-31")
    page.click("button[name=action][value=preview]")
    assert page.is_visible("#preview") and "Everything looks right" in page.inner_text("#preview")
    page.click("button[name=action][value=submit]")
    page.wait_for_url("**/pledges/submitted/**")
    pledge = submitted_pledge()
    assert pledge.targets_ldc and len(pledge.countries) > 30
    assert pledge.end_date == date(2029, 12, 31)


@pytest.fixture
def open_call():
    db.session.add(CallForInterest(title="Call for interest 2026", opens_on=date.today() - timedelta(days=5),
                                   closes_on=date.today() + timedelta(days=60)))
    db.session.commit()


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("path", ["/pledges/new", "/join"])
def test_forms_at_phone_width(live_server, phone_page, open_call, lang, path):
    phone_page.goto(f"{live_server.url}{path}?lang={lang}")
    assert phone_page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    # Nothing wider than the screen: no sideways scrolling.
    assert page_width(phone_page) <= 360
    # Every visible form control has a label a screen reader can announce.
    unlabelled = phone_page.evaluate("""() => Array.from(document.querySelectorAll(
        'main input:not([type=hidden]), main select, main textarea')).filter(el => {
          if (el.closest('[aria-hidden=true]') || el.offsetParent === null) return false;
          return !(el.labels && el.labels.length) && !el.getAttribute('aria-label');
        }).map(el => el.name)""")
    assert unlabelled == []
    name = "pledge" if path == "/pledges/new" else "join"
    screenshot(phone_page, f"{name}-form-{lang}-phone")
    # The error state too: submit empty.
    phone_page.click("main form button[type=submit] >> nth=0")
    assert phone_page.is_visible("#error-summary")
    assert page_width(phone_page) <= 360
    screenshot(phone_page, f"{name}-form-errors-{lang}-phone")


# (language, typed, currency, the estimate shows something?): the page script reads like the server.
ESTIMATE_ROWS = [
    ("es", "500.000", "EUR", True), ("es", "1,200", "EUR", False), ("en", "500.000", "EUR", False),
    ("en", "1,200", "EUR", True), ("fr", "1500000,75", "XOF", False), ("fr", "1 500 000", "XOF", True),
]


@pytest.mark.parametrize(("lang", "typed", "currency", "shown"), ESTIMATE_ROWS,
                         ids=[f"{r[0]}-{r[1]}-{r[2]}" for r in ESTIMATE_ROWS])
def test_live_estimate_reads_the_amount_like_the_server(live_server, page, lang, typed, currency, shown):
    page.goto(live_server.url + f"/pledges/new?lang={lang}")
    page.select_option("#currency", currency)
    page.fill("#amount", typed)
    estimate = page.inner_text("#usd-estimate").strip()
    assert bool(estimate) is shown, estimate
    if lang == "es" and typed == "500.000":
        # 500 000 EUR at about 1.1 USD per euro: more than 500 000 USD, never about 550 USD.
        first_number = re.search(r"\d[\d\s.,]*\d", estimate).group()
        assert int(re.sub(r"\D", "", first_number)) > 500_000, estimate
        screenshot(page, "estimate-es-500000-eur")
