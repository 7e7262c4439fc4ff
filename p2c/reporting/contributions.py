"""What each approved pledge adds to the rollups: a list of (dimension, key, usd_cents, amount_cents).

Each entry counts the pledge once under that (dimension, key). Computed in batches, so the same code
serves one approval (a handful of small queries) and a full rebuild over a million pledges.
Additive dimensions give one entry per pledge; non-additive ones (countries, regions, pillars,
groups, SDGs, WSIS lines, scope) give one entry per value, which is why their rows do not sum
to the total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from p2c.extensions import db
from p2c.implementation.latest import approved, latest_approved_per_period, latest_approved_reports
from p2c.implementation.models import DisbursementEntry, ProgressReport, ProgressValue
from p2c.members.models import Organization
from p2c.pledges.models import (
    Pledge,
    PledgeTarget,
    pledge_beneficiary,
    pledge_country,
    pledge_initiative,
    pledge_pillar,
    pledge_sdg,
    pledge_wsis,
)
from p2c.pledges.visibility import public_clause
from p2c.reference.models import Country

Entry = tuple[str, str, int, int]

NONE_KEY = "none"
# Dimensions of the 2030 forecast's yearly totals (see Batch.trajectory); not figures of their own.
TRAJECTORY = "trajectory"
LAST_PERIOD = "last_period"
FORECAST_DIMENSIONS = (TRAJECTORY, LAST_PERIOD)
# USD pledged by month of the pledge date (the /progress timeline, p2c.reporting.queries.monthly_pledged).
PLEDGED_MONTH = "pledged_month"
# USD disbursed per lead organization, one row each (the finance table shows the top ones).
DISBURSING_ORGANIZATION = "disb_org"
# The task-force view (p2c.reporting.taskforce): pledged per target country and pledge year
# ("ISO3|YYYY"), disbursed per recipient country and ledger year ("ISO3|YYYY"), and the periods with an
# approved report ("YYYY", one per pledge and period).
TF_COUNTRY_YEAR = "tf_country_year"
DISB_COUNTRY_YEAR = "disb_country_year"
REPORTED_PERIOD = "reported_period"
TASKFORCE_DIMENSIONS = (TF_COUNTRY_YEAR, DISB_COUNTRY_YEAR, REPORTED_PERIOD)
# Rollup dimensions that serve one reader each and are not figures (left out of rollup_raw).
NOT_FIGURES = (*FORECAST_DIMENSIONS, PLEDGED_MONTH, *TASKFORCE_DIMENSIONS)


def cents(value: Decimal | float | int | None) -> int:
    """A money or indicator value in exact hundredths (None counts as 0)."""
    if value is None:
        return 0
    return int((Decimal(str(value)) * 100).to_integral_value(rounding=ROUND_HALF_UP))


def day_key(value: date | datetime | str | None) -> str:
    """ISO day of a date/datetime (SQLite may hand back strings)."""
    if value is None:
        return NONE_KEY
    if isinstance(value, str):
        return value[:10]
    return (value.date() if isinstance(value, datetime) else value).isoformat()


class Batch:
    """The rows needed to compute contributions for a set of pledges (by ids or an id range).

    Reports are read by pledge (`approved(by_pledge=True)`): through the status index SQLite read every
    approved report for each batch of a rebuild, and for the one pledge an approval re-counts."""

    def __init__(self, ids: list[int] | None = None, id_range: tuple[int, int] | None = None,
                 approved_only: bool = True) -> None:
        self.ids = ids
        self.id_range = id_range
        self.approved_only = approved_only

    def _where(self, column):
        if self.ids is not None:
            return column.in_(self.ids)
        lo, hi = self.id_range
        return column.between(lo, hi)

    def pledges(self) -> list:
        """Pledge columns with the lead's stakeholder group and region."""
        stmt = (
            select(Pledge.id, Pledge.status, Pledge.focus_area_code, Pledge.pledge_type_code, Pledge.usd_value,
                   Pledge.start_year, Pledge.pledged_on, Pledge.approved_at, Pledge.is_global, Pledge.targets_ldc,
                   Pledge.targets_lldc, Pledge.targets_sids, Pledge.event_code, Pledge.lead_organization_id,
                   Organization.stakeholder_group_code, Country.itu_region)
            .join(Organization, Organization.id == Pledge.lead_organization_id)
            .outerjoin(Country, Country.iso3 == Organization.country_iso3)
            .where(self._where(Pledge.id))
        )
        if self.approved_only:
            stmt = stmt.where(public_clause())
        return db.session.execute(stmt).all()

    def links(self, table, column: str) -> dict[int, list[str]]:
        """pledge id -> codes in one association table."""
        out: dict[int, list[str]] = defaultdict(list)
        rows = db.session.execute(select(table.c.pledge_id, table.c[column]).where(self._where(table.c.pledge_id)))
        for pid, code in rows:
            out[pid].append(str(code))
        return out

    def countries(self) -> dict[int, list[tuple[str, str]]]:
        """pledge id -> [(iso3, itu region)]."""
        out: dict[int, list[tuple[str, str]]] = defaultdict(list)
        rows = db.session.execute(
            select(pledge_country.c.pledge_id, Country.iso3, Country.itu_region)
            .join(Country, Country.iso3 == pledge_country.c.country_iso3)
            .where(self._where(pledge_country.c.pledge_id))
        )
        for pid, iso3, region in rows:
            out[pid].append((iso3, region))
        return out

    def targets(self) -> dict[int, dict[str, int]]:
        """pledge id -> {indicator: pledged target in cents}."""
        out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        rows = db.session.execute(
            select(PledgeTarget.pledge_id, PledgeTarget.indicator_code, PledgeTarget.target_value)
            .where(self._where(PledgeTarget.pledge_id))
        )
        for pid, code, value in rows:
            out[pid][code] += cents(value)
        return out

    def reports(self) -> tuple[dict[int, tuple], dict[int, dict[str, int]], dict[int, int]]:
        """pledge id -> (last approved report time, implementation status of the latest approved report,
        its figure level), pledge id -> {indicator: achieved in cents} from that latest report, and
        pledge id -> USD disbursed to date in cents, as that latest report states it (a running total,
        not summed)."""
        latest = {}
        report_ids = {}
        disbursed: dict[int, int] = {}
        for row in db.session.execute(latest_approved_reports(self._where(ProgressReport.pledge_id),
                                                                     by_pledge=True)):
            status = row.implementation_status
            latest[row.pledge_id] = (row.last, str(status.value if hasattr(status, "value") else status),
                                     level_value(row.level))
            report_ids[row.id] = row.pledge_id
            if row.usd_disbursed is not None:
                disbursed[row.pledge_id] = cents(row.usd_disbursed)
        achieved: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        if report_ids:
            ids = list(report_ids)
            for i in range(0, len(ids), 5000):
                rows = db.session.execute(
                    select(ProgressValue.report_id, PledgeTarget.indicator_code, ProgressValue.achieved_value)
                    .join(PledgeTarget, PledgeTarget.id == ProgressValue.target_id)
                    .where(ProgressValue.report_id.in_(ids[i:i + 5000]))
                )
                for rid, code, value in rows:
                    achieved[report_ids[rid]][code] += cents(value)
        return latest, achieved, disbursed

    def trajectory(self) -> tuple[dict[int, dict[tuple[str, int], int]], dict[int, int]]:
        """pledge id -> {(indicator, year): change in cents} and pledge id -> its last reported period: the
        pledge's part of the 2030 forecast's yearly totals (p2c.reporting.forecast). The values of its latest
        approved report of each period count from that period until its next reported period, so the
        pledge adds +value at the period and -value at the next one (nothing after its last period: the
        series ends at the last period any counted pledge reported). Changes that cancel are left out."""
        per_period = latest_approved_per_period(self._where(ProgressReport.pledge_id), by_pledge=True).subquery()
        out: dict[int, dict[tuple[str, int], int]] = defaultdict(lambda: defaultdict(int))
        rows = db.session.execute(
            select(per_period.c.pledge_id, per_period.c.period, per_period.c.next_period,
                   PledgeTarget.indicator_code, ProgressValue.achieved_value)
            .join(ProgressValue, ProgressValue.report_id == per_period.c.id)
            .join(PledgeTarget, PledgeTarget.id == ProgressValue.target_id))
        for pid, period, next_period, code, value in rows:
            value = cents(value)
            out[pid][(code, int(period))] += value
            if next_period is not None:
                out[pid][(code, int(next_period))] -= value
        last = dict(db.session.execute(
            select(ProgressReport.pledge_id, func.max(ProgressReport.period))
            .where(self._where(ProgressReport.pledge_id), approved(by_pledge=True))
            .group_by(ProgressReport.pledge_id)).all())
        changes = {pid: {k: v for k, v in by.items() if v} for pid, by in out.items()}
        return changes, {int(pid): int(period) for pid, period in last.items()}

    def reported_periods(self) -> dict[int, list[int]]:
        """pledge id -> the periods it has an approved report on (the task-force view's reporting share)."""
        out: dict[int, list[int]] = defaultdict(list)
        for pid, period in db.session.execute(
                select(ProgressReport.pledge_id, ProgressReport.period).distinct()
                .where(self._where(ProgressReport.pledge_id), approved(by_pledge=True))):
            out[pid].append(int(period))
        return out

    def ledger(self) -> dict[int, list[tuple[str, str, str, int]]]:
        """pledge id -> [(year, recipient country or "", recipient region key, usd cents)]: the entries of
        its approved reports, summed per year and recipient (see `disbursed_region`)."""
        out: dict[int, dict[tuple[str, str, str], int]] = defaultdict(lambda: defaultdict(int))
        rows = db.session.execute(
            select(DisbursementEntry.pledge_id, DisbursementEntry.year, DisbursementEntry.recipient,
                   Country.itu_region, DisbursementEntry.usd_value)
            .join(ProgressReport, ProgressReport.id == DisbursementEntry.report_id)
            .outerjoin(Country, Country.iso3 == DisbursementEntry.recipient)
            .where(self._where(DisbursementEntry.pledge_id), approved(by_pledge=True)))
        for pid, year, recipient, region, usd in rows:
            country = recipient if region is not None else ""
            out[pid][(str(year), country, disbursed_region(recipient, region))] += cents(usd)
        return {pid: [(y, c, r, v) for (y, c, r), v in by.items()] for pid, by in out.items()}


