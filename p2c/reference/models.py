"""Reference tables. Codes are stable keys; English names are gettext msgids (see i18n)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from p2c.extensions import db


class Country(db.Model):
    """An ISO 3166-1 country or territory with its ITU region and UN groups."""

    __tablename__ = "country"

    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    iso2: Mapped[str] = mapped_column(String(2), unique=True)
    m49: Mapped[str] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(String(120))
    itu_region: Mapped[str] = mapped_column(String(3), index=True)
    ldc: Mapped[bool] = mapped_column(Boolean, default=False)
    lldc: Mapped[bool] = mapped_column(Boolean, default=False)
    sids: Mapped[bool] = mapped_column(Boolean, default=False)
    itu_member: Mapped[bool] = mapped_column(Boolean, default=False)


class FocusArea(db.Model):
    """One of the four P2C focus areas (connect, empower, ecosystems, investment)."""

    __tablename__ = "focus_area"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    official_name: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)

    pillars: Mapped[list[Pillar]] = relationship(
        back_populates="focus_area", order_by="Pillar.position", lazy="selectin"
    )


class Pillar(db.Model):
    """A pillar of a focus area. Data, not code: admins can add and retire pillars."""

    __tablename__ = "pillar"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    focus_area_code: Mapped[str] = mapped_column(ForeignKey("focus_area.code"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    focus_area: Mapped[FocusArea] = relationship(back_populates="pillars")


class _CodeName:
    """Columns shared by the simple code/name reference lists."""

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class PledgeType(_CodeName, db.Model):
    """programmatic, advocacy, policy, financial."""

    __tablename__ = "pledge_type"


class StakeholderGroup(_CodeName, db.Model):
    """Government, private sector, civil society, academia, ..."""

    __tablename__ = "stakeholder_group"


class BeneficiaryGroup(_CodeName, db.Model):
    """Women and girls, youth, persons with disabilities, ..."""

    __tablename__ = "beneficiary_group"


class Sdg(db.Model):
    """A Sustainable Development Goal, 1 to 17."""

    __tablename__ = "sdg"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))


class WsisLine(_CodeName, db.Model):
    """A WSIS Action Line, C1 to C11."""

    __tablename__ = "wsis_line"


class Indicator(db.Model):
    """A quantified-target indicator tied to the 2030 targets (people connected, USD invested...)."""

    __tablename__ = "indicator"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40))
    focus_area_code: Mapped[str | None] = mapped_column(ForeignKey("focus_area.code"))
    umc_target: Mapped[str] = mapped_column(Text, default="")
    # The 2030 gap this indicator contributes to (e.g. 2.2 bn people offline), when one is published.
    gap_value: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    gap_source: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Currency(db.Model):
    """An ISO 4217 currency."""

    __tablename__ = "currency"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    numeric: Mapped[str] = mapped_column(String(3), default="")


class ExchangeRate(db.Model):
    """Yearly average value of one unit of a currency in USD, with its source."""

    __tablename__ = "exchange_rate"
    __table_args__ = (UniqueConstraint("currency_code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    currency_code: Mapped[str] = mapped_column(ForeignKey("currency.code"))
    year: Mapped[int] = mapped_column(Integer)
    usd_per_unit: Mapped[Decimal] = mapped_column(Numeric(20, 10))
    source: Mapped[str] = mapped_column(Text, default="")
    as_of: Mapped[date | None] = mapped_column(Date)


class Event(_CodeName, db.Model):
    """A pledging moment (WTDC-22, WSIS+20...), admin-managed, for 'announced at'; its page is /events/<slug>."""

    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
    )

    slug: Mapped[str | None] = mapped_column(String(80), unique=True)
    # p2c.core.enums.EventKind values (wsis_forum, wtdc, regional_forum, p2c_annual, other).
    kind: Mapped[str] = mapped_column(String(20), default="other")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(120), default="")
    # Issued by admins for a pledging event: delegates sharing the venue's address who send it with the
    # form are limited per person, not per address (p2c.core.limits). Cleared after the event.
    access_code: Mapped[str | None] = mapped_column(String(40))
    # The team's translations of the name, {"fr": "...", ...}: first choice on every page, before the
    # catalog's translation of a shipped name (p2c.core.i18n.reference_translation).
    name_translations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")


class SdgTarget(db.Model):
    """An SDG target (goal.target, e.g. 9.c), the level at which WSIS roadmaps monitor alignment."""

    __tablename__ = "sdg_target"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    sdg_number: Mapped[int] = mapped_column(ForeignKey("sdg.number"), index=True)
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # As Event.name_translations; admins edit targets at /admin/sdg-targets.
    name_translations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    # A retired target is not offered on the pledge form; pledges that name it keep it.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class GdcObjective(_CodeName, db.Model):
    """One of the five objectives of the Global Digital Compact (UN, September 2024)."""

    __tablename__ = "gdc_objective"

    name_translations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class ReferenceSource(db.Model):
    """Where each shipped reference file came from, and as of when (shown on /data)."""

    __tablename__ = "reference_source"

    dataset: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    as_of: Mapped[str] = mapped_column(String(40))
    rows: Mapped[int] = mapped_column(Integer, default=0)
