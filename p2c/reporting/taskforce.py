"""The task-force view: pledged versus disbursed per year and per recipient country, with the share of
pledges that reported, for any period (the page and its CSV, fit to cite).

Definitions (stated on the page and in the CSV's notes):
- pledged in year Y: the USD value of approved pledges whose pledge date falls in Y;
- disbursed in year Y: the USD value of the ledger entries of approved reports disbursed in Y;
- pledges expected to report on Y: approved pledges pledged on or before 31 December Y;
  reported: those with an approved progress report on period Y;
- per country: disbursed there in the period (entries naming the country), and pledged in the period
  by pledges targeting it (a multi-country pledge counts in full in each: rows do not add up).
From the rollups (p2c.reporting.contributions.TASKFORCE_DIMENSIONS with `pledged_month` and `disb_year`:
a few hundred rows whatever the period, so an approval costs the next read nothing; GROUP BY queries over
every pledge, report and ledger entry took 112 s cold at a million pledges). From the tables with
`direct=True` (tests, the daily check_figures job) or while the rollups are not yet in this release's
layout (p2c.reporting.layout.layout_current). Both count public pledges only (`public_clause`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import BigInteger, cast, distinct, func, select

from p2c.core.enums import ReviewStatus
from p2c.core.numbers import money
from p2c.extensions import db
from p2c.implementation.models import DisbursementEntry, ProgressReport
from p2c.pledges.models import Pledge, pledge_country
from p2c.pledges.visibility import public_clause
from p2c.reference.models import Country
from p2c.reporting.contributions import DISB_COUNTRY_YEAR, PLEDGED_MONTH, REPORTED_PERIOD, TF_COUNTRY_YEAR
from p2c.reporting.layout import layout_current
from p2c.rollups.models import Rollup


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


def _use_tables(direct: bool) -> bool:
    return direct or not layout_current()


def _rollup(dimension: str) -> list[tuple[str, int, int, int]]:
    """(key, pledges, usd cents, amount cents) of one rollup dimension."""
    return [(k, int(n), int(u), int(a)) for k, n, u, a in db.session.execute(
        select(Rollup.key, Rollup.pledges, Rollup.usd_cents, Rollup.amount_cents)
        .where(Rollup.dimension == dimension))]


def _year_figures_rollups(period: Period) -> tuple[dict, dict, dict, dict]:
    """pledged cents, disbursed cents, reported pledges per year of the period, and pledges per pledge
    year (every year: the expected count is cumulative)."""
    pledged: dict[int, int] = defaultdict(int)
    per_year: dict[int, int] = defaultdict(int)
    for key, n, u, _a in _rollup(PLEDGED_MONTH):
        y = int(key[:4])
        per_year[y] += n
        pledged[y] += u
    disbursed = {int(k): a for k, _n, _u, a in _rollup("disb_year") if k.isdigit()}
    reported = {int(k): n for k, n, _u, _a in _rollup(REPORTED_PERIOD)}
    return pledged, disbursed, reported, per_year


def _year_figures_tables(period: Period) -> tuple[dict, dict, dict, dict]:
    """The same from the tables: one GROUP BY each (pledges without a pledge date are in no year)."""
    public = public_clause()
    year = _year(Pledge.pledged_on)
    per_year, pledged = {}, {}
    for y, n, u in db.session.execute(
            select(year, func.count(), func.sum(_cents(func.coalesce(Pledge.usd_value, 0))))
            .where(public, Pledge.pledged_on.is_not(None)).group_by(year)):
        per_year[int(y)], pledged[int(y)] = int(n), int(u or 0)
    disbursed = dict(db.session.execute(
        select(DisbursementEntry.year, func.sum(_cents(DisbursementEntry.usd_value)))
        .join(ProgressReport, ProgressReport.id == DisbursementEntry.report_id)
        .join(Pledge, Pledge.id == DisbursementEntry.pledge_id)
        .where(ProgressReport.status == ReviewStatus.APPROVED, public,
               DisbursementEntry.year.between(period.first, period.last))
        .group_by(DisbursementEntry.year)).all())
    reported = dict(db.session.execute(
        select(ProgressReport.period, func.count(distinct(ProgressReport.pledge_id)))
        .join(Pledge, Pledge.id == ProgressReport.pledge_id)
        .where(ProgressReport.status == ReviewStatus.APPROVED, public,
               ProgressReport.period.between(period.first, period.last))
        .group_by(ProgressReport.period)).all())
    return pledged, disbursed, reported, per_year


def by_year(period: Period, *, direct: bool = False) -> list[dict]:
    """One row per year of the period: pledged, disbursed, share, pledges expected and reported."""
    pledged, disbursed, reported, per_year = (_year_figures_tables(period) if _use_tables(direct)
                                              else _year_figures_rollups(period))
    rows = []
    for y in period.years:
        # expected to report on Y: public pledges pledged on or before 31 December Y
        expected = sum(n for year, n in per_year.items() if year <= y)
        p, d = int(pledged.get(y) or 0), int(disbursed.get(y) or 0)
        n = int(reported.get(y) or 0)
        rows.append({"year": y, "pledged_usd": money(p), "disbursed_usd": money(d), "share": _ratio(d, p),
                     "pledges_expected": expected, "pledges_reported": n, "share_reported": _ratio(n, expected)})
    return rows


def _country_figures_rollups(period: Period) -> tuple[dict, dict]:
    """disbursed cents per recipient country and (pledges, pledged cents) per target country, in the period."""
    def split(key: str) -> tuple[str, int]:
        iso3, year = key.split("|")
        return iso3, int(year)

    disbursed: dict[str, int] = defaultdict(int)
    for key, _n, _u, a in _rollup(DISB_COUNTRY_YEAR):
        iso3, y = split(key)
        if period.first <= y <= period.last:
            disbursed[iso3] += a
    pledged: dict[str, tuple[int, int]] = {}
    for key, n, u, _a in _rollup(TF_COUNTRY_YEAR):
        iso3, y = split(key)
        if period.first <= y <= period.last and n:
            count, usd = pledged.get(iso3, (0, 0))
            pledged[iso3] = (count + n, usd + u)
    return {k: v for k, v in disbursed.items() if v}, pledged


def _country_figures_tables(period: Period) -> tuple[dict, dict]:
    public = public_clause()
    disbursed = dict(db.session.execute(
        select(DisbursementEntry.recipient, func.sum(_cents(DisbursementEntry.usd_value)))
        .join(ProgressReport, ProgressReport.id == DisbursementEntry.report_id)
        .join(Pledge, Pledge.id == DisbursementEntry.pledge_id)
        .join(Country, Country.iso3 == DisbursementEntry.recipient)
        .where(ProgressReport.status == ReviewStatus.APPROVED, public,
               DisbursementEntry.year.between(period.first, period.last))
        .group_by(DisbursementEntry.recipient)).all())
    year = _year(Pledge.pledged_on)
    pledged = {iso3: (int(n), int(u or 0)) for iso3, n, u in db.session.execute(
        select(pledge_country.c.country_iso3, func.count(), func.sum(_cents(func.coalesce(Pledge.usd_value, 0))))
        .join(Pledge, Pledge.id == pledge_country.c.pledge_id)
        .where(public, year.between(period.first, period.last))
        .group_by(pledge_country.c.country_iso3))}
    return {k: int(v) for k, v in disbursed.items() if v}, pledged


def by_country(period: Period, *, direct: bool = False) -> list[dict]:
    """One row per recipient country with a disbursement or a pledge in the period, most disbursed first."""
    disbursed, pledged = (_country_figures_tables(period) if _use_tables(direct)
                          else _country_figures_rollups(period))
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
