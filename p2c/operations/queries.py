"""Reads for the health view and /metrics: the outbox backlog, failing messages, the jobs' last runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from p2c.core.mail import MAX_ATTEMPTS
from p2c.core.models import OutboxMessage
from p2c.extensions import db
from p2c.operations.models import JobStatus


@dataclass(frozen=True)
class OutboxBacklog:
    """Unsent messages: new (never tried), retrying after a failure, given up (MAX_ATTEMPTS reached)."""

    new: int
    retrying: int
    gave_up: int
    oldest_unsent_at: datetime | None


def outbox_backlog() -> OutboxBacklog:
    """One aggregate over the unsent messages (the pending index keeps it small whatever was sent)."""
    attempts = OutboxMessage.attempts
    row = db.session.execute(
        select(func.count(case((attempts == 0, 1))), func.count(case(((attempts > 0) & (attempts < MAX_ATTEMPTS), 1))),
               func.count(case((attempts >= MAX_ATTEMPTS, 1))), func.min(OutboxMessage.created_at))
        .where(OutboxMessage.sent_at.is_(None))).one()
    return OutboxBacklog(int(row[0]), int(row[1]), int(row[2]), row[3])


def failing_messages(limit: int = 50) -> list[OutboxMessage]:
    """Unsent messages that failed at least once, most recent first (with their last error)."""
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts > 0)
        .order_by(OutboxMessage.id.desc()).limit(limit)))


def job_statuses() -> list[JobStatus]:
    """Every job that ever ran, by name."""
    return list(db.session.scalars(select(JobStatus).order_by(JobStatus.name)))
