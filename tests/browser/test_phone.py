"""On a phone (390 px): a compact header with a menu button, and the directory's first result on the
first screen (filters folded)."""

from __future__ import annotations

import pytest

from p2c.extensions import db
from tests.browser.conftest import screenshot


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_compact_header_with_menu_button(live_server, phone, lang):
    phone.goto(f"{live_server.url}/?lang={lang}")
    header = phone.locator(".site-header").bounding_box()
    assert header["height"] <= 72, header          # was 257 px with languages and menu unfolded
    assert not phone.is_visible(".main-nav") and not phone.is_visible(".lang-switch")
    button = phone.locator(".menu-button")
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert phone.is_visible(".main-nav a[href='/pledges']") and phone.is_visible(".lang-switch a[hreflang=zh]")
    screenshot(phone, f"phone-menu-open-{lang}")
    phone.keyboard.press("Escape")
    assert not phone.is_visible(".main-nav")
    assert phone.evaluate("document.activeElement.classList.contains('menu-button')")


def test_desktop_header_has_no_menu_button(live_server, page):
    page.goto(live_server.url + "/")
    assert not page.is_visible(".menu-button")
    assert page.is_visible(".main-nav a[href='/pledges']") and page.is_visible(".lang-switch")


def test_directory_first_result_on_first_screen(live_server, phone, builder):
    for i in range(3):
        builder.pledge(title=f"Pledge number {i}")
    db.session.commit()
    phone.goto(live_server.url + "/pledges")
    assert phone.evaluate("document.querySelector('details.filters').open") is False
    first = phone.locator(".pledge-item").first.bounding_box()
    assert first["y"] + 40 < 844, first
    screenshot(phone, "phone-directory")
