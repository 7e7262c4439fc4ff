"""The ledger as open data: one row per disbursement entry of an approved progress report of an
approved pledge (`/data/ledger.csv`, `.json`, `.xlsx`), with its data dictionary on /data.

The same column definitions (`p2c.opendata.columns.Column`) and cell encoders as the pledge exports;
streamed in keyset batches of entries; the directory's filters narrow it to the entries of the
matching pledges. Summing `usd_value` gives the "disbursed" figures of /progress and /api/v1/progress.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.implementation.ledger import INSTRUMENTS, finance_type
from p2c.implementation.models import DisbursementEntry, ProgressReport
from p2c.members.models import Organization
from p2c.opendata.columns import Column, Kind
from p2c.opendata.exports import table_csv_chunks, table_json_chunks, table_xlsx_chunks
from p2c.opendata.records import PledgeFilter
from p2c.pledges.models import Pledge
from p2c.reference.models import Country

BATCH = 5000
LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("entry_id", _l("Number of the ledger entry."), Kind.INTEGER),
    Column("pledge", _l("Public reference of the pledge."), Kind.TEXT),
    Column("report", _l("Reference of the approved progress report that states the entry."), Kind.TEXT),
    Column("report_period", _l("Year the progress report is about."), Kind.INTEGER),
    Column("year", _l("Year the amount was disbursed."), Kind.INTEGER),
    Column("amount", _l("Amount disbursed, in its currency."), Kind.DECIMAL),
    Column("currency", _l("ISO 4217 currency of the amount."), Kind.CODE, values_from="currencies"),
    Column("usd_rate", _l("US dollars per unit of the currency: the yearly average of usd_rate_year."),
           Kind.DECIMAL, places=10),
    Column("usd_rate_year", _l("Year of the average exchange rate used (the entry's year, or the nearest "
                               "earlier year with a rate)."), Kind.INTEGER),
    Column("usd_value", _l("Amount in US dollars, rounded to the cent; the progress page's disbursed figures "
                           "are sums of this column."), Kind.DECIMAL),
    Column("recipient", _l("Where it went: an ISO 3166-1 alpha-3 country, an ITU region code, or global; "
                           "empty when not stated (totals migrated from before the ledger)."), Kind.CODE),
    Column("recipient_region", _l("ITU region of the recipient country, or the region named."), Kind.CODE,
           allowed="AFR, AMS, ARB, ASP, CIS, EUR, OE, global"),
    Column("instrument", _l("Financial instrument."), Kind.CODE, allowed=", ".join(INSTRUMENTS)),
    Column("iati_finance_type", _l("IATI FinanceType code of the instrument (empty for other)."), Kind.CODE,
           allowed="110, 421, 510, 1100"),
    Column("cofinancing", _l("Co-financing mobilized from others."), Kind.BOOLEAN),
    Column("migrated", _l("Made from a report's former disbursed-to-date total (no country or instrument)."),
           Kind.BOOLEAN),
    Column("lead_organization", _l("Name of the lead organization of the pledge."), Kind.TEXT),
    Column("lead_organization_stakeholder_group", _l("Stakeholder group of the lead organization."), Kind.CODE,
           values_from="stakeholder_groups"),
    Column("focus_area", _l("Primary P2C focus area of the pledge."), Kind.CODE, values_from="focus_areas"),
    Column("pledge_type", _l("Type of pledge."), Kind.CODE, values_from="pledge_types"),
    Column("report_approved_at", _l("When the coalition team approved the report."), Kind.DATETIME),
)
NAMES = tuple(c.name for c in LEDGER_COLUMNS)


def _select():
    recipient_country = aliased(Country)
    return (
        select(DisbursementEntry.id, Pledge.reference.label("pledge"), ProgressReport.reference.label("report"),
               ProgressReport.period, DisbursementEntry.year, DisbursementEntry.amount,
               DisbursementEntry.currency_code, DisbursementEntry.usd_rate, DisbursementEntry.usd_rate_year,
               DisbursementEntry.usd_value, DisbursementEntry.recipient, recipient_country.itu_region,
               DisbursementEntry.instrument, DisbursementEntry.cofinancing, DisbursementEntry.migrated,
               Organization.name.label("lead"), Organization.stakeholder_group_code, Pledge.focus_area_code,
               Pledge.pledge_type_code, ProgressReport.approved_at)
        .join(ProgressReport, ProgressReport.id == DisbursementEntry.report_id)
        .join(Pledge, Pledge.id == DisbursementEntry.pledge_id)
        .join(Organization, Organization.id == Pledge.lead_organization_id)
        .outerjoin(recipient_country, recipient_country.iso3 == DisbursementEntry.recipient)
        .where(ProgressReport.status == ReviewStatus.APPROVED, Pledge.status == ReviewStatus.APPROVED)
    )


def _record(row) -> dict[str, Any]:
    region = row.itu_region if row.itu_region is not None else (row.recipient or None)
    return {
        "entry_id": row.id, "pledge": row.pledge, "report": row.report, "report_period": row.period,
        "year": row.year, "amount": row.amount, "currency": row.currency_code, "usd_rate": row.usd_rate,
        "usd_rate_year": row.usd_rate_year, "usd_value": row.usd_value, "recipient": row.recipient or None,
        "recipient_region": region, "instrument": row.instrument, "iati_finance_type": finance_type(row.instrument),
        "cofinancing": bool(row.cofinancing), "migrated": bool(row.migrated), "lead_organization": row.lead,
        "lead_organization_stakeholder_group": row.stakeholder_group_code, "focus_area": row.focus_area_code,
        "pledge_type": row.pledge_type_code, "report_approved_at": row.approved_at,
    }


def iter_ledger(pledge_filter: PledgeFilter | None = None, batch: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    """The ledger's records, `batch` entries at a time, by entry id (keyset)."""
    last = 0
    while True:
        stmt = _select()
        if pledge_filter is not None:
            stmt = pledge_filter(stmt)
        rows = db.session.connection().execute(
            stmt.where(DisbursementEntry.id > last).order_by(DisbursementEntry.id).limit(batch)).all()
        if not rows:
            return
        yield [_record(r) for r in rows]
        last = rows[-1].id
        if len(rows) < batch:
            return


def csv_chunks(pledge_filter: PledgeFilter | None = None) -> Iterator[bytes]:
    """The ledger as CSV (RFC 4180, UTF-8, CRLF; formula-like cells protected)."""
    return table_csv_chunks(LEDGER_COLUMNS, iter_ledger(pledge_filter))


def json_chunks(pledge_filter: PledgeFilter | None = None) -> Iterator[bytes]:
    """The ledger as one JSON array of objects (decimals as strings)."""
    return table_json_chunks(LEDGER_COLUMNS, iter_ledger(pledge_filter))


def xlsx_chunks(pledge_filter: PledgeFilter | None = None) -> Iterator[bytes]:
    """The ledger as one XLSX sheet "ledger"."""
    return table_xlsx_chunks("ledger", LEDGER_COLUMNS, iter_ledger(pledge_filter))


LEDGER_FORMATS = {
    "csv": ("text/csv", "ledger.csv", csv_chunks),
    "json": ("application/json", "ledger.json", json_chunks),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ledger.xlsx", xlsx_chunks),
}
