"""The home page in a real browser, in English and Arabic, desktop and phone width."""

from __future__ import annotations

from tests.browser.conftest import page_width, screenshot


def test_home_in_english_and_arabic_at_phone_width(live_server, phone_page):
    phone_page.goto(live_server.url + "/?lang=en")
    assert phone_page.locator("h1").inner_text() == "Partner2Connect Digital Coalition"
    # Nothing is wider than the screen: no sideways scrolling on a phone.
    assert page_width(phone_page) <= 360
    screenshot(phone_page, "home-en-phone")

    phone_page.goto(live_server.url + "/?lang=ar")
    assert phone_page.evaluate("document.documentElement.dir") == "rtl"
    assert page_width(phone_page) <= 360
    screenshot(phone_page, "home-ar-phone")


def test_skip_link_is_the_first_focus_and_moves_to_main(live_server, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