def disbursed_region(recipient: str, country_region: str | None) -> str:
    """Where an entry went, as a region key: its country's ITU region, the region it names, "global",
    or NONE_KEY when not stated (migrated totals)."""
    if country_region is not None:
        return country_region
    return recipient or NONE_KEY


def ledger_entries(p, u: int, ledger: list[tuple[str, str, str, int]]) -> tuple[int, list[Entry]]:
    """The ledger's entries of one pledge: disbursed (amount cents) by year, recipient country and region,
    and under its lead organization (with its pledged value there). Returns (disbursed cents, entries)."""
    disbursed = sum(v for _y, _c, _r, v in ledger)
    by: dict[tuple[str, str], int] = defaultdict(int)
    for year, country, region, value in ledger:
        by[("disb_year", year)] += value
        by[("disb_region", region)] += value
        if country:
            by[("disb_country", country)] += value
            by[(DISB_COUNTRY_YEAR, f"{country}|{year}")] += value
    entries: list[Entry] = [(d, k, 0, v) for (d, k), v in sorted(by.items())]
    entries.append(("ledger", "", u, disbursed))
    entries.append((DISBURSING_ORGANIZATION, str(p.lead_organization_id), u, disbursed))
    return disbursed, entries


def level_value(level) -> str:
    """A figure level as its stored code (the database may hand back the enum or the string)."""
    return str(level.value if hasattr(level, "value") else level)


