"""Independent verification in a real browser: the team assigns an approved report to a verifier, the
verifier signs in, works the checklist and verifies it, and the public progress page splits the
achieved figure by level."""

from __future__ import annotations

from p2c.core.enums import FigureLevel
from p2c.extensions import db
from p2c.implementation.models import ProgressReport
from p2c.verification.constants import CHECKLIST_CODES
from tests.browser.conftest import screenshot
from tests.builders import PASSWORD


def _sign_in(page, base: str, email: str, lands_on: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{lands_on}")


def test_a_verifier_verifies_a_report_and_the_public_figures_split_by_level(live_server, browser, builder):
    builder.user(email="team@example.org")
    builder.user("verifier", email="verifier@example.org")
    reviewed = builder.pledge(targets=[("people_connected", 5000, 2030)])
    checked = builder.pledge(targets=[("people_connected", 5000, 2030)], title="Community networks in Turkana")
    builder.progress_report(reviewed, achieved={"people_connected": 1000})
    report = builder.progress_report(checked, achieved={"people_connected": 400},
                                     evidence_links=["https://stats.example.gov/turkana-2025.pdf"])
    db.session.commit()
    base = live_server.url

    team = browser.new_page()
    _sign_in(team, base, "team@example.org", "/review/")
    team.goto(f"{base}/review/progress_report/{report.id}")
    team.locator("#verification select[name=verifier]").select_option(index=0)
    team.click("text=Assign for verification")
    team.wait_for_url(f"**/review/progress_report/{report.id}#verification")
    assert "for independent verification" in team.locator(".flashes").inner_text()
    team.close()

    page = browser.new_page()
    _sign_in(page, base, "verifier@example.org", "/verify/")
    assert page.locator("h1").inner_text() == "Reports to verify"
    page.click(f"text={report.reference}")
    assert page.locator("a[href='https://stats.example.gov/turkana-2025.pdf']").count() == 1
    for code in CHECKLIST_CODES:
        page.check(f"input[name=item_{code}][value=yes]")
    page.check("input[name=outcome][value=verified]")
    page.fill("#notes", "Matches the regulator's 2025 statistics.")
    screenshot(page, "verification-decision-desktop")
    page.click("text=Record my decision")
    page.wait_for_url("**/verify/")
    assert "Verified" in page.locator(".flashes").inner_text()
    db.session.expire_all()
    assert db.session.get(ProgressReport, report.id).figure_level == FigureLevel.VERIFIED
    # Anything else stays closed to the verifier.
    assert page.goto(f"{base}/review/").status == 403

    page.goto(f"{base}/progress")
    row = page.locator("tr[data-indicator=people_connected]")
    assert row.locator("td[data-level=self_reported]").inner_text() == "0"
    assert row.locator("td[data-level=reviewed]").inner_text() == "1,000"
    assert row.locator("td[data-level=verified]").inner_text() == "400"
    screenshot(page, "progress-levels-desktop")
    page.goto(f"{base}/pledges/{checked.reference}")
    assert "Figures: Independently verified" in page.locator(".progress-timeline").inner_text()
    page.close()
