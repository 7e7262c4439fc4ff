"""Country needs and introduction requests between a need and a pledge."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p2c.core.db import TimestampMixin, VersionedMixin
from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.matchmaking.constants import IntroductionStatus, Side, SubmitterKind
from p2c.members.models import REVIEW_STATUS, Contact
from p2c.pledges.models import Pledge
from p2c.reference.models import BeneficiaryGroup, Country, FocusArea, Pillar, PledgeType


def _enum(cls, name: str):
    return db.Enum(cls, name=name, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


need_pillar = Table(
    "need_pillar", db.metadata,
    Column("need_id", ForeignKey("need.id", ondelete="CASCADE"), primary_key=True),
    Column("pillar_code", ForeignKey("pillar.code"), primary_key=True),
)
need_beneficiary = Table(
    "need_beneficiary", db.metadata,
    Column("need_id", ForeignKey("need.id", ondelete="CASCADE"), primary_key=True),
    Column("beneficiary_code", ForeignKey("beneficiary_group.code"), primary_key=True),
)


class Need(TimestampMixin, VersionedMixin, db.Model):
    """What a country needs, in its authority's words; public once approved (its contact never is).

    `met_at` is set when the team records that the need was answered (a pledge was made)."""

    __tablename__ = "need"
    __table_args__ = (Index("ix_need_status_country", "status", "country_iso3"),
                      Index("ix_need_status_met", "status", "met_at"),
                      # The review queue reads each kind in (status, submitted_at) order.
                      Index("ix_need_status_submitted", "status", "submitted_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    submitter_kind: Mapped[SubmitterKind] = mapped_column(_enum(SubmitterKind, "need_submitter_kind"))
    authority: Mapped[str] = mapped_column(String(250))
    country_iso3: Mapped[str] = mapped_column(ForeignKey("country.iso3"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    focus_area_code: Mapped[str] = mapped_column(ForeignKey("focus_area.code"))
    pledge_type_code: Mapped[str | None] = mapped_column(ForeignKey("pledge_type.code"))
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    quantity_unit: Mapped[str] = mapped_column(String(80), default="")
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    # The submitter agrees that the team gives their contact to a pledger it introduces them to.
    consent_introductions: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(5), default="en")
    status: Mapped[ReviewStatus] = mapped_column(REVIEW_STATUS, default=ReviewStatus.SUBMITTED)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    met_at: Mapped[datetime | None] = mapped_column(DateTime)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    country: Mapped[Country] = relationship(lazy="joined")
    focus_area: Mapped[FocusArea] = relationship()
    pledge_type: Mapped[PledgeType | None] = relationship()
    contact: Mapped[Contact] = relationship()
    pillars: Mapped[list[Pillar]] = relationship(secondary=need_pillar)
    beneficiary_groups: Mapped[list[BeneficiaryGroup]] = relationship(secondary=need_beneficiary)


class Introduction(TimestampMixin, VersionedMixin, db.Model):
    """One side asked the team to introduce a need's submitter and a pledge's focal point.

    Contacts are shared only by the team's introduction e-mail; the outcome is recorded later."""

    __tablename__ = "introduction"
    __table_args__ = (UniqueConstraint("need_id", "pledge_id"), Index("ix_introduction_status", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"), index=True)
    requested_by: Mapped[Side] = mapped_column(_enum(Side, "introduction_side"))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[IntroductionStatus] = mapped_column(_enum(IntroductionStatus, "introduction_status"),
                                                       default=IntroductionStatus.REQUESTED)
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    introduced_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    # The pledge that answered the need, when the outcome is "pledge made" (often a new one).
    outcome_pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledge.id"))

    need: Mapped[Need] = relationship()
    pledge: Mapped[Pledge] = relationship(foreign_keys=[pledge_id])
    outcome_pledge: Mapped[Pledge | None] = relationship(foreign_keys=[outcome_pledge_id])
