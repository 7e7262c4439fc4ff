"""Reads for the private pages: the record a token opens, its messages, a focal point's records."""

from __future__ import annotations

from sqlalchemy import func, select

from p2c.core import submissions
from p2c.core.enums import CommentVisibility, SubmissionKind
from p2c.core.tokens import AccessGrant
from p2c.extensions import db
from p2c.members.models import Contact, ExpressionOfInterest
from p2c.pledges.models import Pledge
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
    """The messages the submitter may read: the team's messages to them and their own replies, oldest first."""
    return list(db.session.scalars(
        select(Comment)
        .where(Comment.subject_kind == SubmissionKind(kind), Comment.subject_id == record_id,
               Comment.visibility == CommentVisibility.TO_SUBMITTER)
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
