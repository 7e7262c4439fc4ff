"""Progress reports filed by focal points, with achieved values and people reached."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p2c.core.db import TimestampMixin, VersionedMixin
from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.extensions import db
from p2c.members.models import REVIEW_STATUS
from p2c.pledges.models import IMPLEMENTATION_STATUS, Pledge, PledgeMilestone, PledgeTarget
from p2c.reference.models import BeneficiaryGroup


class ProgressReport(TimestampMixin, VersionedMixin, db.Model):
    """A focal point's yearly report on one pledge; reviewed like any submission."""

    __tablename__ = "progress_report"
    __table_args__ = (
        CheckConstraint("usd_disbursed IS NULL OR usd_disbursed >= 0", name="disbursed_non_negative"),
        Index("ix_progress_report_pledge_period", "pledge_id", "period"),
        Index("ix_progress_report_status_submitted", "status", "submitted_at"),
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

    pledge: Mapped[Pledge] = relationship()
    values: Mapped[list[ProgressValue]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="selectin"
    )
    beneficiaries: Mapped[list[ProgressBeneficiary]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="selectin"
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


class ProgressMilestone(db.Model):
    """Whether one qualitative milestone of the pledge is done, as of the report."""

    __tablename__ = "progress_milestone"

    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"), primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("pledge_milestone.id", ondelete="CASCADE"), primary_key=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)

    report: Mapped[ProgressReport] = relationship(back_populates="milestones")
    milestone: Mapped[PledgeMilestone] = relationship(lazy="joined")
