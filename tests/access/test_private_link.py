"""The focal point's private link, through a real SMTP server: read the e-mail, follow the link,
tamper with it, let it expire; status, messages, edit and resubmit, withdraw; /access."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from p2c.core.enums import CommentVisibility, ReviewStatus, SubmissionKind
from p2c.core.models import AuditEvent, OutboxMessage
from p2c.core.tokens import make_token
from p2c.extensions import db
from p2c.pledges.models import Pledge
from p2c.review.models import Comment
from tests.pledges.formdata import valid_pledge
from tests.smtp import LocalSmtpServer

LINK = re.compile(r"https?://\S+/my/(\S+)")


def submit_and_read_link(client, mail_to, **change) -> tuple[Pledge, str, str]:
    """Submit a pledge, wait for the e-mail, return (pledge, e-mail text, private path)."""
    assert client.post("/pledges/new", data=valid_pledge(**change)).status_code == 302
    message = mail_to.wait_for(1)[-1]
    text = LocalSmtpServer.text_of(message)
    token = LINK.search(text).group(1)
    pledge = db.session.scalars(select(Pledge)).one()
    return pledge, text, f"/my/{token}"


def test_confirmation_mail_arrives_and_its_link_opens_the_pledge(client, mail_to, app):
    pledge, text, path = submit_and_read_link(client, mail_to)
    message = mail_to.messages[0]
    assert message["To"] == "jane@example.org" and pledge.reference in message["Subject"]
    assert pledge.reference in text and "Submitted" in text
    assert text.count(app.config["BASE_URL"]) == 1
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and pledge.reference in html and pledge.title in html
    assert page.headers["Cache-Control"] == "no-store"
    # Nothing to do yet but write and withdraw; no edit before changes are requested.
    assert "/edit" not in html and "/withdraw" in html
    assert db.session.scalars(select(OutboxMessage)).one().sent_at is not None


def test_confirmation_mail_is_in_the_language_of_the_submission(client, mail_to):
    client.post("/pledges/new?lang=fr", data=valid_pledge())
    received = mail_to.wait_for(1)
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.language == "fr"
    assert message.subject.startswith("Partner2Connect : nous avons reçu votre engagement P2C-")
    assert received[0]["Subject"] == message.subject and received[0]["Content-Language"] == "fr"
    assert "Bonjour " in message.body_text and "Dear " not in message.body_text


def test_tampered_link_gets_a_clear_403(client, mail_to):
    _, _, path = submit_and_read_link(client, mail_to)
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    response = client.get(tampered)
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "This link does not work" in html and 'href="/access"' in html
    assert client.get("/my/not-a-token").status_code == 403


def test_a_token_opens_only_its_record_and_only_for_its_address(client, builder):
    mine = builder.pledge(status=ReviewStatus.SUBMITTED, title="Mine")
    other = builder.pledge(status=ReviewStatus.SUBMITTED, title="Someone else's")
    db.session.commit()
    token = make_token("pledge", mine.id, mine.focal_point.email)
    html = client.get(f"/my/{token}").get_data(as_text=True)
    assert "Mine" in html and "Someone else" not in html
    # Right record, wrong address (or the focal point was changed since): refused.
    assert client.get(f"/my/{make_token('pledge', other.id, 'intruder@example.org')}").status_code == 403
    assert client.get(f"/my/{make_token('progress', mine.id, mine.focal_point.email)}").status_code == 403
    assert client.get(f"/my/{make_token('pledge', 999999, mine.focal_point.email)}").status_code == 403


def test_expired_link_offers_a_fresh_one(client, mail_to, monkeypatch, app):
    _, _, path = submit_and_read_link(client, mail_to)
    later = time.time() + (app.config["ACCESS_LINK_MAX_AGE_DAYS"] + 1) * 86400
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "This link has expired" in html and 'action="/access"' in html and 'name="email"' in html
    monkeypatch.undo()
    assert client.get(path).status_code == 200


def test_access_gives_the_same_answer_and_mails_fresh_links(client, mail_to, builder):
    pledge = builder.pledge(status=ReviewStatus.APPROVED, focal_point=builder.contact(email="Known@Example.org"))
    eoi = builder.eoi(contact=builder.contact(email="known@example.org"))
    db.session.commit()
    known = client.post("/access", data={"email": "known@example.org"})
    unknown = client.post("/access", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda html: html.replace("known@example.org", "X").replace("nobody@example.org", "X")  # noqa: E731
    assert strip(known.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))
    message = mail_to.wait_for(1)[0]
    time.sleep(0.2)
    assert len(mail_to.messages) == 1 and message["To"].lower() == "known@example.org"
    text = LocalSmtpServer.text_of(message)
    assert pledge.reference in text and eoi.reference in text
    tokens = LINK.findall(text)
    # One private page per person, listing every record of the address, each opening its own page.
    assert len(tokens) == 1
    page = client.get(f"/my/{tokens[0]}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and pledge.reference in html and eoi.reference in html
    links = re.findall(r'href="/my/([^"/?]+)"', html)
    assert len(links) == 2
    for token in links:
        assert client.get(f"/my/{token}").status_code == 200
    # Asking again straight away does not flood the mailbox, and still gives the same answer.
    assert client.post("/access", data={"email": "known@example.org"}).status_code == 200
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "access_links")) == 1


def test_access_form_validates_the_address(client):
    response = client.post("/access", data={"email": "not an address"})
    assert response.status_code == 422 and 'href="#email"' in response.get_data(as_text=True)
    assert client.post("/access", data={"email": "a@b.org", "homepage": "x"}).status_code == 200
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def _request_changes(pledge: Pledge, message: str = "Please add a baseline.") -> None:
    pledge.status = ReviewStatus.CHANGES_REQUESTED
    db.session.add(Comment(subject_kind=SubmissionKind.PLEDGE, subject_id=pledge.id, body=message,
                           visibility=CommentVisibility.TO_SUBMITTER, author_label="reviewer"))
    db.session.add(Comment(subject_kind=SubmissionKind.PLEDGE, subject_id=pledge.id, body="Internal: check the sums",
                           visibility=CommentVisibility.INTERNAL, author_label="reviewer"))
    db.session.commit()


def test_changes_requested_edit_and_resubmit(client, mail_to):
    pledge, _, path = submit_and_read_link(client, mail_to)
    _request_changes(pledge)
    html = client.get(path).get_data(as_text=True)
    assert "Please add a baseline." in html and "Internal: check the sums" not in html
    assert f'href="{path}/edit"' in html
    form = client.get(path + "/edit").get_data(as_text=True)
    assert 'value="Connect 200 rural schools"' in form and 'name="version"' in form
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    data = valid_pledge(title="Connect 250 rural schools", version=version, focal_email="ignored@example.org",
                        **{"targets-0-baseline": "20"})
    response = client.post(path + "/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    pledge = db.session.get(Pledge, pledge.id)
    assert pledge.status == ReviewStatus.SUBMITTED and pledge.title == "Connect 250 rural schools"
    assert pledge.targets[0].baseline == 20 and pledge.version > int(version)
    assert pledge.focal_point.email == "jane@example.org"  # the link's address cannot be changed here
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "pledge")
                                                    .order_by(AuditEvent.id))]
    assert actions == ["create", "resubmit"]
    mail_to.wait_for(2)
    assert "changes" in mail_to.messages[1]["Subject"]
    # Once resubmitted, the edit page is closed again.
    assert client.get(path + "/edit").status_code == 302


def test_stale_edit_is_a_conflict_not_an_overwrite(client, mail_to):
    pledge, _, path = submit_and_read_link(client, mail_to)
    _request_changes(pledge)
    response = client.post(path + "/edit", data=valid_pledge(title="Stale change", version="0"))
    assert response.status_code == 409
    assert "Someone else changed this record" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).title == "Connect 200 rural schools"


def test_edit_with_errors_keeps_values_and_saves_nothing(client, mail_to):
    pledge, _, path = submit_and_read_link(client, mail_to)
    _request_changes(pledge)
    response = client.post(path + "/edit", data=valid_pledge(title="New title here", end_date="2020-01-01",
                                                              version=str(pledge.version)))
    assert response.status_code == 422
    assert 'value="New title here"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).status == ReviewStatus.CHANGES_REQUESTED


def test_withdraw_needs_confirmation(client, mail_to):
    pledge, _, path = submit_and_read_link(client, mail_to)
    confirm = client.get(path + "/withdraw")
    assert confirm.status_code == 200 and "Yes, withdraw it" in confirm.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).status == ReviewStatus.SUBMITTED
    assert client.post(path + "/withdraw").status_code == 302
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).status == ReviewStatus.WITHDRAWN
    html = client.get(path).get_data(as_text=True)
    assert "Withdrawn" in html and "/withdraw" not in html
    assert client.post(path + "/withdraw").status_code == 302  # no second transition
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "withdraw")) == 1


def test_focal_point_replies_with_a_message(client, mail_to):
    pledge, _, path = submit_and_read_link(client, mail_to)
    assert client.post(path + "/message", data={"body": ""}).status_code == 422
    response = client.post(path + "/message", data={"body": "<b>Baseline</b> added."})
    assert response.status_code == 302
    comment = db.session.scalars(select(Comment)).one()
    assert comment.author_label == "focal point" and comment.visibility == CommentVisibility.TO_SUBMITTER
    assert comment.subject_id == pledge.id
    assert "&lt;b&gt;Baseline&lt;/b&gt; added." in client.get(path).get_data(as_text=True)


def test_progress_report_link_for_approved_pledges_when_the_feature_exists(client, builder, app):
    pledge = builder.pledge(status=ReviewStatus.APPROVED)
    db.session.commit()
    token = make_token("pledge", pledge.id, pledge.focal_point.email)
    html = client.get(f"/my/{token}").get_data(as_text=True)
    if "implementation.new_report" in app.view_functions:
        assert f"/my/{token}/report" in html
    else:
        assert "Report progress" not in html


def test_eoi_dashboard_edit_and_withdraw(client, builder):
    eoi = builder.eoi(status=ReviewStatus.CHANGES_REQUESTED)
    db.session.commit()
    path = f"/my/{make_token('eoi', eoi.id, eoi.contact.email)}"
    assert eoi.reference in client.get(path).get_data(as_text=True)
    form = client.get(path + "/edit").get_data(as_text=True)
    assert 'name="org_name"' in form
    data = {"org_name": eoi.organization.name, "org_stakeholder_group": "academia", "org_country": "",
            "org_website": "", "focal_name": "New Name", "focal_email": eoi.contact.email, "focal_phone": "",
            "focus_areas": ["investment"], "contribution": "We now want to help with investment policy work.",
            "version": str(eoi.version)}
    assert client.post(path + "/edit", data=data).status_code == 302
    db.session.expire_all()
    assert eoi.status == ReviewStatus.SUBMITTED and [fa.code for fa in eoi.focus_areas] == ["investment"]
    assert client.post(path + "/withdraw").status_code == 302
    db.session.expire_all()
    assert eoi.status == ReviewStatus.WITHDRAWN


@pytest.mark.parametrize("kind", ["pledge", "eoi"])
def test_private_pages_never_show_other_contact_data_publicly(client, builder, kind):
    pledge = builder.pledge(status=ReviewStatus.APPROVED)
    db.session.commit()
    assert pledge.focal_point.email not in client.get("/").get_data(as_text=True)


def test_csrf_failure_on_the_edit_form_keeps_the_edits(client, app, mail_to):
    pledge, _, path = submit_and_read_link(client, mail_to)
    _request_changes(pledge)
    form = client.get(path + "/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(path + "/edit", data=valid_pledge(title="Kept after the session expired",
                                                                 version=version))
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Your session expired" in html and 'value="Kept after the session expired"' in html
        db.session.expire_all()
        assert db.session.get(Pledge, pledge.id).status == ReviewStatus.CHANGES_REQUESTED
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        again = client.post(path + "/edit", data=valid_pledge(title="Kept after the session expired",
                                                              version=version, csrf_token=token))
        assert again.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).title == "Kept after the session expired"
