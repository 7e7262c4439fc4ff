"""The reviewer sees an expression of interest's proposed organization details next to the record."""

from __future__ import annotations

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from tests.browser.conftest import screenshot
from tests.browser.test_review import _sign_in


def test_the_proposal_table_shows_record_and_proposed_values(live_server, page, builder):
    builder.user(email="proposal-reviewer@example.org")
    member = builder.organization(name="Connect Foundation", website="https://cf.example.org")
    eoi = builder.eoi(organization=member, status=ReviewStatus.SUBMITTED, proposed_name="Evil Corp",
                      proposed_website="https://phish.example")
    db.session.commit()
    _sign_in(page, live_server.url, "proposal-reviewer@example.org")
    page.goto(f"{live_server.url}/review/eoi/{eoi.id}")
    table = page.locator("#proposal-h + p + table")
    assert "Evil Corp" in table.inner_text() and "https://cf.example.org" in table.inner_text()
    assert "approving does not change it" in page.locator("#proposal-h + p").inner_text()
    print(screenshot(page, "review-eoi-proposal"))
