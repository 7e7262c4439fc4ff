"""Limits and choices for pledges, shared by the HTML form, the API schemas and the importer."""

from __future__ import annotations

from decimal import Decimal

# The lead organization's and focal point's fields take the organization and contact limits.
from p2c.core.text import EMAIL_MAX, PHONE_MAX, WEBSITE_MAX  # noqa: F401 - read as C.EMAIL_MAX ...
from p2c.members.constants import ACRONYM_MAX, ORG_NAME_MAX, PERSON_NAME_MAX  # noqa: F401

TITLE_MAX = 300
DESCRIPTION_MAX = 5000
DESCRIPTION_MIN = 20
AMOUNT_MAX = Decimal(10) ** 13  # exclusive upper bound
TARGET_VALUE_MAX = Decimal(10) ** 15
MIN_YEAR = 2020
MAX_YEAR = 2040
MAX_TARGETS = 10
# Qualitative targets: a milestone with a date instead of a number (a law adopted, a policy published...).
MILESTONE_KINDS = ("law", "policy", "strategy", "other")
MAX_MILESTONES = 10
MILESTONE_MAX = 300
MAX_PARTNERS = 20
MAX_COUNTRIES = 250
PLEDGE_LANGUAGES = ("en", "ar", "es", "fr", "ru", "zh")
REFERENCE_PREFIX = "P2C"


def pledge_reference(year: int, pledge_id: int) -> str:
    """The public reference of a pledge, e.g. P2C-2026-00042 (unique because the id is)."""
    return f"{REFERENCE_PREFIX}-{year}-{pledge_id:05d}"
