"""Pledges and what hangs off them: partners, target countries, pillars, groups, SDGs, WSIS lines, targets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p2c.core.db import TimestampMixin, VersionedMixin
from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.extensions import db
from p2c.members.models import REVIEW_STATUS, Contact, Organization
from p2c.reference.initiatives import RegionalInitiative
from p2c.reference.models import (
    BeneficiaryGroup,
    Country,
    Currency,
    Event,
    FocusArea,
    GdcObjective,
    Indicator,
    Pillar,
    PledgeType,
    Sdg,
    SdgTarget,
    WsisLine,
)

IMPLEMENTATION_STATUS = db.Enum(
    ImplementationStatus, name="implementation_status", native_enum=False, length=20,
    values_callable=lambda e: [m.value for m in e],
)


def _link(name: str, column: str, target: str) -> Table:
    """An association table pledge <-> reference code, indexed both ways for the directory filters."""
    return Table(
        name,
        db.metadata,
        Column("pledge_id", ForeignKey("pledge.id", ondelete="CASCADE"), primary_key=True),
        Column(column, ForeignKey(target), primary_key=True),
        Index(f"ix_{name}_{column}_pledge", column, "pledge_id"),
    )


pledge_country = _link("pledge_country", "country_iso3", "country.iso3")
pledge_pillar = _link("pledge_pillar", "pillar_code", "pillar.code")
pledge_beneficiary = _link("pledge_beneficiary", "beneficiary_code", "beneficiary_group.code")
pledge_sdg = _link("pledge_sdg", "sdg_number", "sdg.number")
pledge_wsis = _link("pledge_wsis", "wsis_code", "wsis_line.code")
pledge_partner = _link("pledge_partner", "organization_id", "organization.id")
# WTDC-25 regional initiatives the pledge is aligned with (p2c.reference.initiatives).
pledge_initiative = _link("pledge_initiative", "initiative_code", "regional_initiative.code")
pledge_sdg_target = _link("pledge_sdg_target", "sdg_target_code", "sdg_target.code")
pledge_gdc = _link("pledge_gdc", "gdc_code", "gdc_objective.code")

# The ITU regions of a pledge's target countries, with the pledge's status and submission time: the
# review queue's region filter reads a page in order from (itu_region, status, submitted_at) and
# counts from that index alone (an EXISTS through pledge_country per pledge read every record of the
# status: 10 s at 1M). Written by database triggers only (migration 0009_queue1m_region_search) on
# pledge_country, pledge.status/submitted_at and country.itu_region, so every writer of the
# countries (form, API, import, amendments, bulk loads) keeps it in step without knowing it.
pledge_region = Table(
    "pledge_region",
    db.metadata,
    Column("pledge_id", ForeignKey("pledge.id", ondelete="CASCADE"), primary_key=True),
    Column("itu_region", String(3), primary_key=True),
    Column("status", REVIEW_STATUS, nullable=False),
    Column("submitted_at", DateTime, nullable=False),
    Index("ix_pledge_region_queue", "itu_region", "status", "submitted_at", "pledge_id"),
    # A report's or amendment's region count: merged in pledge order with their (status, pledge_id)
    # index (migration 0010_pgqueue_queue_indexes), not the region's set hashed or a lookup each.
    Index("ix_pledge_region_pledges", "itu_region", "pledge_id"),
)


class Pledge(TimestampMixin, VersionedMixin, db.Model):
    """A commitment toward universal and meaningful connectivity by 2030."""

    __tablename__ = "pledge"
    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_non_negative"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates_in_order"),
        # Directory and aggregation filters on approved pledges, newest first (keyset pagination).
        Index("ix_pledge_status_approved", "status", "approved_at", "id"),
        Index("ix_pledge_status_focus", "status", "focus_area_code", "id"),
        Index("ix_pledge_status_type", "status", "pledge_type_code", "id"),
        Index("ix_pledge_status_start_year", "status", "start_year", "id"),
        Index("ix_pledge_status_impl", "status", "implementation_status", "id"),
        Index("ix_pledge_status_usd", "status", "usd_value", "id"),
        Index("ix_pledge_status_submitted", "status", "submitted_at"),
        # The review queue's focus-area filter, read in submission order (p2c.review.queries).
        Index("ix_pledge_status_focus_submitted", "status", "focus_area_code", "submitted_at"),
        # The other kinds' focus-area filter (their pledge among the focus area's pledges) and the
        # focus area's counts by status (the tabs), from the index alone.
        Index("ix_pledge_focus", "focus_area_code", "status"),
        # ... and a report's or amendment's focus-area count, merged in pledge order with their
        # (status, pledge_id) index (PostgreSQL: 0010_pgqueue_queue_indexes).
        Index("ix_pledge_focus_id", "focus_area_code", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    lead_organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="en")
    focus_area_code: Mapped[str] = mapped_column(ForeignKey("focus_area.code"))
    pledge_type_code: Mapped[str] = mapped_column(ForeignKey("pledge_type.code"))
    event_code: Mapped[str | None] = mapped_column(ForeignKey("event.code"), index=True)

    # Money as entered, plus its USD value at the yearly rate of the pledge date (both shown).
    amount: Mapped[Decimal | None] = mapped_column(Numeric(15, 2))
    currency_code: Mapped[str | None] = mapped_column(ForeignKey("currency.code"))
    # 18 digits: an amount below 10^13 in a currency worth more than a dollar converts to more than 10^13 USD.
    usd_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    usd_rate: Mapped[Decimal | None] = mapped_column(Numeric(20, 10))
    usd_rate_year: Mapped[int | None] = mapped_column(Integer)

    is_global: Mapped[bool] = mapped_column(Boolean, default=False)
    # Follow from the target countries; stored so the directory filters need no join.
    targets_ldc: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    targets_lldc: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    targets_sids: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    start_year: Mapped[int | None] = mapped_column(Integer)
    pledged_on: Mapped[date] = mapped_column(Date)

    focal_point_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    consent_public: Mapped[bool] = mapped_column(Boolean, default=False)

    status: Mapped[ReviewStatus] = mapped_column(REVIEW_STATUS, default=ReviewStatus.SUBMITTED)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    # "To be announced": an approved pledge is public only from this time (UTC; None: from approval).
    # The one rule is p2c.pledges.visibility.public_clause.
    public_from: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    # From the latest approved progress report (kept in step by the implementation services).
    implementation_status: Mapped[ImplementationStatus] = mapped_column(
        IMPLEMENTATION_STATUS, default=ImplementationStatus.NOT_STARTED
    )
    last_reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_reminded_at: Mapped[datetime | None] = mapped_column(DateTime)

    lead_organization: Mapped[Organization] = relationship(lazy="joined")
    focus_area: Mapped[FocusArea] = relationship()
    pledge_type: Mapped[PledgeType] = relationship()
    currency: Mapped[Currency | None] = relationship()
    event: Mapped[Event | None] = relationship()
    focal_point: Mapped[Contact] = relationship()
    partners: Mapped[list[Organization]] = relationship(secondary=pledge_partner)
    countries: Mapped[list[Country]] = relationship(secondary=pledge_country)
    pillars: Mapped[list[Pillar]] = relationship(secondary=pledge_pillar)
    beneficiary_groups: Mapped[list[BeneficiaryGroup]] = relationship(secondary=pledge_beneficiary)
    sdgs: Mapped[list[Sdg]] = relationship(secondary=pledge_sdg, order_by="Sdg.number")
    wsis_lines: Mapped[list[WsisLine]] = relationship(secondary=pledge_wsis)
    initiatives: Mapped[list[RegionalInitiative]] = relationship(
        secondary=pledge_initiative, order_by="RegionalInitiative.code")
    sdg_targets: Mapped[list[SdgTarget]] = relationship(secondary=pledge_sdg_target, order_by="SdgTarget.position")
    gdc_objectives: Mapped[list[GdcObjective]] = relationship(secondary=pledge_gdc, order_by="GdcObjective.position")
    milestones: Mapped[list[PledgeMilestone]] = relationship(
        back_populates="pledge", cascade="all, delete-orphan", order_by="PledgeMilestone.due_on"
    )
    targets: Mapped[list[PledgeTarget]] = relationship(
        back_populates="pledge", cascade="all, delete-orphan", order_by="PledgeTarget.id"
    )


class PledgeAmendment(TimestampMixin, VersionedMixin, db.Model):
    """Changes the focal point proposes to an approved pledge. The pledge itself (so its public page, the
    API, the exports and every figure) stays as approved until a reviewer approves the amendment; then
    `data` is applied and `before`/`after` keep what changed (the pledge's dated "amended" history)."""

    __tablename__ = "pledge_amendment"
    __table_args__ = (
        Index("ix_pledge_amendment_status", "status", "submitted_at"),
        # The queue filtered through the pledge (focus area, region, search): a page read in order
        # and its count test every record on this index alone, never reading a row that fails.
        Index("ix_pledge_amendment_queue", "status", "submitted_at", "id", "pledge_id", "reference"),
        # ... and its counts, in pledge order (each record's pledge_region lookup follows the last).
        Index("ix_pledge_amendment_status_pledge", "status", "pledge_id", "reference"),
        Index("ix_pledge_amendment_pledge_status", "pledge_id", "status"),  # the same, counted by status
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"), index=True)
    # The proposed values, in the plain shape `p2c.pledges.services` applies (JSON-safe).
    data: Mapped[dict] = mapped_column(JSON)
    # Snapshots (p2c.pledges.services.amendment_snapshot) of the pledge and of the proposal.
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(5), default="en")
    status: Mapped[ReviewStatus] = mapped_column(REVIEW_STATUS, default=ReviewStatus.SUBMITTED)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    pledge: Mapped[Pledge] = relationship()


class PartnerContact(db.Model):
    """The optional private contact of one partner organization of a pledge (told of approvals, reads
    the pledge's private page)."""

    __tablename__ = "partner_contact"

    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)

    organization: Mapped[Organization] = relationship()
    contact: Mapped[Contact] = relationship()


