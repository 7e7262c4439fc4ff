"""Writes of the private pages: send fresh links, messages from the focal point.

Record edits and withdrawals live with their records (p2c.pledges.services, p2c.members.services).
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from p2c.access import notifications, queries
from p2c.core import audit
from p2c.core.db import utcnow
from p2c.core.enums import CommentVisibility, SubmissionKind
from p2c.core.models import OutboxMessage
from p2c.core.signals import private_links_wanted
from p2c.extensions import db
from p2c.review.models import Comment

# One links e-mail per address per this many minutes: the form cannot be used to flood a mailbox.
RESEND_MINUTES = 5
FOCAL_POINT_LABEL = "focal point"


def send_links(email: str, ui_language: str) -> int:
    """E-mail fresh private links for every pledge and EOI of this focal point address.

    Returns how many records were found (the page must not say: the answer is the same either way).
    """
    records = queries.records_of(email) + [("partner", p) for p in queries.partner_pledges_of(email)]
    # Records of features above this one (country needs) answer the signal with their own links.
    others = [item for _receiver, items in private_links_wanted.send(current_app._get_current_object(), email=email)
              for item in items or []]
    if not records and not others:
        return 0
    since = utcnow() - timedelta(minutes=RESEND_MINUTES)
    recent = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            func.lower(OutboxMessage.recipient) == email.lower(), OutboxMessage.kind == "access_links",
            OutboxMessage.created_at >= since)
    )
    if recent:
        return len(records) + len(others)
    sent = notifications.access_links(email.lower(), records, ui_language, others)
    audit.record("send_links", "contact", None, label=f"{sent} records", actor_label=FOCAL_POINT_LABEL)
    return len(records) + len(others)


def add_message(kind: str, record, body: str) -> Comment:
    """A message from the focal point to the coalition team, in the record's thread."""
    comment = Comment(subject_kind=SubmissionKind(kind), subject_id=record.id,
                      visibility=CommentVisibility.TO_SUBMITTER, body=body, author_label=FOCAL_POINT_LABEL)
    db.session.add(comment)
    db.session.flush()
    audit.record("message", kind, record.id, label=record.reference, after={"comment_id": comment.id},
                 actor_label=FOCAL_POINT_LABEL)
    return comment


def add_partner_contribution(pledge, partner, body: str) -> Comment:
    """A partner's contribution to the yearly report: in the pledge's thread (the focal point and the team
    read it), e-mailed to the focal point. `partner` is the PartnerContact writing."""
    comment = Comment(subject_kind=SubmissionKind.PLEDGE, subject_id=pledge.id, body=body,
                      visibility=CommentVisibility.TO_SUBMITTER, author_label=f"partner:{partner.organization_id}")
    db.session.add(comment)
    db.session.flush()
    audit.record("partner_contribution", "pledge", pledge.id, label=pledge.reference,
                 after={"comment_id": comment.id, "organization_id": partner.organization_id},
                 actor_label="partner contact")
    notifications.partner_contribution(pledge, partner, body)
    return comment
