"""Published progress reports: figures frozen at a cut-off, with a content hash."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p2c.accounts.models import User
from p2c.core.db import utcnow
from p2c.extensions import db


class Publication(db.Model):
    """A published progress report. Never updated after it is written."""

    __tablename__ = "publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    cutoff_date: Mapped[date] = mapped_column(Date)
    # Everything the report shows: figures, lists and narrative sections, as canonical JSON.
    content: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    summary: Mapped[str] = mapped_column(Text, default="")

    published_by: Mapped[User | None] = relationship()


class PublicationImmutable(Exception):
    """Raised when code tries to change a published report."""


@event.listens_for(Publication, "before_update")
def _refuse_update(mapper, connection, target: Publication) -> None:
    """A published report never changes: any ORM UPDATE of one is a bug, so it fails loudly."""
    raise PublicationImmutable(f"publication {target.slug!r} is immutable")
