"""A saved, unfinished form. Not a submission: never reviewed, never counted, gone after DRAFT_DAYS."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from p2c.core.db import utcnow
from p2c.extensions import db

PLEDGE = "pledge"
PROGRESS_REPORT = "progress_report"
KINDS = (PLEDGE, PROGRESS_REPORT)


class Draft(db.Model):
    """The form data exactly as typed (field name -> list of values), validated only on the real submit.

    A pledge draft is opened by a signed link naming it and its owner's address; a progress-report
    draft belongs to its pledge (one per pledge) and is opened through the pledge's private link.
    `email` is private contact data.
    """

    __tablename__ = "draft"
    __table_args__ = (
        UniqueConstraint("kind", "pledge_id", name="uq_draft_kind_pledge"),
        Index("ix_draft_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="en")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
