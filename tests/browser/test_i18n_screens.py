"""Public pages in Arabic and Chinese at phone width: right to left, no sideways scrolling, screenshots.

Screenshots land in tests/screenshots/i18n-<page>-<lang>-phone.png for a person to look at.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

PAGES = {"home": "/", "progress": "/progress", "pledge-form": "/pledges/new", "pledges": "/pledges"}


@pytest.mark.parametrize("lang", ["ar", "zh"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_in_arabic_and_chinese_at_phone_width(live_server, live_app, phone_page, name, lang):
    path = PAGES[name]
    if not any(rule.rule == path for rule in live_app.url_map.iter_rules()):
        pytest.skip(f"{path} is not registered yet")
    response = phone_page.goto(f"{live_server.url}{path}?lang={lang}")
    assert response.status == 200
    assert phone_page.evaluate("document.documentElement.lang") == lang
    assert phone_page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    # Nothing wider than the phone: no sideways scrolling.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    # The header's language switcher shows all six languages, each in its own script.
    assert phone_page.locator(".lang-switch a").count() == 6
    if lang == "ar":
        # Right to left: the brand starts at the right edge of the header.
        box = phone_page.locator(".brand").bounding_box()
        assert box["x"] + box["width"] > 360 - 40
    screenshot(phone_page, f"i18n-{name}-{lang}-phone")
