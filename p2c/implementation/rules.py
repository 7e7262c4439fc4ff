"""Limits and checks of a progress report, shared by the HTML form and the API schema.

Single-field limits are constants; the checks that need the pledge (which periods, which targets,
disbursement above the pledged value) are plain functions returning {field: message}, so the form
and the schema give the same messages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from flask_babel import format_decimal, format_number
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

from p2c.pledges.constants import AMOUNT_MAX, MIN_YEAR, TARGET_VALUE_MAX
from p2c.pledges.models import Pledge

NARRATIVE_MIN = 20
NARRATIVE_MAX = 5000
EXPLANATION_MAX = 2000
MAX_EVIDENCE_LINKS = 10
EVIDENCE_URL_MAX = 500
# progress_beneficiary.people_reached is a 32-bit INTEGER (at most 2,147,483,647 on PostgreSQL): stay below.
PEOPLE_MAX = 2_000_000_000
DISBURSED_MAX = AMOUNT_MAX
ACHIEVED_MAX = TARGET_VALUE_MAX


def people_max_message() -> str:
    """Why a people-reached count is refused when above PEOPLE_MAX, the limit in the reader's number format."""
    return _("Enter at most %(max)s people.", max=format_number(PEOPLE_MAX))


# The same message for the form and the schema, translated when it is shown (not at import).
PEOPLE_TOO_MANY = LazyString(people_max_message)


def allowed_periods(pledge: Pledge, today: date | None = None) -> list[int]:
    """Years a report may cover: from the pledge's first year to this year, newest first."""
    today = today or date.today()  # noqa: DTZ011 - a calendar year, the server's date is fine
    first = min(y for y in (pledge.start_year, pledge.pledged_on.year if pledge.pledged_on else None, today.year)
                if y is not None)
    first = max(first, MIN_YEAR)
    return list(range(today.year, first - 1, -1))


def evidence_link_error(url: str) -> str | None:
    """Why `url` is not an acceptable evidence link, or None."""
    if len(url) > EVIDENCE_URL_MAX:
        return _("A link can be at most %(max)d characters long.", max=EVIDENCE_URL_MAX)
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or " " in url \
            or "." not in (parts.hostname or ""):
        return _("“%(url)s” is not a web address starting with http:// or https://.", url=url[:80])
    return None


def evidence_links_errors(links: list[str]) -> list[str]:
    """Messages for a list of evidence links (too many, or not http/https URLs)."""
    errors = []
    if len(links) > MAX_EVIDENCE_LINKS:
        errors.append(_("Give at most %(max)d links.", max=MAX_EVIDENCE_LINKS))
    for url in links:
        message = evidence_link_error(url)
        if message:
            errors.append(message)
    return errors


def split_links(text: str) -> list[str]:
    """Links typed one per line (blank lines ignored, duplicates dropped, order kept)."""
    seen: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line and line not in seen:
            seen.append(line)
    return seen


def cross_field_errors(pledge: Pledge, data: dict, today: date | None = None) -> dict[str, str]:
    """Checks that need the pledge: the period, the targets, and disbursement above the pledged value.

    `data` is the validated plain data (see services.file_report). Returns {field: message}.
    """
    errors: dict[str, str] = {}
    if data.get("period") not in allowed_periods(pledge, today):
        periods = allowed_periods(pledge, today)
        errors["period"] = _("Choose a year between %(first)d and %(last)d.", first=periods[-1], last=periods[0])
    target_ids = {t.id for t in pledge.targets}
    unknown = [tid for tid in (data.get("values") or {}) if tid not in target_ids]
    if unknown:
        errors["values"] = _("Report only on this pledge's own targets.")
    disbursed: Decimal | None = data.get("usd_disbursed")
    if (
        disbursed is not None
        and pledge.usd_value is not None
        and disbursed > pledge.usd_value
        and not (data.get("disbursement_explanation") or "").strip()
    ):
        errors["disbursement_explanation"] = _(
            "The amount disbursed is above the pledged value (%(value)s USD): please explain why.",
            value=format_decimal(pledge.usd_value, format="#,##0"),
        )
    return errors
