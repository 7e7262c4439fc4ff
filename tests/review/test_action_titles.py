"""Audit action codes are shown by their translated titles (history panel, admin audit log)."""

from __future__ import annotations

import re
from pathlib import Path

from p2c.core import audit
from p2c.core.enums import ReviewStatus
from p2c.core.workflow import Action
from p2c.extensions import db

SOURCE = Path(__file__).resolve().parents[2] / "p2c"


def test_every_recorded_action_code_has_a_title():
    codes = set()
    for path in SOURCE.rglob("*.py"):
        codes.update(re.findall(r'audit\.record\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8")))
    codes.update(a.value for a in Action)
    codes.update({"reactivate"})  # recorded as a conditional expression in accounts.set_active
    assert codes, "no audit.record calls found"
    assert codes <= set(audit.ACTION_TITLES), sorted(codes - set(audit.ACTION_TITLES))
    assert audit.action_title("some.future_code") == "some.future_code"


def test_the_history_panel_shows_titles_not_codes(client, login, builder):
    login("reviewer")
    pledge = builder.pledge(status=ReviewStatus.APPROVED)
    report = builder.progress_report(pledge, status=ReviewStatus.SUBMITTED)
    audit.record("progress_report.submitted", "progress_report", report.id, label=report.reference)
    db.session.commit()
    page = client.get(f"/review/progress_report/{report.id}").get_data(as_text=True)
    assert "Progress report submitted" in page
    assert ">progress_report.submitted<" not in page


def test_the_audit_log_shows_titles_not_codes(client, login):
    audit.record("login_failed", "user", None, label="someone@example.org", actor_label="someone@example.org")
    db.session.commit()
    login("admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Failed sign-in" in page
    assert ">login_failed<" not in page
    assert 'value="login_failed"' in page  # the filter still sends the code
    filtered = client.get("/admin/audit?action=login_failed").get_data(as_text=True)
    assert "someone@example.org" in filtered
