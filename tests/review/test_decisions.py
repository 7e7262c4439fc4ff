"""Decisions through the record page: e-mails in the submitter's language, required messages,
internal notes never sent, EOI approval makes a member, the signal, and two reviewers at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from p2c.core.enums import CommentVisibility, ReviewStatus
from p2c.core.models import AuditEvent, OutboxMessage
from p2c.core.signals import submission_decided
from p2c.core.tokens import read_token
from p2c.extensions import db
from p2c.members.models import ExpressionOfInterest, Organization
from p2c.pledges.models import Pledge
from p2c.review.models import Comment
from tests.conftest import FreshContextClient
from tests.smtp import LocalSmtpServer


def _decide(client, kind, record, action, message=""):
    return client.post(f"/review/{kind}/{record.id}/decide",
                       data={"action": action, "message": message, "version": record.version})


def test_approving_a_pledge_emails_the_focal_point_and_sends_the_signal(client, login, builder, mail_to):
    login("reviewer")
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    seen = []

    def receiver(sender, **kw):
        seen.append((kw["kind"].value, kw["old"], kw["new"], db.session.is_active))

    submission_decided.connect(receiver)
    try:
        response = _decide(client, "pledge", pledge, "approve")
    finally:
        submission_decided.disconnect(receiver)
    assert response.status_code == 302 and "/login" not in response.headers["Location"], response.headers["Location"]
    db.session.expire_all()
    fresh = db.session.get(Pledge, pledge.id)
    assert fresh.status == ReviewStatus.APPROVED and fresh.approved_at and fresh.decided_at
    assert seen == [("pledge", ReviewStatus.SUBMITTED, ReviewStatus.APPROVED, True)]
    message = mail_to.wait_for(1)[0]
    assert message["To"] == pledge.focal_point.email
    assert pledge.reference in message["Subject"] and "Approved" in message["Subject"]
    # The approval says where the pledge is now public.
    assert f"/pledges/{pledge.reference}" in LocalSmtpServer.text_of(message)


def test_reject_needs_a_reason_which_is_emailed_in_the_submitters_language(client, login, builder, mail_to):
    login("reviewer")
    # The pledge was written in French; the contact's own preference (Spanish) does not decide.
    contact = builder.contact(language="es")
    pledge = builder.pledge(status=ReviewStatus.IN_REVIEW, focal_point=contact, language="fr")
    db.session.commit()
    response = _decide(client, "pledge", pledge, "reject", "")
    assert response.status_code == 400
    assert "Please give the reason for rejecting." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).status == ReviewStatus.IN_REVIEW

    response = _decide(client, "pledge", pledge, "reject", "Out of scope for the coalition.")
    assert response.status_code == 302 and "/login" not in response.headers["Location"], response.headers["Location"]
    message = mail_to.wait_for(1)[0]
    assert message["To"] == contact.email
    assert db.session.scalar(select(OutboxMessage.language)) == "fr"
    assert "Out of scope for the coalition." in LocalSmtpServer.text_of(message)


def test_request_changes_needs_a_message_and_sends_the_private_link(client, login, builder, mail_to):
    login("reviewer")
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    assert _decide(client, "pledge", pledge, "request_changes").status_code == 400
    assert _decide(client, "pledge", pledge, "request_changes", "Please add a target year.").status_code == 302
    body = LocalSmtpServer.text_of(mail_to.wait_for(1)[0])
    assert "Please add a target year." in body
    link = next(line for line in body.splitlines() if "/my/" in line).strip()
    grant = read_token(link.rsplit("/", 1)[1])
    assert (grant.kind, grant.record_id, grant.email) == ("pledge", pledge.id, pledge.focal_point.email)
    comment = db.session.scalar(select(Comment))
    assert comment.visibility == CommentVisibility.TO_SUBMITTER and comment.body == "Please add a target year."


def test_internal_notes_are_never_sent_and_messages_are(client, login, builder, mail_to):
    login("reviewer")
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    response = client.post(f"/review/pledge/{pledge.id}/comment",
                           data={"visibility": "internal", "body": "Looks like a duplicate of P2C-2024-1."})
    assert response.status_code == 302 and "/login" not in response.headers["Location"], response.headers["Location"]
    assert db.session.scalar(select(OutboxMessage)) is None
    client.post(f"/review/pledge/{pledge.id}/comment", data={"visibility": "to_submitter", "body": "Which year?"})
    assert "Which year?" in LocalSmtpServer.text_of(mail_to.wait_for(1)[0])
    assert len(mail_to.messages) == 1
    page = client.get(f"/review/pledge/{pledge.id}").get_data(as_text=True)
    assert "Looks like a duplicate" in page and "Which year?" in page
    assert client.post(f"/review/pledge/{pledge.id}/comment", data={"visibility": "internal", "body": ""}
                       ).status_code == 400


def test_approving_an_eoi_makes_the_organization_a_member(client, login, builder, mail_to):
    login("reviewer")
    eoi = builder.eoi()
    db.session.commit()
    assert not eoi.organization.is_member
    assert _decide(client, "eoi", eoi, "approve").status_code == 302
    db.session.expire_all()
    org = db.session.get(Organization, eoi.organization_id)
    assert org.is_member and org.member_since is not None
    assert db.session.get(ExpressionOfInterest, eoi.id).status == ReviewStatus.APPROVED
    assert mail_to.wait_for(1)[0]["To"] == eoi.contact.email
    # The membership change is in the organization's own history, with before and after.
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_type == "organization",
                                                       AuditEvent.subject_id == org.id))
    assert event is not None and event.action == "edit"
    assert event.before == {"is_member": False, "member_since": None}
    assert event.after["is_member"] is True and event.after["member_since"] == org.member_since.isoformat()
    assert event.actor_label.endswith("@example.org") or event.actor_user_id is not None


def test_record_page_shows_private_contact_history_and_duplicates(client, login, builder):
    login("reviewer")
    org = builder.organization()
    other = builder.pledge(lead=org, title="Connect rural schools in Kenya", status=ReviewStatus.APPROVED)
    pledge = builder.pledge(lead=builder.organization(), title="Connect rural schools in Kenya!",
                            status=ReviewStatus.SUBMITTED)
    db.session.commit()
    client.post(f"/review/pledge/{pledge.id}/assign", data={"version": pledge.version})
    page = client.get(f"/review/pledge/{pledge.id}").get_data(as_text=True)
    assert pledge.focal_point.email in page and pledge.focal_point.name in page
    assert other.reference in page and "Near-identical title" in page
    assert "assign" in page  # the assignment is in the history


def test_two_reviewers_on_the_same_record_the_second_gets_a_conflict(app, builder, mail_to):
    first, second = app.test_client(), app.test_client()
    assert isinstance(first, FreshContextClient)
    for client in (first, second):
        user = builder.user()
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    seen_version = pledge.version  # both loaded the page at this version
    assert first.get(f"/review/pledge/{pledge.id}").status_code == 200
    assert second.get(f"/review/pledge/{pledge.id}").status_code == 200
    response = first.post(f"/review/pledge/{pledge.id}/decide",
                          data={"action": "request_changes", "message": "Add targets.", "version": seen_version})
    assert response.status_code == 302 and "/login" not in response.headers["Location"], response.headers["Location"]
    response = second.post(f"/review/pledge/{pledge.id}/decide",
                           data={"action": "approve", "message": "", "version": seen_version})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this record" in html
    assert "Changes requested" in html  # the newer state is shown
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).status == ReviewStatus.CHANGES_REQUESTED  # the first update stands
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_type == "pledge")))
    assert actions == ["request_changes"]


def test_the_pledge_record_page_shows_its_reporting_status(client, login, builder):
    login("reviewer")
    due = builder.pledge(status=ReviewStatus.APPROVED)
    due.approved_at = datetime.now() - timedelta(days=500)
    waiting = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    page = client.get(f"/review/pledge/{due.id}").get_data(as_text=True)
    assert "Reporting status" in page and "badge-due" in page and "a report is due" in page
    assert "Reporting status" not in client.get(f"/review/pledge/{waiting.id}").get_data(as_text=True)


def test_decision_emails_link_to_the_public_base_url_not_the_request_host(app, client, login, builder, mail_to,
                                                                            monkeypatch):
    """The private link in a decision e-mail is built on P2C_BASE_URL (config BASE_URL) even when the
    reviewer's request came in through another host name (an internal address, a proxy)."""
    monkeypatch.setitem(app.config, "BASE_URL", "https://p2c.example.org/")
    login("reviewer")
    name = app.config["SESSION_COOKIE_NAME"]
    client.set_cookie(name, client.get_cookie(name).value, domain="internal.host")  # the same session there
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    response = client.post(f"/review/pledge/{pledge.id}/decide", base_url="http://internal.host:8081",
                           data={"action": "request_changes", "message": "Please add a year.",
                                 "version": pledge.version})
    assert response.status_code == 302 and "/login" not in response.headers["Location"], response.headers["Location"]
    body = LocalSmtpServer.text_of(mail_to.wait_for(1)[0])
    links = [line.strip() for line in body.splitlines() if "/my/" in line]
    assert links and all(link.startswith("https://p2c.example.org/my/") for link in links), links
    assert "internal.host" not in body
