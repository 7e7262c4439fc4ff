"""A progress report's independent verification: who was assigned, and what they found."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p2c.accounts.models import User
from p2c.core.db import TimestampMixin, VersionedMixin
from p2c.core.enums import VerificationOutcome
from p2c.extensions import db
from p2c.implementation.models import ProgressReport

VERIFICATION_OUTCOME = db.Enum(
    VerificationOutcome, name="verification_outcome", native_enum=False, length=20,
    values_callable=lambda e: [m.value for m in e],
)


class Verification(TimestampMixin, VersionedMixin, db.Model):
    """One approved progress report assigned to one verifier (one verification per report).

    Undecided while `outcome` is None: the team may then hand it to another verifier. The decision
    (outcome, checklist answers, notes) is final; a verified outcome raises the report's figure level.
    """

    __tablename__ = "verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"), unique=True)
    verifier_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime)
    outcome: Mapped[VerificationOutcome | None] = mapped_column(VERIFICATION_OUTCOME)
    # {checklist code: "yes" | "no" | "n/a"} (p2c.verification.constants.CHECKLIST)
    checklist: Mapped[dict] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    report: Mapped[ProgressReport] = relationship()
    verifier: Mapped[User] = relationship(foreign_keys=[verifier_id])
