"""The task-force view: pledged versus disbursed per year and per recipient country, with the share of
pledges that reported, for any period (the page and its CSV, fit to cite).

Definitions (stated on the page and in the CSV's notes):
- pledged in year Y: the USD value of approved pledges whose pledge date falls in Y;
- disbursed in year Y: the USD value of the ledger entries of approved reports disbursed in Y;
- pledges expected to report on Y: approved pledges pledged on or before 31 December Y;
  reported: those with an approved progress report on period Y;
- per country: disbursed there in the period (entries naming the country), and pledged in the period
  by pledges targeting it (a multi-country pledge counts in full in each: rows do not add up).
Computed with a few GROUP BY queries over the period (not the rollups: any period may be asked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, cast, distinct, func, select

from p2c.core.enums import ReviewStatus
from p2c.core.numbers import money
from p2c.extensions import db
from p2c.implementation.models import DisbursementEntry, ProgressReport
from p2c.pledges.models import Pledge, pledge_country
from p2c.reference.models import Country


@dataclass
class Period:
    first: int
    last: int

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))


def _cents(column):
    return cast(func.round(column * 100), BigInteger)


def _year(column):
    if db.session.connection().dialect.name == "postgresql":
        return cast(func.extract("year", column), BigInteger)
    return cast(func.strftime("%Y", column), BigInteger)


def _ratio(part: int, whole: int) -> str | None:
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))) if whole else None


def by_year(period: Period) -> list[dict]:
    """One row per year of the period: pledged, disbursed, share, pledges expected and reported."""
    approved = Pledge.status == ReviewStatus.APPROVED
    year = _year(Pledge.pledged_on)
    pledged = dict(db.session.execute(
        select(year, func.sum(_cents(func.coalesce(Pledge.usd_value, 0))))
        .where(approved, year.between(period.first, period.last)).group_by(year)).all())
    disbursed = dict(db.session.execute(
        select(DisbursementEntry.year, func.sum(_cents(DisbursementEntry.usd_value)))
        .join(ProgressReport, ProgressReport.id == DisbursementEntry.report_id)
        .join(Pledge, Pledge.id == DisbursementEntry.pledge_id)
        .where(ProgressReport.status == ReviewStatus.APPROVED, approved,
               DisbursementEntry.year.between(period.first, period.last))
        .group_by(DisbursementEntry.year)).all())
    reported = dict(db.session.execute(
        select(ProgressReport.period, func.count(distinct(ProgressReport.pledge_id)))
        .join(Pledge, Pledge.id == ProgressReport.pledge_id)
        .where(ProgressReport.status == ReviewStatus.APPROVED, approved,
               ProgressReport.period.between(period.first, period.last))
        .group_by(ProgressReport.period)).all())
    rows = []
    for y in period.years:
        expected = db.session.scalar(select(func.count()).select_from(Pledge).where(
            approved, Pledge.pledged_on <= date(y, 12, 31))) or 0
        p, d = int(pledged.get(y) or 0), int(disbursed.get(y) or 0)
        n = int(reported.get(y) or 0)
        rows.append({"year": y, "pledged_usd": money(p), "disbursed_usd": money(d), "share": _ratio(d, p),
                     "pledges_expected": expected, "pledges_reported": n, "share_reported": _ratio(n, expected)})
    return rows


def by_country(period: Period) -> list[dict]:
    """One row per recipient country with a disbursement or a pledge in the period, most disbursed first."""
    approved = Pledge.status == ReviewStatus.APPROVED
    disbursed = dict(db.session.execute(
        select(DisbursementEntry.recipient, func.sum(_cents(DisbursementEntry.usd_value)))
        .join(ProgressReport, ProgressReport.id == DisbursementEntry.report_id)
        .join(Pledge, Pledge.id == DisbursementEntry.pledge_id)
        .join(Country, Country.iso3 == DisbursementEntry.recipient)
        .where(ProgressReport.status == ReviewStatus.APPROVED, approved,
               DisbursementEntry.year.between(period.first, period.last))
        .group_by(DisbursementEntry.recipient)).all())
    year = _year(Pledge.pledged_on)
    pledged = {iso3: (int(n), int(u or 0)) for iso3, n, u in db.session.execute(
        select(pledge_country.c.country_iso3, func.count(), func.sum(_cents(func.coalesce(Pledge.usd_value, 0))))
        .join(Pledge, Pledge.id == pledge_country.c.pledge_id)
        .where(approved, year.between(period.first, period.last))
        .group_by(pledge_country.c.country_iso3))}
    rows = []
    for iso3 in set(disbursed) | set(pledged):
        n, p = pledged.get(iso3, (0, 0))
        d = int(disbursed.get(iso3) or 0)
        rows.append({"country": iso3, "pledges": n, "pledged_usd": money(p), "disbursed_usd": money(d),
                     "share": _ratio(d, p)})
    rows.sort(key=lambda r: (-Decimal(r["disbursed_usd"]), -Decimal(r["pledged_usd"]), r["country"]))
    return rows


def csv_rows(period: Period, years: list[dict] | None = None, countries: list[dict] | None = None
             ) -> list[list[str]]:
    """The CSV: section,key,metric,value (long format, like the published reports' CSV)."""
    out = [["section", "key", "metric", "value"],
           ["period", "", "from", str(period.first)], ["period", "", "to", str(period.last)]]
    for row in by_year(period) if years is None else years:
        for metric in ("pledged_usd", "disbursed_usd", "share", "pledges_expected", "pledges_reported",
                       "share_reported"):
            out.append(["by_year", str(row["year"]), metric, "" if row[metric] is None else str(row[metric])])
    for row in by_country(period) if countries is None else countries:
        for metric in ("pledges", "pledged_usd", "disbursed_usd", "share"):
            out.append(["by_country", row["country"], metric, "" if row[metric] is None else str(row[metric])])
    return out
