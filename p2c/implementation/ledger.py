"""The financial commitments ledger: the rules of a disbursement entry, shared by the report form and
the API schema, and the conversion of an entry to USD.

An entry (plain data): amount (Decimal, in `currency`), currency (ISO 4217, the pledge's by default),
year (the year it was disbursed, at most the report's period), recipient (ISO3 country, ITU region code
or "global"), instrument (INSTRUMENTS) and cofinancing (mobilized from others). Its USD value uses the
yearly average rate of its year (`p2c.reference.queries.usd_rate`: that year, else the nearest earlier).
A pledge's disbursed to date is the sum of the USD values of the entries of its approved reports.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from p2c.core.enums import ReviewStatus
from p2c.core.i18n import country_name
from p2c.core.numbers import currency_precision_error
from p2c.extensions import db
from p2c.implementation.models import DisbursementEntry, ProgressReport
from p2c.pledges.constants import AMOUNT_MAX
from p2c.pledges.models import Pledge
from p2c.reference.models import Country
from p2c.reference.queries import to_usd, usd_rate
from p2c.reference.regions import ITU_REGIONS, region_name

# instrument code -> (label, IATI FinanceType code or None). FinanceType (IATI 2.03 codelist):
# 110 Standard grant, 421 Standard loan, 510 Common equity, 1100 Guarantees/insurance. In-kind and
# technical assistance are grants in kind (110); "other" has no finance type.
INSTRUMENTS: dict[str, tuple[object, str | None]] = {
    "grant": (_l("Grant"), "110"),
    "loan": (_l("Loan"), "421"),
    "equity": (_l("Equity"), "510"),
    "guarantee": (_l("Guarantee"), "1100"),
    "in_kind": (_l("In-kind or technical assistance"), "110"),
    "other": (_l("Other"), None),
}
GLOBAL = "global"
MAX_ENTRIES = 50
AMOUNT_LIMIT = AMOUNT_MAX


def instrument_name(code: str) -> str:
    """The reader's-language name of an instrument."""
    entry = INSTRUMENTS.get(code)
    return str(entry[0]) if entry else code


def finance_type(code: str) -> str | None:
    """The IATI FinanceType code of an instrument (None for "other")."""
    entry = INSTRUMENTS.get(code)
    return entry[1] if entry else None


def recipient_name(code: str) -> str:
    """A recipient as the reader reads it: a country's name, a region's, "Global", or "Not stated"."""
    if not code:
        return _("Not stated")
    if code == GLOBAL:
        return _("Global")
    if code in ITU_REGIONS:
        return region_name(code)
    return country_name(code)


def known_recipients() -> set[str]:
    """Every recipient code an entry may name."""
    return set(db.session.scalars(select(Country.iso3))) | set(ITU_REGIONS) | {GLOBAL}


def entry_errors(entry: dict, pledge: Pledge, period: int | None, recipients: set[str]) -> list[str]:
    """Why one entry is refused (empty list when it is acceptable). Amount limits are the reader's."""
    errors = []
    if entry.get("amount") is None or entry["amount"] <= 0:
        errors.append(_("Enter the amount disbursed, above zero."))
    elif message := currency_precision_error(entry["amount"], entry.get("currency")):
        errors.append(message)
    if entry.get("currency") and entry.get("year") and usd_rate(entry["currency"], date(entry["year"], 1, 1)) is None:
        errors.append(_("No exchange rate is known for %(currency)s: choose another currency.",
                        currency=entry["currency"]))
    year = entry.get("year")
    first = min(y for y in (pledge.start_year, pledge.pledged_on.year if pledge.pledged_on else None, period or 0)
                if y)
    if year is None or (period is not None and not first <= year <= period):
        errors.append(_("The year of a disbursement must be between %(first)d and the year reported on, %(last)d.",
                        first=first, last=period or 0))
    if entry.get("recipient") not in recipients:
        errors.append(_("Choose the country or region that received it, or “Global”."))
    if entry.get("instrument") not in INSTRUMENTS:
        errors.append(_("Choose the instrument."))
    return errors


def entries_errors(entries: list[dict], pledge: Pledge, period: int | None) -> dict[int, list[str]]:
    """{entry index: messages} for a report's entries."""
    if len(entries) > MAX_ENTRIES:
        return {MAX_ENTRIES: [_("Give at most %(max)d disbursements in one report.", max=MAX_ENTRIES)]}
    recipients = known_recipients()
    found = {}
    for i, entry in enumerate(entries):
        errors = entry_errors(entry, pledge, period, recipients)
        if errors:
            found[i] = errors
    return found


def converted(entry: dict) -> DisbursementEntry:
    """A new entry row (not added to the session), with its USD rate of the entry's year and USD value."""
    rate, rate_year = usd_rate(entry["currency"], date(entry["year"], 1, 1))
    return DisbursementEntry(
        amount=entry["amount"], currency_code=entry["currency"], year=entry["year"],
        recipient=entry["recipient"], instrument=entry["instrument"], cofinancing=bool(entry.get("cofinancing")),
        usd_rate=rate, usd_rate_year=rate_year, usd_value=to_usd(entry["amount"], rate), migrated=False,
    )


def usd_of(entries: list[dict]) -> Decimal:
    """The USD value of plain entries (each converted at its year's rate, rounded to cents, then added)."""
    total = Decimal("0.00")
    for entry in entries:
        found = usd_rate(entry["currency"], date(entry["year"], 1, 1))
        if found is not None and entry.get("amount") is not None:
            total += to_usd(entry["amount"], found[0])
    return total


def approved_usd_before(pledge_id: int, exclude_report_id: int | None = None) -> Decimal:
    """The USD value of the entries of the pledge's approved reports (other than `exclude_report_id`)."""
    query = (select(func.coalesce(func.sum(DisbursementEntry.usd_value), 0))
             .join(ProgressReport, ProgressReport.id == DisbursementEntry.report_id)
             .where(DisbursementEntry.pledge_id == pledge_id, ProgressReport.status == ReviewStatus.APPROVED))
    if exclude_report_id is not None:
        query = query.where(DisbursementEntry.report_id != exclude_report_id)
    return Decimal(db.session.scalar(query) or 0).quantize(Decimal("0.01"))


def running_total(pledge: Pledge, entries: list[dict], exclude_report_id: int | None = None) -> Decimal | None:
    """Disbursed to date once a report with `entries` is approved (None when nothing was ever disbursed)."""
    total = approved_usd_before(pledge.id, exclude_report_id) + usd_of(entries)
    return total if total or entries else None


def fulfilment(pledge: Pledge) -> dict | None:
    """{pledged_usd, disbursed_usd, share} for a pledge with a money value (None otherwise); decimals as
    strings, the share with 4 decimals (None when the pledged value is 0)."""
    if pledge.usd_value is None:
        return None
    disbursed = approved_usd_before(pledge.id)
    share = (disbursed / pledge.usd_value).quantize(Decimal("0.0001")) if pledge.usd_value else None
    return {"pledged_usd": str(Decimal(pledge.usd_value).quantize(Decimal("0.01"))), "disbursed_usd": str(disbursed),
            "share": None if share is None else str(share)}
