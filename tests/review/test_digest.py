"""`flask p2c digest`: each reviewer gets what waits for them (unassigned or theirs), by kind and age."""

from __future__ import annotations

from datetime import timedelta

from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from tests.smtp import LocalSmtpServer


def test_digest_mails_each_reviewer_their_waiting_work(app, builder, mail_to):
    alice, bob = builder.user(email="alice@example.org"), builder.user(email="bob@example.org")
    idle = builder.user(email="idle@example.org")
    builder.pledge(status=ReviewStatus.SUBMITTED, submitted_at=utcnow() - timedelta(days=2))
    builder.pledge(status=ReviewStatus.IN_REVIEW, assignee_id=alice.id, submitted_at=utcnow() - timedelta(days=40))
    builder.pledge(status=ReviewStatus.APPROVED)  # not waiting
    builder.eoi(submitted_at=utcnow() - timedelta(days=3))
    for _ in range(2):
        builder.pledge(status=ReviewStatus.SUBMITTED, assignee_id=bob.id)
    idle.active = False
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["p2c", "digest"])
    assert result.exit_code == 0, result.output
    messages = {m["To"]: m for m in mail_to.wait_for(2)}
    assert set(messages) == {"alice@example.org", "bob@example.org"}
    alice_text = LocalSmtpServer.text_of(messages["alice@example.org"])
    assert messages["alice@example.org"]["Subject"].startswith("3 submissions")
    assert "Pledge: 2" in alice_text and "Expression of interest: 1" in alice_text
    assert "31-90 days old: 1" in alice_text
    assert messages["bob@example.org"]["Subject"].startswith("4 submissions")
