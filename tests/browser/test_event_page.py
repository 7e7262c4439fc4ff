"""The event page in Arabic at phone width (right to left, no sideways scroll, screenshot), and its
live counter: a pledge "to be announced" appears in the room's counter at its announcement time,
without a reload."""

from __future__ import annotations

from datetime import date, timedelta

from p2c.core.db import utcnow
from p2c.extensions import db
from tests.browser.conftest import page_width, screenshot


def test_event_page_in_arabic_on_a_phone_and_its_live_counter(phone_page, live_server, live_app, builder):
    live_app.config["EVENT_COUNTER_SECONDS"] = 1
    lead = builder.organization(name="وزارة الاتصالات وتقنية المعلومات")
    builder.pledge(lead=lead, event_code="wtdc25", amount=4_000_000, countries=["EGY"], language="ar",
                   title="ربط 100 مدرسة بالإنترنت", pledged_on=date(2025, 11, 20),
                   targets=[("schools_connected", 100, 2027)])
    builder.pledge(event_code="wtdc25", amount=1_500_000, countries=["KEN"], pledged_on=date(2025, 11, 21),
                   title="Solar Wi-Fi for clinics", focus_area="empower", targets=[("people_trained", 5000, 2027)])
    builder.pledge(event_code="wtdc25", amount=2_000_000, countries=["JOR"], title="Embargoed pledge",
                   public_from=utcnow() + timedelta(seconds=4))
    db.session.commit()
    page = phone_page
    response = page.goto(f"{live_server.url}/events/wtdc-25?lang=ar")
    assert response.status == 200
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page_width(page) <= page.evaluate("window.innerWidth")
    counter = page.locator('[data-counter="pledges"]')
    assert counter.inner_text() == "2"
    assert "Embargoed pledge" not in page.content()
    screenshot(page, "event-ar-phone")
    # The announcement time passes: the counter goes up without a reload.
    for _ in range(30):  # polling the page (the CSP forbids evaluating a string as script)
        if counter.inner_text() != "2":
            break
        page.wait_for_timeout(500)
    assert counter.inner_text() in ("3", "٣")
    live_app.config["EVENT_COUNTER_SECONDS"] = 15
