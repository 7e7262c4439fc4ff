"""Reporting status, reminders (`flask p2c remind`) and the compliance view."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from p2c.core.db import utcnow
from p2c.core.enums import ReportingStatus, ReviewStatus
from p2c.core.models import OutboxMessage
from p2c.core.tokens import read_token
from p2c.extensions import db
from p2c.implementation import queries
from p2c.pledges.models import Pledge
from p2c.pledges.reporting_status import pledge_reporting_status
from p2c.pledges.reporting_status import reporting_status_filter as status_filter
from tests.smtp import LocalSmtpServer

DAY = timedelta(days=1)


def _pledge(builder, *, approved_days: int, reported_days: int | None = None, reminded_days: int | None = None,
            language: str = "en", status=ReviewStatus.APPROVED, **kw) -> Pledge:
    now = utcnow()
    pledge = builder.pledge(status=status, **kw)
    pledge.approved_at = now - approved_days * DAY if status == ReviewStatus.APPROVED else None
    pledge.last_reported_at = now - reported_days * DAY if reported_days is not None else None
    pledge.last_reminded_at = now - reminded_days * DAY if reminded_days is not None else None
    pledge.focal_point.language = language
    db.session.flush()
    return pledge


def test_reporting_status_of_a_pledge(builder):
    current = _pledge(builder, approved_days=30)
    due = _pledge(builder, approved_days=1000, reported_days=500)
    inactive = _pledge(builder, approved_days=800)
    recent_report = _pledge(builder, approved_days=3000, reported_days=10)
    pending = _pledge(builder, approved_days=0, status=ReviewStatus.SUBMITTED)
    assert pledge_reporting_status(current) == ReportingStatus.CURRENT
    assert pledge_reporting_status(due) == ReportingStatus.DUE
    assert pledge_reporting_status(inactive) == ReportingStatus.INACTIVE
    assert pledge_reporting_status(recent_report) == ReportingStatus.CURRENT
    assert pledge_reporting_status(pending) is None
    db.session.commit()
    for status, expected in [("current", {current.id, recent_report.id}), ("due", {due.id}),
                             ("inactive", {inactive.id})]:
        assert set(db.session.scalars(select(Pledge.id).where(status_filter(status)))) == expected


@pytest.fixture
def reminder_pledges(builder):
    pledges = {
        "due_fr": _pledge(builder, approved_days=1000, reported_days=400, language="fr"),
        "inactive_ar": _pledge(builder, approved_days=900, language="ar"),
        "current": _pledge(builder, approved_days=20),
        "reminded_recently": _pledge(builder, approved_days=500, reminded_days=5),
        "reminded_long_ago": _pledge(builder, approved_days=500, reminded_days=40),
        "not_approved": _pledge(builder, approved_days=0, status=ReviewStatus.SUBMITTED),
    }
    db.session.commit()
    return pledges


def _outbox() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_dry_run_lists_and_sends_nothing(app, reminder_pledges):
    result = app.test_cli_runner().invoke(args=["p2c", "remind", "--dry-run"])
    assert result.exit_code == 0, result.output
    listed = {line.split("\t")[0] for line in result.output.splitlines() if "\t" in line}
    expected = {reminder_pledges[k].reference for k in ("due_fr", "inactive_ar", "reminded_long_ago")}
    assert listed == expected
    assert "3 reminders would be sent" in result.output
    assert _outbox() == 0
    db.session.expire_all()
    assert all(p.last_reminded_at is None or p is reminder_pledges["reminded_recently"]
               or p is reminder_pledges["reminded_long_ago"] for p in reminder_pledges.values())


def test_remind_sends_fresh_links_in_the_focal_points_language_once(app, reminder_pledges, mail_to):
    result = app.test_cli_runner().invoke(args=["p2c", "remind", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    messages = mail_to.wait_for(3)
    assert len(messages) == 3
    by_recipient = {m["To"]: m for m in messages}
    due, inactive = reminder_pledges["due_fr"], reminder_pledges["inactive_ar"]
    # Rendered in each focal point's language (the outbox keeps the language it rendered in).
    languages = dict(db.session.execute(select(OutboxMessage.recipient, OutboxMessage.language)).all())
    assert languages[due.focal_point.email] == "fr" and languages[inactive.focal_point.email] == "ar"
    arabic = LocalSmtpServer.text_of(by_recipient[inactive.focal_point.email])
    assert any("\u0600" <= ch <= "\u06ff" for ch in arabic)  # rendered in Arabic
    assert inactive.reference in by_recipient[inactive.focal_point.email]["Subject"]
    body = LocalSmtpServer.text_of(by_recipient[due.focal_point.email])
    link = re.search(r"(\S+/my/(\S+))/report", body)
    assert link and link.group(1).startswith(app.config["BASE_URL"])
    grant = read_token(link.group(2))
    assert (grant.kind, grant.record_id, grant.email) == ("pledge", due.id, due.focal_point.email.lower())
    db.session.expire_all()
    assert db.session.get(Pledge, due.id).last_reminded_at is not None
    # Running again within the interval sends nothing more.
    again = app.test_cli_runner().invoke(args=["p2c", "remind"])
    assert again.exit_code == 0 and "No pledge needs a reminder" in again.output
    assert _outbox() == 3


def test_interval_comes_from_config(app, reminder_pledges):
    old = app.config["REMINDER_INTERVAL_DAYS"]
    app.config["REMINDER_INTERVAL_DAYS"] = 3
    try:
        result = app.test_cli_runner().invoke(args=["p2c", "remind", "--dry-run"])
    finally:
        app.config["REMINDER_INTERVAL_DAYS"] = old
    assert reminder_pledges["reminded_recently"].reference in result.output
    assert "4 reminders would be sent" in result.output


@pytest.fixture
def compliance_pledges(builder):
    kenya_company = builder.organization(country_iso3="KEN", stakeholder_group_code="private_sector")
    french_ministry = builder.organization(country_iso3="FRA", stakeholder_group_code="government")
    _pledge(builder, approved_days=30, lead=kenya_company, focus_area="connect")                    # current
    _pledge(builder, approved_days=1100, reported_days=540, lead=kenya_company, focus_area="connect")  # due
    _pledge(builder, approved_days=900, lead=french_ministry, focus_area="empower")                 # inactive
    _pledge(builder, approved_days=1800, reported_days=60, lead=french_ministry, focus_area="connect")  # current
    _pledge(builder, approved_days=0, status=ReviewStatus.SUBMITTED, lead=french_ministry)           # not counted
    db.session.commit()


def _row(rows, code):
    return next(r for r in rows if r.code == code)


def test_compliance_shares_are_exact(compliance_pledges):
    tables = queries.compliance()
    total = tables["all"][0]
    assert (total.current, total.due, total.inactive, total.total) == (2, 1, 1, 4)
    connect = _row(tables["focus_area"], "connect")
    assert (connect.current, connect.due, connect.inactive) == (2, 1, 0)
    assert connect.share("current") == pytest.approx(2 / 3)
    assert _row(tables["focus_area"], "empower").share("inactive") == 1.0
    afr, eur = _row(tables["region"], "AFR"), _row(tables["region"], "EUR")
    assert (afr.current, afr.due, afr.inactive) == (1, 1, 0)
    assert (eur.current, eur.due, eur.inactive) == (1, 0, 1)
    government = _row(tables["stakeholder_group"], "government")
    assert (government.current, government.inactive, government.total) == (1, 1, 2)
    assert _row(tables["stakeholder_group"], "private_sector").share("due") == 0.5


def test_compliance_page_is_for_staff_only(client, login, compliance_pledges):
    assert client.get("/review/compliance").status_code in (302, 401)
    login("reviewer")
    response = client.get("/review/compliance")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "66.7%" in body and "33.3%" in body and "Africa" in body and "Government" in body


def test_compliance_page_admin_allowed(client, login, compliance_pledges):
    login("admin")
    assert client.get("/review/compliance?lang=fr").status_code == 200
