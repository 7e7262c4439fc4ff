"""Reads for one record of the back-office: the record, its history, its messages and notes, and its
possible duplicates. Re-exported by `p2c.review.queries`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from p2c.core import submissions as registry
from p2c.core.enums import SubmissionKind
from p2c.core.models import AuditEvent
from p2c.extensions import db
from p2c.review import duplicates
from p2c.review.filters import MAX_ID
from p2c.review.models import Comment


def get_record(kind: str, record_id: int) -> tuple[registry.SubmissionType, Any] | None:
    """The registered type and the record, or None when either is unknown."""
    try:
        stype = registry.get(kind)
    except (KeyError, ValueError):
        return None
    if not 0 < record_id <= MAX_ID:  # no such record, and the driver would overflow
        return None
    record = db.session.get(stype.model, record_id)
    return (stype, record) if record is not None else None


def history(kind: str, record_id: int) -> list[AuditEvent]:
    """The audit events of one record, newest first."""
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == kind, AuditEvent.subject_id == record_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())))


def comments(kind: str, record_id: int) -> list[Comment]:
    """Messages and internal notes on one record, oldest first."""
    return list(db.session.scalars(
        select(Comment).where(Comment.subject_kind == SubmissionKind(kind), Comment.subject_id == record_id)
        .order_by(Comment.created_at, Comment.id)))


def possible_duplicates(stype: registry.SubmissionType, record: Any) -> list:
    """Possible duplicates from the finder for the kind (`duplicates.FINDERS`; none without one)."""
    finder = duplicates.FINDERS.get(stype.kind)
    return finder(record) if finder else []
