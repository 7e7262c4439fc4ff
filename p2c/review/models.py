"""Messages on submissions: to the submitter, or internal to the team."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p2c.accounts.models import User
from p2c.core.db import utcnow
from p2c.core.enums import CommentVisibility, SubmissionKind
from p2c.extensions import db


class Comment(db.Model):
    """A message on a submission (EOI, pledge or progress report)."""

    __tablename__ = "comment"
    __table_args__ = (Index("ix_comment_subject", "subject_kind", "subject_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[SubmissionKind] = mapped_column(
        db.Enum(SubmissionKind, name="submission_kind", native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e])
    )
    subject_id: Mapped[int] = mapped_column(Integer)
    visibility: Mapped[CommentVisibility] = mapped_column(
        db.Enum(CommentVisibility, name="comment_visibility", native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e])
    )
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # "focal point" when the submitter wrote it through the private link.
    author_label: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
