"""Coalition goals set by admins (e.g. USD 100 billion mobilized by 2026) and the maintained rollups."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from p2c.core.db import TimestampMixin, VersionedMixin
from p2c.extensions import db


class Goal(TimestampMixin, VersionedMixin, db.Model):
    """A coalition goal: a metric (USD value, pledges, or an indicator) to reach by a date."""

    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # "usd_value", "pledges", "organizations", or "indicator" with indicator_code set.
    metric: Mapped[str] = mapped_column(String(20))
    indicator_code: Mapped[str | None] = mapped_column(ForeignKey("indicator.code"))
    target_value: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    target_date: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Rollup(db.Model):
    """Maintained totals of approved pledges for one (dimension, key), e.g. ("country", "KEN").

    Updated in the same transaction as the approval that changes them (p2c.reporting.rollups), so the
    progress page reads a few hundred rows whatever the number of pledges. Money is in integer cents
    (exact on SQLite too). The row ("meta", "version") counts rollup writes: caches key on it.
    """

    __tablename__ = "rollup"

    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    pledges: Mapped[int] = mapped_column(BigInteger, default=0)
    usd_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # Indicator sums (pledged targets, achieved values), in hundredths of the indicator's unit.
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)


class RollupOrganization(db.Model):
    """Approved pledges led by one organization (a joint pledge counts once, under its lead)."""

    __tablename__ = "rollup_organization"

    organization_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    pledges: Mapped[int] = mapped_column(BigInteger, default=0)
    usd_cents: Mapped[int] = mapped_column(BigInteger, default=0)


class RollupPledge(db.Model):
    """What one approved pledge currently adds to the rollups (so it can be taken out exactly).

    No foreign key on purpose: when a pledge row is deleted its contribution must still be readable.
    """

    __tablename__ = "rollup_pledge"

    pledge_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    contribution: Mapped[str] = mapped_column(Text)
