"""Limits and choices for pledges, shared by the HTML form, the API schemas and the importer."""

from __future__ import annotations

from decimal import Decimal

TITLE_MAX = 300
DESCRIPTION_MAX = 5000
DESCRIPTION_MIN = 20
ORG_NAME_MAX = 250
ACRONYM_MAX = 40
WEBSITE_MAX = 300
PERSON_NAME_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 40
AMOUNT_MAX = Decimal(10) ** 13  # exclusive upper bound
TARGET_VALUE_MAX = Decimal(10) ** 15
MIN_YEAR = 2020
MAX_YEAR = 2040
MAX_TARGETS = 10
MAX_PARTNERS = 20
MAX_COUNTRIES = 250
PLEDGE_LANGUAGES = ("en", "ar", "es", "fr", "ru", "zh")
REFERENCE_PREFIX = "P2C"


def pledge_reference(year: int, pledge_id: int) -> str:
    """The public reference of a pledge, e.g. P2C-2026-00042 (unique because the id is)."""
    return f"{REFERENCE_PREFIX}-{year}-{pledge_id:05d}"


def eoi_reference(year: int, eoi_id: int) -> str:
    """The reference of an expression of interest, e.g. EOI-2026-00007."""
    return f"EOI-{year}-{eoi_id:05d}"
