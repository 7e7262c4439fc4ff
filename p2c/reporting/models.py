"""Coalition goals set by admins (e.g. USD 100 billion mobilized by 2026)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from p2c.core.db import TimestampMixin, VersionedMixin
from p2c.extensions import db


class Goal(TimestampMixin, VersionedMixin, db.Model):
    """A coalition goal: a metric (USD value, pledges, or an indicator) to reach by a date."""

    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # The team's translations of a custom title, {"fr": "...", ...} (p2c.core.i18n.team_translation).
    title_translations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    # "usd_value", "pledges", "organizations", or "indicator" with indicator_code set.
    metric: Mapped[str] = mapped_column(String(20))
    indicator_code: Mapped[str | None] = mapped_column(ForeignKey("indicator.code"))
    target_value: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    target_date: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Which pledges the goal counts: "active" (not inactive: reported or approved within 24 months) or
    # "all_time" (every approved pledge). Both are shown; this says which one the bar and share use.
    counts: Mapped[str] = mapped_column(String(10), default="active", server_default="active")
    position: Mapped[int] = mapped_column(Integer, default=0)
