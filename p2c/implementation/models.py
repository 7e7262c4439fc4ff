"""Progress reports filed by focal points, with achieved values and people reached."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p2c.core.db import TimestampMixin, VersionedMixin, utcnow
from p2c.core.enums import FigureLevel, ImplementationStatus, ReviewStatus
from p2c.extensions import db
from p2c.members.models import REVIEW_STATUS
from p2c.pledges.models import IMPLEMENTATION_STATUS, Pledge, PledgeMilestone, PledgeTarget
from p2c.reference.models import BeneficiaryGroup

FIGURE_LEVEL = db.Enum(
    FigureLevel, name="figure_level", native_enum=False, length=20,
    values_callable=lambda e: [m.value for m in e],
)


class ProgressReport(TimestampMixin, VersionedMixin, db.Model):
    """A focal point's yearly report on one pledge; reviewed like any submission."""

    __tablename__ = "progress_report"
    __table_args__ = (
        CheckConstraint("usd_disbursed IS NULL OR usd_disbursed >= 0", name="disbursed_non_negative"),
        Index("ix_progress_report_pledge_period", "pledge_id", "period"),
        Index("ix_progress_report_status_submitted", "status", "submitted_at"),
        # The queue filtered through the pledge (focus area, region, search): a page read in order and
        # its count test every report on this index alone; (status, submitted_at) read each report's
        # row for its pledge_id (a search matching few reports read them all).
        Index("ix_progress_report_queue", "status", "submitted_at", "id", "pledge_id", "reference"),
        # ... and its counts, in pledge order: each report's pledge_region lookup lands next to the
        # last one (in submission order the lookups were random: twice the time at 200,000).
        Index("ix_progress_report_status_pledge", "status", "pledge_id", "reference"),
        # The counts by status (the tabs) of a focus area's reports: each pledge's reports by status.
        Index("ix_progress_report_pledge_status", "pledge_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"))
    period: Mapped[int] = mapped_column(Integer)
    implementation_status: Mapped[ImplementationStatus] = mapped_column(IMPLEMENTATION_STATUS)
    usd_disbursed: Mapped[Decimal | None] = mapped_column(Numeric(15, 2))
    # Required when the disbursement exceeds the pledged USD value.
    disbursement_explanation: Mapped[str] = mapped_column(Text, default="")
    narrative: Mapped[str] = mapped_column(Text, default="")
    evidence_links: Mapped[list] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(5), default="en")
    status: Mapped[ReviewStatus] = mapped_column(REVIEW_STATUS, default=ReviewStatus.SUBMITTED)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # How far its figures have been checked: self-reported until the team approves it through the review
    # queue (reviewed; an import leaves it self-reported), verified once an independent verifier says so
    # (p2c.verification), at `verified_at`, so figures frozen as of an earlier date keep "reviewed".
    figure_level: Mapped[FigureLevel] = mapped_column(
        FIGURE_LEVEL, default=FigureLevel.SELF_REPORTED, server_default=FigureLevel.SELF_REPORTED.value)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)

    pledge: Mapped[Pledge] = relationship()
    values: Mapped[list[ProgressValue]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="selectin"
    )
    beneficiaries: Mapped[list[ProgressBeneficiary]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="selectin"
    )
    evidence_files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="selectin", order_by="EvidenceFile.id"
    )
    entries: Mapped[list[DisbursementEntry]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="selectin",
        order_by="(DisbursementEntry.year, DisbursementEntry.id)",
    )
    milestones: Mapped[list[ProgressMilestone]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="selectin"
    )


class ProgressValue(db.Model):
    """The value achieved for one quantified target of the pledge, as of the report."""

    __tablename__ = "progress_value"
    __table_args__ = (CheckConstraint("achieved_value >= 0", name="achieved_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("pledge_target.id", ondelete="CASCADE"), index=True)
    achieved_value: Mapped[Decimal] = mapped_column(Numeric(20, 2))

    report: Mapped[ProgressReport] = relationship(back_populates="values")
    target: Mapped[PledgeTarget] = relationship()


class ProgressBeneficiary(db.Model):
    """People reached in one beneficiary group, as of the report."""

    __tablename__ = "progress_beneficiary"
    __table_args__ = (CheckConstraint("people_reached >= 0", name="reached_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"), index=True)
    beneficiary_code: Mapped[str] = mapped_column(ForeignKey("beneficiary_group.code"))
    people_reached: Mapped[int] = mapped_column(Integer)

    report: Mapped[ProgressReport] = relationship(back_populates="beneficiaries")
    beneficiary_group: Mapped[BeneficiaryGroup] = relationship()


class EvidenceFile(db.Model):
    """A file attached to a progress report (PDF, image, office document), kept in the database.

    In the database so that every app server sees it, backups and restores carry it with its report,
    and it is written in the report's transaction (no file without its row, no row without its file).
    The bytes are loaded only when the file is downloaded (`deferred`). `content_type` is the type read
    from the content (p2c.implementation.evidence), never the one the browser claimed.
    """

    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    report: Mapped[ProgressReport] = relationship(back_populates="evidence_files")


class DisbursementEntry(db.Model):
    """One disbursement of a progress report: an amount in its currency, the year it was paid, where it
    went (an ISO3 country, an ITU region code or "global") and through which instrument.

    The USD value is converted at the yearly average rate of the entry's year (the rate and the year
    of the rate used are kept and shown). `pledge_id` repeats the report's pledge so the ledger is read
    without a join. `migrated` marks the entries made from the single "USD disbursed to date" figure
    of reports filed before the ledger existed (migration 0007_finance_ledger).
    """

    __tablename__ = "disbursement_entry"
    __table_args__ = (
        CheckConstraint("amount > 0", name="entry_amount_positive"),
        Index("ix_disbursement_entry_pledge_year", "pledge_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"), index=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(Numeric(15, 2))
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    year: Mapped[int] = mapped_column(Integer)
    # ISO 3166 alpha-3 country, ITU region code (AFR, AMS, ...) or "global".
    recipient: Mapped[str] = mapped_column(String(8))
    # p2c.implementation.ledger.INSTRUMENTS: grant, loan, equity, guarantee, in_kind, other.
    instrument: Mapped[str] = mapped_column(String(20))
    cofinancing: Mapped[bool] = mapped_column(Boolean, default=False)
    usd_rate: Mapped[Decimal] = mapped_column(Numeric(20, 10))
    usd_rate_year: Mapped[int] = mapped_column(Integer)
    usd_value: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    migrated: Mapped[bool] = mapped_column(Boolean, default=False)

    report: Mapped[ProgressReport] = relationship(back_populates="entries")


class ProgressMilestone(db.Model):
    """Whether one qualitative milestone of the pledge is done, as of the report."""

    __tablename__ = "progress_milestone"

    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"), primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("pledge_milestone.id", ondelete="CASCADE"), primary_key=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)

    report: Mapped[ProgressReport] = relationship(back_populates="milestones")
    milestone: Mapped[PledgeMilestone] = relationship(lazy="joined")
