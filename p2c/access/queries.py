"""Reads for the private pages: the record a token opens, its messages, a focal point's records."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select

from p2c.core import submissions
from p2c.core.enums import CommentVisibility, SubmissionKind
from p2c.core.models import AuditEvent
from p2c.core.tokens import AccessGrant
from p2c.extensions import db
from p2c.members.models import Contact, ExpressionOfInterest
from p2c.pledges.models import Handover, PartnerContact, Pledge, PledgeAmendment
from p2c.review.models import Comment

MAX_LINKS = 50


def contact_of(record) -> Contact:
    """The private contact of a pledge (focal point) or an EOI."""
    return record.focal_point if isinstance(record, Pledge) else record.contact


def record_for(grant: AccessGrant):
    """The one record a token opens, or None (a kind the private pages do not open, deleted, or the
    focal point changed). The kinds are the submission registry's with the /my/<token> link
    (`private_link` None): EOIs and pledges."""
    kinds = {t.kind.value: t for t in submissions.all_types() if t.private_link is None}
    kind = kinds.get(grant.kind)
    if kind is None:
        return None
    record = db.session.get(kind.model, grant.record_id)
    if record is None or kind.contact(record).email.lower() != grant.email.lower():
        return None
    return record


def messages_for(kind: str, record_id: int) -> list[Comment]:
    """The messages the submitter may read: the team's messages to them and their own replies, oldest first
    (for a pledge, also the team's messages on its amendments)."""
    subjects = [and_(Comment.subject_kind == SubmissionKind(kind), Comment.subject_id == record_id)]
    if kind == "pledge":
        amendments = select(PledgeAmendment.id).where(PledgeAmendment.pledge_id == record_id).scalar_subquery()
        subjects.append(and_(Comment.subject_kind == SubmissionKind.PLEDGE_AMENDMENT,
                             Comment.subject_id.in_(amendments)))
    return list(db.session.scalars(
        select(Comment)
        .where(or_(*subjects), Comment.visibility == CommentVisibility.TO_SUBMITTER)
        .order_by(Comment.created_at, Comment.id)
    ))


def records_of(email: str) -> list[tuple[str, object]]:
    """Every pledge and EOI whose focal point has this e-mail address (newest first, at most MAX_LINKS)."""
    email = email.lower()
    pledges = db.session.scalars(
        select(Pledge).join(Contact, Pledge.focal_point_id == Contact.id)
        .where(func.lower(Contact.email) == email).order_by(Pledge.id.desc()).limit(MAX_LINKS)
    ).all()
    eois = db.session.scalars(
        select(ExpressionOfInterest).join(Contact, ExpressionOfInterest.contact_id == Contact.id)
        .where(func.lower(Contact.email) == email).order_by(ExpressionOfInterest.id.desc()).limit(MAX_LINKS)
    ).all()
    return ([("pledge", p) for p in pledges] + [("eoi", e) for e in eois])[:MAX_LINKS]


# Status history on the private page: the record's workflow events, in sentences (no internal notes).
HISTORY_ACTIONS = ("create", "import", "start_review", "approve", "reject", "request_changes", "resubmit",
                   "withdraw", "amend", "handover", "reassign_contact")


def status_history(kind: str, record) -> list[AuditEvent]:
    """The record's workflow events, oldest first; for a pledge also those of its amendments."""
    subjects = [and_(AuditEvent.subject_type == kind, AuditEvent.subject_id == record.id)]
    if kind == "pledge":
        ids = list(db.session.scalars(select(PledgeAmendment.id).where(PledgeAmendment.pledge_id == record.id)))
        if ids:
            subjects.append(and_(AuditEvent.subject_type == "pledge_amendment", AuditEvent.subject_id.in_(ids)))
    return list(db.session.scalars(
        select(AuditEvent).where(or_(*subjects), AuditEvent.action.in_(HISTORY_ACTIONS))
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ))


def partner_pledges_of(email: str) -> list[Pledge]:
    """Pledges on which this address is a partner's contact (read-only on the private pages)."""
    return list(db.session.scalars(
        select(Pledge).join(PartnerContact, PartnerContact.pledge_id == Pledge.id)
        .join(Contact, Contact.id == PartnerContact.contact_id)
        .where(func.lower(Contact.email) == email.lower()).order_by(Pledge.id.desc()).limit(MAX_LINKS)
    ))


def partner_contact_for(pledge_id: int, email: str) -> PartnerContact | None:
    """The partner contact of this pledge with this address, if any."""
    return db.session.scalar(
        select(PartnerContact).join(Contact, Contact.id == PartnerContact.contact_id)
        .where(PartnerContact.pledge_id == pledge_id, func.lower(Contact.email) == email.lower()).limit(1))


def open_handover(pledge_id: int) -> Handover | None:
    """The pledge's hand-over waiting for the successor's confirmation, if any."""
    return db.session.scalar(select(Handover).where(
        Handover.pledge_id == pledge_id, Handover.confirmed_at.is_(None), Handover.cancelled_at.is_(None)))
