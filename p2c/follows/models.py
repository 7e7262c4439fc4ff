"""A follower's subscription to what gets approved about one pledge, organization, country or focus area."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from p2c.core.db import utcnow
from p2c.extensions import db

KINDS = ("pledge", "organization", "country", "focus_area")


class Follow(db.Model):
    """One address following one subject. `email` is private contact data (never public, never exported).

    Unconfirmed until the follower opens the confirmation link (double opt-in); digests go only to
    confirmed rows and cover what was approved from `digest_from` on (moved forward by each digest).
    """

    __tablename__ = "follow"
    __table_args__ = (
        UniqueConstraint("email", "target_kind", "target_key", name="uq_follow_email_target"),
        Index("ix_follow_target", "target_kind", "target_key"),
        Index("ix_follow_confirmed", "confirmed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    target_kind: Mapped[str] = mapped_column(String(20))
    target_key: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(5), default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    digest_from: Mapped[datetime | None] = mapped_column(DateTime)