class Handover(TimestampMixin, db.Model):
    """A focal point names a successor; the pledge changes hands when the successor confirms from
    their own address (an e-mailed link naming this row)."""

    __tablename__ = "handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"), index=True)
    from_contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="en")
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)

    pledge: Mapped[Pledge] = relationship()


class PledgeTarget(db.Model):
    """A quantified target of a pledge: indicator, value, year, optional baseline."""

    __tablename__ = "pledge_target"
    __table_args__ = (
        CheckConstraint("target_value >= 0", name="target_non_negative"),
        Index("ix_pledge_target_indicator", "indicator_code", "pledge_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"), index=True)
    indicator_code: Mapped[str] = mapped_column(ForeignKey("indicator.code"))
    target_value: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    target_year: Mapped[int] = mapped_column(Integer)
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    note: Mapped[str] = mapped_column(Text, default="")

    pledge: Mapped[Pledge] = relationship(back_populates="targets")
    indicator: Mapped[Indicator] = relationship(lazy="joined")


class PledgeMilestone(db.Model):
    """A qualitative target of a pledge (a law adopted, a policy published, a strategy launched) with a
    date, instead of a number; a progress report says whether it is done."""

    __tablename__ = "pledge_milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"), index=True)
    # p2c.pledges.constants.MILESTONE_KINDS: law, policy, strategy, other.
    kind: Mapped[str] = mapped_column(String(20), default="other")
    description: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)

    pledge: Mapped[Pledge] = relationship(back_populates="milestones")
