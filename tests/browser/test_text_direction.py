"""Text written by a person keeps its own direction whatever the page's language (issue: on an Arabic
page "5G for 100 schools (phase 1)." showed its final period at the start).

Every page that shows user text is rendered twice: Arabic page with a Latin-script record, English
page with an Arabic-script record. In the browser, each `.user-text` element must compute the
direction of its script, and on the pledge page the title's final period must sit at its right end.
"""

from __future__ import annotations

import pytest

from p2c.core.enums import ReviewStatus
from p2c.core.tokens import make_token
from p2c.extensions import db
from tests.browser.conftest import screenshot
from tests.builders import PASSWORD

LATIN = {"title": "5G for 100 schools (phase 1).", "org": "Acme Telecom Ltd.", "person": "Jane Doe",
         "description": "Acme commits to connect 100 schools.\n\nSteps:\n- survey the sites\n- install 5G.",
         "narrative": "Work is under way.\n- 40 schools connected.", "language": "en"}
ARABIC = {"title": "ربط 100 مدرسة بشبكة الجيل الخامس.", "org": "شركة الاتصالات المتحدة", "person": "ليلى أحمد",
          "description": "تلتزم الشركة بربط 100 مدرسة.\n\n- مسح المواقع\n- التركيب.",
          "narrative": "العمل جار.", "language": "ar"}
CASES = [pytest.param(LATIN, "ar", "ltr", id="latin-record-on-arabic-page"),
         pytest.param(ARABIC, "en", "rtl", id="arabic-record-on-english-page")]


def _records(builder, text):
    org = builder.organization(name=text["org"], acronym=None)
    partner = builder.organization(name=text["org"] + " 2", acronym=None)
    pledge = builder.pledge(lead=org, partners=[partner], title=text["title"], description=text["description"],
                            language=text["language"])
    builder.progress_report(pledge, narrative=text["narrative"], language=text["language"])
    contact = builder.contact(name=text["person"], title=text["person"])
    waiting = builder.pledge(lead=org, status=ReviewStatus.SUBMITTED, title=text["title"] + " B", focal_point=contact,
                             description=text["description"], language=text["language"])
    eoi = builder.eoi(organization=org, contribution=text["description"], language=text["language"], contact=contact)
    builder.user(email="dir-reviewer@example.org")
    db.session.commit()
    return pledge, waiting, eoi


def _check_user_text(page, expected: str) -> int:
    """Every user-text element on the page computes `expected`; returns how many were checked."""
    found = page.evaluate("""() => Array.from(document.querySelectorAll('.user-text'))
        .filter(e => e.textContent.trim())
        .map(e => [e.textContent.trim().slice(0, 40), getComputedStyle(e).direction])""")
    wrong = [f for f in found if f[1] != expected]
    assert not wrong, f"user text in the wrong direction: {wrong}"
    return len(found)


def _sign_in(page, base):
    page.goto(base + "/login")
    page.fill("#email", "dir-reviewer@example.org")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize(("text", "lang", "expected"), CASES)
def test_user_text_keeps_its_direction(live_server, page, builder, text, lang, expected):
    pledge, waiting, eoi = _records(builder, text)
    base = live_server.url
    public = {
        "pledge": f"/pledges/{pledge.reference}",
        "directory": "/pledges",
        "country": "/countries/KEN",
        "private-link": f"/my/{make_token('pledge', waiting.id, waiting.focal_point.email)}",
    }
    checked = {}
    for name, path in public.items():
        response = page.goto(f"{base}{path}?lang={lang}")
        assert response.status == 200, path
        checked[name] = _check_user_text(page, expected)
        screenshot(page, f"direction-{name}-{lang}")
    assert checked["pledge"] >= 5   # title, organization, partner, description, narrative
    assert checked["directory"] >= 2 and checked["private-link"] >= 2

    # The title's final period stays at the end of the line: right for Latin text, left for Arabic.
    page.goto(f"{base}/pledges/{pledge.reference}?lang={lang}")
    ends = page.evaluate("""() => {
        const el = document.querySelector('h1 .user-text');
        const text = el.firstChild;
        const range = document.createRange();
        const n = text.length;
        range.setStart(text, n - 1); range.setEnd(text, n);
        const last = range.getBoundingClientRect();
        range.setStart(text, 0); range.setEnd(text, 1);
        const first = range.getBoundingClientRect();
        return [first.left, last.left];
    }""")
    if expected == "ltr":
        assert ends[1] > ends[0], "the final period moved to the start of the title"
    else:
        assert ends[1] < ends[0]
    # The "- item" lists of the description stay lists.
    assert page.locator(".pledge-page .user-text ul li").count() >= 2

    _sign_in(page, base)
    staff = {"queue": "/review/", "record": f"/review/pledge/{waiting.id}", "eoi": f"/review/eoi/{eoi.id}",
             "organizations": "/review/organizations"}
    for name, path in staff.items():
        response = page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert response.status == 200, path
        checked[name] = _check_user_text(page, expected)
        screenshot(page, f"direction-{name}-{lang}")
    assert checked["record"] >= 3 and checked["queue"] >= 2
