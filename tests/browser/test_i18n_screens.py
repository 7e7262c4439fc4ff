"""Public pages in Arabic and Chinese at phone width: right to left, no sideways scrolling, screenshots.

The database is seeded first (approved pledges with targets in several countries, and a goal), so that
/progress draws its goals, charts, indicator table and map: an empty page would hide exactly the parts
that overflow on a phone. Screenshots land in tests/screenshots/i18n-<page>-<lang>-phone.png for a
person to look at.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from p2c.extensions import db
from p2c.reporting.models import Goal
from tests.browser.conftest import page_width, screenshot

PAGES = {"home": "/", "progress": "/progress", "pledge-form": "/pledges/new", "pledges": "/pledges"}
PLACES = [["KEN", "UGA"], ["BRA"], ["IND", "NPL", "BGD"], ["FJI", "TUV"], ["EGY", "MAR"], ["MEX", "PER"]]


@pytest.fixture
def seeded(builder):
    """Approved pledges with quantified targets in several countries, and one goal of each kind."""
    for goal in db.session.query(Goal):
        db.session.delete(goal)
    db.session.add_all([
        Goal(title="USD 100 billion mobilized by 2026", metric="usd_value", target_value=Decimal(10**11),
             target_date=date(2026, 12, 31), active=True, position=0),
        Goal(title="", metric="pledges", target_value=Decimal(1000), target_date=date(2030, 12, 31), active=True,
             position=1),
    ])
    for i, countries in enumerate(PLACES * 2):
        builder.pledge(countries=countries, amount=(i + 1) * 2_500_000, pledged_on=date(2022 + i % 4, 3, 1),
                       focus_area=["connect", "empower", "ecosystems", "investment"][i % 4],
                       targets=[("people_connected", 10_000 * (i + 1), 2030), ("schools_connected", 40 + i, 2028)])
    db.session.commit()


@pytest.mark.parametrize("lang", ["ar", "zh"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_in_arabic_and_chinese_at_phone_width(live_server, live_app, phone_page, seeded, name, lang):
    path = PAGES[name]
    if not any(rule.rule == path for rule in live_app.url_map.iter_rules()):
        pytest.skip(f"{path} is not registered yet")
    response = phone_page.goto(f"{live_server.url}{path}?lang={lang}")
    assert response.status == 200
    assert phone_page.evaluate("document.documentElement.lang") == lang
    assert phone_page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    # Nothing wider than the phone: no sideways scrolling of the page (wide tables scroll in their wrapper).
    assert page_width(phone_page) <= phone_page.evaluate("window.innerWidth")
    # The header's language switcher shows all six languages, each in its own script.
    assert phone_page.locator(".lang-switch a").count() == 6
    if lang == "ar":
        # Right to left: the brand starts at the right edge of the header.
        box = phone_page.locator(".brand").bounding_box()
        assert box["x"] + box["width"] > 360 - 40
    if name == "progress":
        # The seeded data is drawn: goals, charts, the map, the indicator table.
        assert phone_page.locator(".goal").count() == 2
        assert phone_page.locator("svg.chart").count() >= 5
        assert phone_page.locator("svg.world-map a[href='/countries/FJI']").count() == 1
        # Tuvalu is too small for the map: the table of every country links it.
        assert phone_page.locator("#all-countries a[href='/countries/TUV']").count() == 1
        assert phone_page.locator("table.wide tbody tr").count() >= 2
        # Chart text comes out at 12 px or more on the phone.
        font_px = phone_page.evaluate("""() => {
            const svg = document.querySelector('svg.chart');
            const text = svg.querySelector('text.chart-label');
            return parseFloat(getComputedStyle(text).fontSize) * svg.getBoundingClientRect().width
                   / svg.viewBox.baseVal.width; }""")
        assert font_px >= 11.5, font_px  # 360 px wide phone: 13 units in a 360-unit drawing, minus the margins
        # Every cell of the indicator table can be reached: the table scrolls inside its own wrapper.
        wrap = phone_page.locator("table.wide").locator("xpath=..")
        assert wrap.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    screenshot(phone_page, f"i18n-{name}-{lang}-phone")
