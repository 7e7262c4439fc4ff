"""Limits and codes of the matchmaking feature, shared by its form, services and API schema."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from p2c.core.enums import RichEnum

TITLE_MAX = 200
AUTHORITY_MAX = 250
DESCRIPTION_MIN = 20
DESCRIPTION_MAX = 3000
UNIT_MAX = 80
MESSAGE_MAX = 2000
QUANTITY_UPPER = 10**12
YEAR_MIN = 2024
YEAR_MAX = 2035
# Candidates shown on a need page, and the bounded set the SQL pre-filter hands to the scoring.
SHOWN = 10
PREFILTER_LIMIT = 300


class SubmitterKind(RichEnum):
    """Who may submit a need."""

    GOVERNMENT = "government", _l("Government ministry or agency")
    REGULATOR = "regulator", _l("Regulator")
    ITU_OFFICE = "itu_office", _l("ITU regional or area office")


class IntroductionStatus(RichEnum):
    """An introduction request, from the ask to its outcome."""

    REQUESTED = "requested", _l("Requested")
    INTRODUCED = "introduced", _l("Introduced")
    PLEDGE_MADE = "pledge_made", _l("Pledge made")
    DECLINED = "declined", _l("Declined")


OUTCOMES = (IntroductionStatus.PLEDGE_MADE, IntroductionStatus.DECLINED)


class Side(RichEnum):
    """Which side asked for an introduction."""

    NEED = "need", _l("The need's submitter")
    PLEDGE = "pledge", _l("The pledger")


def need_reference(year: int, need_id: int) -> str:
    """The reference of a need, e.g. NEED-2026-00007."""
    return f"NEED-{year}-{need_id:05d}"
