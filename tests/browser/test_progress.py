"""The progress page and the directory in a real browser: English and Arabic, desktop and phone."""

from __future__ import annotations

from datetime import date

import pytest

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from tests.browser.conftest import page_width, screenshot

PLACES = [["KEN", "UGA"], ["BRA"], ["IND", "NPL", "BGD"], ["FJI"], ["KEN"], ["EGY", "MAR"], ["MEX", "PER"], ["ETH"]]


@pytest.fixture
def pledges(builder):
    orgs = [builder.organization(name=f"Organization with a rather long name number {i}",
                                 stakeholder_group_code=g) for i, g in
            enumerate(["private_sector", "government", "civil_society", "academia"])]
    for i, countries in enumerate(PLACES * 2):
        builder.pledge(lead=orgs[i % 4], countries=countries, amount=(i + 1) * 1_250_000,
                       currency="EUR" if i % 3 else "USD", pledged_on=date(2022 + i % 4, 3, 1),
                       focus_area=["connect", "empower", "ecosystems", "investment"][i % 4],
                       title=f"Connect schools and train teachers in rural districts, phase {i}")
    builder.pledge(lead=orgs[0], status=ReviewStatus.SUBMITTED, title="Not yet approved")
    db.session.commit()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_progress_page_desktop_and_phone(live_server, page, phone_page, pledges, lang):
    for p, size in ((page, "desktop"), (phone_page, "phone")):
        p.goto(f"{live_server.url}/progress?lang={lang}")
        assert p.locator("svg.world-map").count() == 1
        assert p.locator("svg.world-map a[href='/countries/KEN']").count() == 1
        assert p.locator("svg.chart").count() >= 10
        width = p.evaluate("window.innerWidth")
        assert page_width(p) <= width, "no sideways scrolling"
        screenshot(p, f"progress-{lang}-{size}")
    page.click("svg.world-map a[href='/countries/KEN']")
    assert "/countries/KEN" in page.url
    # The country page's first two groups are the pledges naming Kenya: 2 for Kenya alone, 2 with Uganda.
    assert page.locator("#own .pledge-item").count() == 2
    assert page.locator("#regional .pledge-item").count() == 2


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_directory_desktop_and_phone(live_server, page, phone_page, pledges, lang):
    for p, size in ((page, "desktop"), (phone_page, "phone")):
        p.goto(f"{live_server.url}/pledges?lang={lang}")
        assert p.locator(".pledge-item").count() == 16
        assert "Not yet approved" not in p.content()
        assert page_width(p) <= p.evaluate("window.innerWidth")
        screenshot(p, f"directory-{lang}-{size}")
    page.goto(f"{live_server.url}/pledges?lang={lang}")
    page.select_option("#f-focus_area", "empower")
    page.click(".filter-form button[type=submit]")
    assert "focus_area=empower" in page.url
    assert page.locator(".pledge-item").count() == 4
