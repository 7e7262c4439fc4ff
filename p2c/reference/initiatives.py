"""WTDC-25 regional initiatives (2026-2029): reference data a pledge can be aligned with.

Codes are stable keys (AFR1 ... EUR5; the Arab States' six priorities are ARB1-ARB6 in the order of
the WTDC-25 text). Titles are stored per language: the shipped file carries the English wording
(DOMAIN.md) only, because no official translation of these titles is shipped yet; admins add the
official translations as ITU publishes them. A page shows the reader's language when it exists and
otherwise the English title, marked as English (`lang="en"` and a note).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from p2c.extensions import db

LANGUAGES = ("en", "ar", "es", "fr", "ru", "zh")
PERIOD = (2026, 2029)


class RegionalInitiative(db.Model):
    """One WTDC-25 regional initiative of an ITU region, with its title in up to six languages."""

    __tablename__ = "regional_initiative"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    region: Mapped[str] = mapped_column(String(3), index=True)
    number: Mapped[int] = mapped_column(Integer, default=0)
    title_en: Mapped[str] = mapped_column(String(300))
    title_ar: Mapped[str] = mapped_column(String(300), default="")
    title_es: Mapped[str] = mapped_column(String(300), default="")
    title_fr: Mapped[str] = mapped_column(String(300), default="")
    title_ru: Mapped[str] = mapped_column(String(300), default="")
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    period_start: Mapped[int] = mapped_column(Integer, default=PERIOD[0])
    period_end: Mapped[int] = mapped_column(Integer, default=PERIOD[1])
    active: Mapped[bool] = mapped_column(Boolean, default=True)


@dataclass(frozen=True)
class Initiative:
    """An initiative as plain data, with its title in the reader's language (or English, flagged)."""

    code: str
    region: str
    number: int
    title: str
    title_lang: str  # the language the title is written in ("en" when no translation exists)
    period_start: int
    period_end: int
    active: bool

    @property
    def in_english_only(self) -> bool:
        """The title is shown in English because the reader's language has none."""
        return self.title_lang == "en"


def title_in(record, lang: str) -> tuple[str, str]:
    """(title, its language): the reader's language when filled in, else English."""
    if lang in LANGUAGES and lang != "en":
        value = (getattr(record, f"title_{lang}", "") or "").strip()
        if value:
            return value, lang
    return record.title_en, "en"


def _plain(record: RegionalInitiative, lang: str) -> Initiative:
    title, title_lang = title_in(record, lang)
    return Initiative(record.code, record.region, record.number, title, title_lang, record.period_start,
                      record.period_end, record.active)


def initiatives(lang: str, *, region: str | None = None, active_only: bool = False) -> list[Initiative]:
    """Initiatives by region and number, titled in `lang`."""
    stmt = select(RegionalInitiative).order_by(RegionalInitiative.region, RegionalInitiative.number,
                                               RegionalInitiative.code)
    if region is not None:
        stmt = stmt.where(RegionalInitiative.region == region)
    if active_only:
        stmt = stmt.where(RegionalInitiative.active.is_(True))
    return [_plain(r, lang) for r in db.session.scalars(stmt)]


def initiative_title_langs(lang: str) -> dict[str, tuple[str, str]]:
    """code -> (title, its language: `lang`, or "en" where `lang` has none), so pages can mark English."""
    return {r.code: title_in(r, lang) for r in db.session.scalars(select(RegionalInitiative))}


def initiative_codes(active_only: bool = False) -> set[str]:
    """Every initiative code (active ones only when asked: what the pledge form accepts)."""
    stmt = select(RegionalInitiative.code)
    if active_only:
        stmt = stmt.where(RegionalInitiative.active.is_(True))
    return set(db.session.scalars(stmt))
