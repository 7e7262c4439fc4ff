"""The review queue's "not counted" state in a real browser (issue 19): a broad search shows the list at
once, status tabs without numbers and a notice with a link that counts them.

The broad-search threshold (p2c.pledges.search.COMMON) is patched to 3, as in
tests/review/test_queue_uncounted.py; the live server is a second app instance in this process, so the
count budget is set on its own config (the testing config's 0 always counts) and restored afterwards.
Each language (Arabic right to left) at desktop and phone width: the notice, its link, no counts, no
sideways scrolling, axe-core on the main content; then the link, and the counts are there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.pledges import search as pledge_search
from tests.browser.conftest import page_width, screenshot
from tests.builders import PASSWORD

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LANGS = {"en": "ltr", "ar": "rtl", "zh": "ltr", "fr": "ltr"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
TABS = 2 + len(ReviewStatus)  # "Waiting", "All" and one per status (review.views._status_tabs)


@pytest.fixture
def broad(live_app, builder, monkeypatch):
    """Three submitted pledges with "school" in the title: a broad search once COMMON is 3."""
    monkeypatch.setattr(pledge_search, "COMMON", 3)
    monkeypatch.setattr(pledge_search, "_COMMON", {})
    before = live_app.config["QUEUE_COUNT_BUDGET_MS"]
    live_app.config["QUEUE_COUNT_BUDGET_MS"] = 10_000
    builder.user(email="uncounted-reviewer@example.org")
    for title in ("Connect every school in Kisumu", "School meals ordered online", "Solar power for schools"):
        builder.pledge(status=ReviewStatus.SUBMITTED, title=title)
    db.session.commit()
    yield
    live_app.config["QUEUE_COUNT_BUDGET_MS"] = before


@contextmanager
def _signed_in(browser, base: str, size: str) -> Iterator:
    """A page of a new browser context at `size`, signed in as the `broad` fixture's reviewer."""
    phone = size == "phone"
    context = browser.new_context(viewport=VIEWPORTS[size], bypass_csp=True, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    try:
        page.goto(base + "/login?next=/review/")
        page.fill("#email", "uncounted-reviewer@example.org")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/review/")
        yield page
    finally:
        context.close()


def _axe(page) -> list[str]:
    """Every axe-core violation (any impact) inside <main>."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run({include: [['main']]}, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [f"{v['impact']} {v['id']} ({v['help']}) at {json.dumps(v['nodes'])}" for v in result]


# Where the notice's first line of text starts, against its content box, and its start border.
_NOTICE_GEOMETRY = """() => {
    const p = document.querySelector('p.notice.uncounted');
    const style = getComputedStyle(p);
    const box = p.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(p.firstChild);
    const line = range.getClientRects()[0];
    return {left: box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft),
            right: box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight),
            lineLeft: line.left, lineRight: line.right,
            borderLeft: parseFloat(style.borderLeftWidth), borderRight: parseFloat(style.borderRightWidth),
            boxLeft: box.left, boxRight: box.right, top: box.top, bottom: box.bottom};
}"""


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("lang", list(LANGS))
def test_a_broad_search_shows_the_list_uncounted_then_counts_on_demand(browser, live_server, broad, lang, size):
    assert AXE.exists(), "node_modules/axe-core is missing: run `make install` (npm ci)"
    viewport = VIEWPORTS[size]
    base = live_server.url
    with _signed_in(browser, base, size) as page:
        response = page.goto(f"{base}/review/?q=school&lang={lang}")
        assert response.status == 200
        assert page.get_attribute("html", "lang").startswith(lang)
        assert (page.get_attribute("html", "dir") or "ltr") == LANGS[lang]
        notice = page.locator("p.notice.uncounted")
        link = notice.locator("a")
        assert notice.is_visible() and link.is_visible()
        assert "count=all" in link.get_attribute("href") and "q=school" in link.get_attribute("href")
        assert page.locator(".status-tabs li").count() == TABS
        assert page.locator(".status-tabs .count").count() == 0  # no numbers on the tabs
        assert page.locator("table.queue a.ref").count() == 3
        uncounted_caption = page.locator("table.queue caption").inner_text()
        if lang == "en":
            assert uncounted_caption == "Matching submissions (not counted)"
            assert notice.inner_text().startswith("The records were not counted")
        assert page_width(page) <= viewport["width"]  # no sideways scrolling

        # The notice sits between the tabs and the search form, inside the window, its border and first
        # line on the reading direction's start side.
        g = page.evaluate(_NOTICE_GEOMETRY)
        tabs = page.locator(".status-tabs").bounding_box()
        form = page.locator("form.queue-filters").bounding_box()
        assert tabs["y"] + tabs["height"] <= g["top"] + 0.5 and g["bottom"] <= form["y"] + 0.5
        assert g["boxLeft"] >= 0 and g["boxRight"] <= viewport["width"]
        if LANGS[lang] == "rtl":
            assert g["borderRight"] >= 3 and g["borderLeft"] == 0
            assert abs(g["lineRight"] - g["right"]) <= 2, g  # right-aligned
        else:
            assert g["borderLeft"] >= 3 and g["borderRight"] == 0
            assert abs(g["lineLeft"] - g["left"]) <= 2, g
        link_box = link.bounding_box()
        assert link_box["x"] >= g["boxLeft"] and link_box["x"] + link_box["width"] <= g["boxRight"] + 0.5

        problems = _axe(page)
        assert not problems, "axe-core violations in <main>:\n" + "\n".join(problems)
        screenshot(page, f"queue-uncounted-{lang}-{size}")

        link.click()
        page.wait_for_url("**count=all**")
        assert page.get_attribute("html", "lang").startswith(lang)  # the language stays
        assert page.locator("p.notice.uncounted").count() == 0
        assert page.locator(".status-tabs .count").count() == TABS
        assert page.locator(".status-tabs li").first.locator(".count").inner_text() == "3"  # Waiting
        caption = page.locator("table.queue caption").inner_text()
        assert caption != uncounted_caption and "3" in caption
        assert page.locator("table.queue a.ref").count() == 3
        assert page_width(page) <= viewport["width"]
        problems = _axe(page)
        assert not problems, "axe-core violations in <main> (counted):\n" + "\n".join(problems)
        screenshot(page, f"queue-counted-{lang}-{size}")


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_past_the_end_and_a_record_keep_the_list_as_asked(browser, live_server, broad, lang, size):
    """A page past the end of an uncounted list says so and links to the first page; a record opened from a
    list counted on demand leads back to it still counted (stop 26)."""
    viewport = VIEWPORTS[size]
    base = live_server.url
    with _signed_in(browser, base, size) as page:
        assert page.goto(f"{base}/review/?q=school&page=7&lang={lang}").status == 200
        assert (page.get_attribute("html", "dir") or "ltr") == LANGS[lang]
        cell = page.locator("table.queue tbody td").first
        first = cell.locator("a")
        if lang == "en":
            assert cell.inner_text().startswith("Page 7 is past the end of this list.")
        assert "Nothing matches" not in cell.inner_text()
        assert page.locator("a[rel=prev]").count() == 0  # "Previous" would lead to another empty page
        assert page_width(page) <= viewport["width"]
        problems = _axe(page)
        assert not problems, "axe-core violations in <main> (past the end):\n" + "\n".join(problems)
        screenshot(page, f"queue-past-end-{lang}-{size}")
        first.click()
        page.wait_for_load_state()
        assert "page=" not in page.url and "q=school" in page.url
        assert page.locator("table.queue a.ref").count() == 3

        page.goto(f"{base}/review/?q=school&count=all&lang={lang}")
        page.locator("table.queue a.ref").first.click()
        page.wait_for_load_state()
        back = page.locator("main a[href^='/review/?'][href*='count=all']").first
        assert back.count() == 1, "the record page's way back keeps count=all"
        back.click()
        page.wait_for_load_state()
        assert page.locator("p.notice.uncounted").count() == 0
        assert page.locator(".status-tabs .count").count() == TABS
