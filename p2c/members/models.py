"""Organizations, private contacts, calls for interest and expressions of interest."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p2c.core.db import TimestampMixin, VersionedMixin
from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.members.identity import name_key
from p2c.reference.models import Country, FocusArea, StakeholderGroup

REVIEW_STATUS = db.Enum(
    ReviewStatus, name="review_status", native_enum=False, length=20,
    values_callable=lambda e: [m.value for m in e],
)


class Contact(TimestampMixin, db.Model):
    """A person's private contact details. Never leaves the back-office."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(5), default="en")


class Organization(TimestampMixin, VersionedMixin, db.Model):
    """A pledging or joining organization.

    Its identity is (name_key, country_iso3) (`p2c.members.identity`), unique in the database; the
    partial index covers organizations without a country, which a plain UNIQUE would let repeat
    (NULLs are distinct in SQL).
    """

    __tablename__ = "organization"
    __table_args__ = (
        UniqueConstraint("name_key", "country_iso3"),
        Index("uq_organization_name_key_no_country", "name_key", unique=True,
              postgresql_where=text("country_iso3 IS NULL"), sqlite_where=text("country_iso3 IS NULL")),
        # The queue's region count of EOIs: their organizations' countries read in id order from this
        # index alone, merged with (status, organization_id) (0010_pgqueue_queue_indexes).
        Index("ix_organization_id_country", "id", "country_iso3"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(250), index=True)
    # `identity.name_key(name)`, set from the name on every ORM insert and rename (events below);
    # bulk inserts (demo data) compute it themselves.
    name_key: Mapped[str] = mapped_column(String(250))
    acronym: Mapped[str] = mapped_column(String(40), default="")
    stakeholder_group_code: Mapped[str] = mapped_column(ForeignKey("stakeholder_group.code"), index=True)
    country_iso3: Mapped[str | None] = mapped_column(ForeignKey("country.iso3"), index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    itu_member: Mapped[bool] = mapped_column(Boolean, default=False)
    is_member: Mapped[bool] = mapped_column(Boolean, default=False)
    member_since: Mapped[date | None] = mapped_column(Date)
    # Consent to be listed publicly as a coalition member.
    public_listing: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when a reviewer merged this record into another; merged records are hidden.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))

    stakeholder_group: Mapped[StakeholderGroup] = relationship(lazy="joined")
    country: Mapped[Country | None] = relationship(lazy="joined")


@event.listens_for(Organization, "before_insert")
def _key_new_organization(mapper, connection, target: Organization) -> None:
    if not target.name_key:
        target.name_key = name_key(target.name)


@event.listens_for(Organization, "before_update")
def _key_renamed_organization(mapper, connection, target: Organization) -> None:
    if inspect(target).attrs.name.history.has_changes():
        target.name_key = name_key(target.name)


class CallForInterest(TimestampMixin, db.Model):
    """A time-boxed campaign for expressions of interest (or a rolling one)."""

    __tablename__ = "call_for_interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # The team's translations of the title, {"fr": "...", ...} (p2c.core.i18n.team_translation).
    title_translations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date | None] = mapped_column(Date)
    # The deadline is closes_on at closes_time in time_zone (IANA, e.g. America/Bogota); the call opens at
    # the start of opens_on in the same zone. See p2c.members.deadlines.
    closes_time: Mapped[time] = mapped_column(Time, default=time(23, 59, 59), server_default="23:59:59")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    rolling: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")

    @property
    def zone(self) -> ZoneInfo:
        """The call's IANA time zone (UTC when the stored name is unknown to this system's tz database)."""
        try:
            return ZoneInfo(self.time_zone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    @property
    def opens_at(self) -> datetime:
        """The aware instant the call opens: the start of `opens_on` in its zone."""
        return datetime.combine(self.opens_on, time(0, 0), tzinfo=self.zone)

    @property
    def deadline(self) -> datetime | None:
        """The aware instant of the stated deadline (`closes_on` at `closes_time` in its zone), None when the
        call has no closing date. A deadline is stated to the minute: submissions during that minute count."""
        if self.closes_on is None:
            return None
        stated = (self.closes_time or time(23, 59)).replace(second=0, microsecond=0)
        return datetime.combine(self.closes_on, stated, tzinfo=self.zone)

    def is_open_at(self, now: datetime) -> bool:
        """Whether a submission at the aware instant `now` is in time (rolling calls: once opened)."""
        if now < self.opens_at:
            return False
        if self.rolling or self.deadline is None:
            return True
        return now < self.deadline + timedelta(minutes=1)


eoi_focus_area = Table(
    "eoi_focus_area",
    db.metadata,
    Column("eoi_id", ForeignKey("expression_of_interest.id", ondelete="CASCADE"), primary_key=True),
    Column("focus_area_code", ForeignKey("focus_area.code"), primary_key=True),
    # The queue's focus-area count of EOIs: merged in EOI order with (status, id) below.
    Index("ix_eoi_focus_area_eois", "focus_area_code", "eoi_id"),
)


class ExpressionOfInterest(TimestampMixin, VersionedMixin, db.Model):
    """An organization's request to join the coalition."""

    __tablename__ = "expression_of_interest"
    __table_args__ = (
        Index("ix_eoi_status_submitted", "status", "submitted_at"),
        # The queue filtered through the organization (region, search): a page read in order and its
        # count test every EOI on this index alone (a search matching no EOI read every row).
        Index("ix_eoi_queue", "status", "submitted_at", "id", "organization_id", "reference"),
        Index("ix_eoi_status_organization", "status", "organization_id", "reference"),  # its counts
        Index("ix_eoi_status_id", "status", "id"),  # its focus-area count (eoi_focus_area's index)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("call_for_interest.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    contribution: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="en")
    consent_public: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ReviewStatus] = mapped_column(REVIEW_STATUS, default=ReviewStatus.SUBMITTED)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # The organization details as the submitter gave them. They never write to the organization
    # record (which other members' pledges and the public pages share); a reviewer applies them on
    # approval when this submission created the organization, or edits the record explicitly.
    proposed_name: Mapped[str] = mapped_column(String(250), default="")
    proposed_acronym: Mapped[str] = mapped_column(String(40), default="")
    proposed_stakeholder_group_code: Mapped[str | None] = mapped_column(String(40))
    proposed_country_iso3: Mapped[str | None] = mapped_column(String(3))
    proposed_website: Mapped[str] = mapped_column(String(300), default="")
    # True when this submission created its organization (no existing record had its identity).
    creates_organization: Mapped[bool] = mapped_column(Boolean, default=False)

    organization: Mapped[Organization] = relationship()
    call: Mapped[CallForInterest | None] = relationship()
    contact: Mapped[Contact] = relationship()
    focus_areas: Mapped[list[FocusArea]] = relationship(secondary=eoi_focus_area, lazy="selectin")