def contributions(batch: Batch) -> dict[int, tuple[int, int, list[Entry]]]:
    """pledge id -> (lead organization id, usd cents, entries) for the approved pledges of a batch."""
    pledges = batch.pledges()
    if not pledges:
        return {}
    countries = batch.countries()
    pillars = batch.links(pledge_pillar, "pillar_code")
    beneficiaries = batch.links(pledge_beneficiary, "beneficiary_code")
    sdgs = batch.links(pledge_sdg, "sdg_number")
    wsis = batch.links(pledge_wsis, "wsis_code")
    initiatives = batch.links(pledge_initiative, "initiative_code")
    targets = batch.targets()
    latest, achieved, disbursed = batch.reports()
    ledgers = batch.ledger()
    trajectory, last_period = batch.trajectory()
    reported = batch.reported_periods()
    out = {}
    for p in pledges:
        u = cents(p.usd_value)
        last_report, impl, level = latest.get(p.id, (None, "not_started", ""))
        approved = day_key(p.approved_at)
        activity = max(approved, day_key(last_report)) if last_report is not None else approved
        # amount cents of the additive dimensions: USD disbursed (the pledge's approved ledger entries).
        d, ledger = ledger_entries(p, u, ledgers[p.id]) if p.id in ledgers else (0, [])
        entries: list[Entry] = [
            ("total", "", u, 0),
            ("focus_area", p.focus_area_code, u, d),
            ("pledge_type", p.pledge_type_code, u, d),
            ("stakeholder", p.stakeholder_group_code, u, d),
            ("lead_region", p.itu_region or NONE_KEY, u, d),
            ("pledged_year", str(p.pledged_on.year) if p.pledged_on else NONE_KEY, u, 0),
            *([(PLEDGED_MONTH, p.pledged_on.isoformat()[:7], u, 0)] if p.pledged_on else []),
            *ledger,
            ("start_year", str(p.start_year) if p.start_year else NONE_KEY, u, 0),
            ("approved_day", approved, u, 0),
            ("activity_day", activity, u, 0),
            ("impl_status", impl, u, 0),
        ]
        if p.event_code:
            entries.append(("event", p.event_code, u, 0))
        for flag, name in ((p.is_global, "global"), (p.targets_ldc, "ldc"), (p.targets_lldc, "lldc"),
                           (p.targets_sids, "sids")):
            if flag:
                entries.append(("scope", name, u, 0))
        regions = set()
        for iso3, region in countries.get(p.id, ()):
            entries.append(("country", iso3, u, 0))
            if p.pledged_on:
                entries.append((TF_COUNTRY_YEAR, f"{iso3}|{p.pledged_on.year}", u, 0))
            regions.add(region)
        entries.extend(("target_region", r, u, 0) for r in sorted(regions))
        entries.extend(("pillar", c, u, 0) for c in pillars.get(p.id, ()))
        entries.extend(("beneficiary", c, u, 0) for c in beneficiaries.get(p.id, ()))
        entries.extend(("sdg", c, u, 0) for c in sdgs.get(p.id, ()))
        entries.extend(("wsis", c, u, 0) for c in wsis.get(p.id, ()))
        entries.extend(("initiative", c, u, 0) for c in initiatives.get(p.id, ()))
        month = approved[:7]
        for code, value in targets.get(p.id, {}).items():
            entries.append(("indicator", code, 0, value))
            entries.append(("indicator_month", f"{code}|{month}", 0, value))
        for code, value in achieved.get(p.id, {}).items():
            entries.append(("achieved", code, 0, value))
            entries.append(("achieved_level", f"{code}|{level}", 0, value))
        if p.id in disbursed:
            entries.append(("disbursed", "", 0, disbursed[p.id]))
            entries.append(("disbursed_level", level, 0, disbursed[p.id]))
        # The forecast's trajectory (not part of the figures' raw aggregates: p2c.reporting.queries.rollup_raw
        # leaves these dimensions out, p2c.reporting.forecast reads them).
        entries.extend((TRAJECTORY, f"{code}|{year}", 0, value)
                       for (code, year), value in sorted(trajectory.get(p.id, {}).items()))
        if p.id in last_period:
            entries.append((LAST_PERIOD, str(last_period[p.id]), 0, 0))
        entries.extend((REPORTED_PERIOD, str(period), 0, 0) for period in sorted(reported.get(p.id, ())))
        out[p.id] = (p.lead_organization_id, u, entries)
    return out


def for_ids(ids: Iterable[int]) -> dict[int, tuple[int, int, list[Entry]]]:
    """Contributions of the approved pledges among `ids`."""
    ids = sorted(set(ids))
    return contributions(Batch(ids=ids)) if ids else {}
