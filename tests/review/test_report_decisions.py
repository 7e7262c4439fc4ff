"""Decisions on progress reports: the e-mailed private link opens the report's page (the rejection
e-mail carries no link)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from tests.smtp import LocalSmtpServer


def _link_in(body: str) -> str:
    return next(line for line in body.splitlines() if "/my/" in line).strip().rsplit(" ", 1)[-1]


@pytest.mark.parametrize(("action", "message"), [
    ("request_changes", "Please add the disbursed amount."),
    ("approve", ""),
])
def test_the_private_link_in_a_report_decision_opens_the_report(app, client, login, builder, mail_to,
                                                                  action, message):
    login("reviewer")
    pledge = builder.pledge(status=ReviewStatus.APPROVED)
    report = builder.progress_report(pledge, status=ReviewStatus.IN_REVIEW)
    db.session.commit()
    response = client.post(f"/review/progress_report/{report.id}/decide",
                           data={"action": action, "message": message, "version": report.version})
    assert response.status_code == 302
    link = _link_in(LocalSmtpServer.text_of(mail_to.wait_for(1)[0]))
    assert link.endswith(f"/reports/{report.reference}")
    focal_point = app.test_client()
    assert focal_point.get(urlsplit(link).path).status_code == 200


def test_a_message_about_a_report_carries_a_link_that_opens_it(app, client, login, builder, mail_to):
    login("reviewer")
    pledge = builder.pledge(status=ReviewStatus.APPROVED)
    report = builder.progress_report(pledge, status=ReviewStatus.SUBMITTED)
    db.session.commit()
    response = client.post(f"/review/progress_report/{report.id}/comment",
                           data={"visibility": "to_submitter", "body": "Which year is this for?"})
    assert response.status_code == 302
    link = _link_in(LocalSmtpServer.text_of(mail_to.wait_for(1)[0]))
    assert app.test_client().get(urlsplit(link).path).status_code == 200
