"""The rollup tables: maintained counts and sums of approved pledges, per dimension and per organization.

A write-side projection: `p2c.reporting.projection` is the only writer (in the transaction of the
change it follows); the progress page, the directory's exact counts and the organizations API read
them. Tables only, so any reader can import them without importing the writer.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from p2c.extensions import db


class Rollup(db.Model):
    """Maintained totals of approved pledges for one (dimension, key), e.g. ("country", "KEN").

    Updated in the same transaction as the approval that changes them (p2c.reporting.projection), so
    the progress page reads a few hundred rows whatever the number of pledges. Money is in integer
    cents (exact on SQLite too).
    """

    __tablename__ = "rollup"
    # The finance table's top lead organizations by USD disbursed (p2c.reporting.queries.top_disbursing):
    # read in order from here, not picked from every `disb_org` row (about 380,000 at 1M pledges).
    __table_args__ = (Index("ix_rollup_dimension_amount", "dimension", "amount_cents"),)

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


class RollupState(db.Model):
    """The projection's one state row (id 1): the cache version and the distinct organization count.

    `version` goes up with every rollup write and goal change, and `epoch` changes on every full
    rebuild (a restored database must not reuse an old version number): caches key on both.
    `organizations` counts the organizations leading at least one approved pledge. `layout`: see below.
    """

    __tablename__ = "rollup_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    epoch: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    organizations: Mapped[int] = mapped_column(BigInteger, default=0)
    # The layout (p2c.reporting.layout.LAYOUT) the rows were written in: set by a full rebuild and when
    # the row is first created (empty rollups); an upgraded database keeps the old value until the worker's
    # `rollup_layout` job rebuilds, and readers of dimensions that layout added read the tables meanwhile.
    layout: Mapped[str | None] = mapped_column(String(40), nullable=True)
