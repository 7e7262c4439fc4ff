"""The same raw aggregates as the rollups, computed directly from the pledge tables with SQL.

Used to freeze figures as of a date (published reports) and, in the tests, as an independent
check that the maintained rollups are exact. Never used by the progress page itself.

The counted pledges (`base`: pledge, organization, ledger sum, latest report) are evaluated once per
call into temporary tables that the ~30 GROUP BY queries then read: as a subquery, SQLite re-ran
the whole join for every query (40+ minutes to publish a report at a million pledges).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import datetime
from uuid import uuid4

from sqlalchemy import (
    BigInteger,
    Index,
    MetaData,
    String,
    Table,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.ddl import CreateIndex, CreateTableAs, DropTable

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.implementation.latest import approved, latest_approved_reports
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
from p2c.pledges.visibility import announced_by, public_clause
from p2c.reference.models import Country

Raw = dict[tuple[str, str], list[int]]


def _cents(column):
    return cast(func.round(column * 100), BigInteger)


def _day(column):
    if db.session.connection().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM-DD")
    return func.substr(column, 1, 10)


def counted_pledges(cutoff: datetime | None = None) -> list:
    """Conditions on Pledge for the pledges the figures count: approved now (None), or approved on or
    before `cutoff` as they stood then: still approved, or withdrawn after the cut-off (an approved pledge
    can only be withdrawn, which sets decided_at; the same rule as p2c.publications.content)."""
    if cutoff is None:
        return [public_clause()]
    return [Pledge.approved_at.is_not(None), Pledge.approved_at <= cutoff, announced_by(cutoff),
            or_(Pledge.status == ReviewStatus.APPROVED,
                and_(Pledge.status == ReviewStatus.WITHDRAWN, Pledge.decided_at > cutoff))]


def approved_entries(cutoff: datetime | None = None, pledges=None):
    """The ledger entries of approved reports (approved on or before `cutoff`), with the recipient's
    ITU region when it is a country: columns pid, year, recipient, itu_region, c (USD cents). Only
    those of `pledges` (a SELECT of pledge ids) when given."""
    conds = [approved(by_pledge=pledges is not None)]
    if cutoff is not None:
        conds.append(ProgressReport.approved_at <= cutoff)
    if pledges is not None:
        conds.append(DisbursementEntry.pledge_id.in_(pledges))
    return (select(DisbursementEntry.pledge_id.label("pid"), DisbursementEntry.year, DisbursementEntry.recipient,
                   Country.itu_region, _cents(DisbursementEntry.usd_value).label("c"))
            .join(ProgressReport, ProgressReport.id == DisbursementEntry.report_id)
            .outerjoin(Country, Country.iso3 == DisbursementEntry.recipient)
            .where(*conds).subquery())


def raw_aggregates(cutoff: datetime | None = None, where: tuple = ()) -> tuple[Raw, int]:
    """{(dimension, key): [pledges, usd_cents, amount_cents]} and the number of pledging organizations,
    for pledges approved now (None), or approved on or before `cutoff` as they stood then: still approved,
    or withdrawn after the cut-off (an approved pledge can only be withdrawn, which sets decided_at; the
    same rule as p2c.publications.content, so a published report agrees with itself)."""
    with ExitStack() as stack:
        return _aggregates(cutoff, where, stack)


@contextmanager
def _materialized(query, *indexed: str) -> Iterator[Table]:
    """`query`'s rows as a temporary table (indexes on the `indexed` columns), dropped on exit.

    Temporary tables are private to the database connection (the request's), and the random name keeps
    two calls on one connection apart. The cut-off is rendered into the CREATE as a literal:
    PostgreSQL takes no bound parameters in CREATE TABLE AS."""
    name = f"p2c_direct_{uuid4().hex[:16]}"
    create = CreateTableAs(query, name, metadata=MetaData(), temporary=True)
    table = create.table
    db.session.execute(create)
    try:
        for column in indexed:
            db.session.execute(CreateIndex(Index(f"{name}_{column}", table.c[column])))
        if db.session.connection().dialect.name == "postgresql":
            # Autovacuum never analyzes a temporary table: without statistics PostgreSQL planned the ~30
            # GROUP BY joins over it blind (a filtered /progress at 1M: 46.5-50.9 s, 35.9 s analyzed).
            db.session.execute(text(f"ANALYZE {name}"))
        yield table
    finally:
        # After a database error PostgreSQL refuses the DROP until rollback, which removes the table anyway.
        with suppress(SQLAlchemyError):
            db.session.execute(DropTable(table))


def _aggregates(cutoff: datetime | None, where: tuple, stack: ExitStack) -> tuple[Raw, int]:
    conds = [*counted_pledges(cutoff), *where]
    chosen = None
    if where:
        # Filtered figures (/api/v1/progress?region=AFR): the matching pledge ids first, so the ledger entries
        # and latest reports below are read for those pledges only, not for every pledge (at a million
        # pledges the unrestricted temporary tables and the filter's EXISTS per row inside the big join
        # had not finished after 8 minutes on SQLite).
        ids = stack.enter_context(_materialized(select(Pledge.id.label("pid")).where(*conds), "pid"))
        chosen = select(ids.c.pid)
        conds = [Pledge.id.in_(chosen)]
    entries = stack.enter_context(_materialized(select(approved_entries(cutoff, chosen)), "pid"))
    per_pledge = select(entries.c.pid, func.sum(entries.c.c).label("d")).group_by(entries.c.pid).subquery()
    # The latest approved report as of the cut-off (p2c.implementation.latest, the one definition);
    # `last` is the pledge's most recent report approval, which restarts its reporting clock.
    reports = true() if chosen is None else ProgressReport.pledge_id.in_(chosen)
    latest = stack.enter_context(_materialized(
        latest_approved_reports(reports, as_of=cutoff, by_pledge=chosen is not None), "pledge_id"))
    activity = case((and_(latest.c.last.isnot(None), latest.c.last > Pledge.approved_at), latest.c.last),
                    else_=Pledge.approved_at)
    base = (
        select(Pledge.id.label("pid"), _cents(func.coalesce(Pledge.usd_value, 0)).label("u"),
               Pledge.focus_area_code.label("focus_area"), Pledge.pledge_type_code.label("pledge_type"),
               Organization.stakeholder_group_code.label("stakeholder"),
               func.coalesce(Country.itu_region, "none").label("lead_region"),
               func.coalesce(cast(Pledge.start_year, String), "none").label("start_year"),
               _day(Pledge.approved_at).label("approved_day"), _day(activity).label("activity_day"),
               func.coalesce(latest.c.implementation_status, "not_started").label("impl_status"),
               Pledge.event_code.label("event"), Pledge.lead_organization_id.label("lead"),
               Pledge.is_global, Pledge.targets_ldc, Pledge.targets_lldc, Pledge.targets_sids,
               func.coalesce(func.substr(_day(Pledge.pledged_on), 1, 4), "none").label("pledged_year"),
               func.coalesce(per_pledge.c.d, 0).label("d"), per_pledge.c.pid.label("ledger_pid"))
        .join(Organization, Organization.id == Pledge.lead_organization_id)
        .outerjoin(per_pledge, per_pledge.c.pid == Pledge.id)
        .outerjoin(Country, Country.iso3 == Organization.country_iso3)
        .outerjoin(latest, latest.c.pledge_id == Pledge.id)
        .where(*conds)
    )
    base = stack.enter_context(_materialized(base, "pid"))
    raw: Raw = defaultdict(lambda: [0, 0, 0])

    def put(dimension: str, rows) -> None:
        for key, n, u, a in rows:
            if key is None:
                continue
            raw[(dimension, str(key))] = [int(n), int(u or 0), int(a or 0)]

    run = db.session.execute
    total = run(select(literal(""), func.count(), func.sum(base.c.u), literal(0)).select_from(base)).all()
    if total and total[0][1]:
        put("total", total)
    for name in ("focus_area", "pledge_type", "stakeholder", "lead_region"):  # amount: USD disbursed
        col = base.c[name]
        put(name, run(select(col, func.count(), func.sum(base.c.u), func.sum(base.c.d)).group_by(col)))
    for name in ("start_year", "approved_day", "activity_day", "impl_status", "event", "pledged_year"):
        col = base.c[name]
        put(name, run(select(col, func.count(), func.sum(base.c.u), literal(0)).group_by(col)))
    _ledger(base, entries, put)
    for flag, name in ((base.c.is_global, "global"), (base.c.targets_ldc, "ldc"), (base.c.targets_lldc, "lldc"),
                       (base.c.targets_sids, "sids")):
        put("scope", run(select(literal(name), func.count(), func.sum(base.c.u), literal(0)).where(
            flag.is_(True)).having(func.count() > 0)))
    for table, column, name in ((pledge_country, "country_iso3", "country"), (pledge_pillar, "pillar_code", "pillar"),
                                (pledge_beneficiary, "beneficiary_code", "beneficiary"),
                                (pledge_sdg, "sdg_number", "sdg"), (pledge_wsis, "wsis_code", "wsis"),
                                (pledge_initiative, "initiative_code", "initiative")):
        col = table.c[column]
        put(name, run(select(col, func.count(), func.sum(base.c.u), literal(0))
                      .join(table, table.c.pledge_id == base.c.pid).group_by(col)))
    regions = (select(pledge_country.c.pledge_id.label("pid"), Country.itu_region)
               .join(Country, Country.iso3 == pledge_country.c.country_iso3)
               .where(pledge_country.c.pledge_id.in_(select(base.c.pid))).distinct().subquery())
    put("target_region", run(select(regions.c.itu_region, func.count(), func.sum(base.c.u), literal(0))
                             .join(regions, regions.c.pid == base.c.pid).group_by(regions.c.itu_region)))
    put("indicator", run(select(PledgeTarget.indicator_code, func.count(distinct(PledgeTarget.pledge_id)), literal(0),
                                func.sum(_cents(PledgeTarget.target_value)))
                         .join(base, base.c.pid == PledgeTarget.pledge_id).group_by(PledgeTarget.indicator_code)))
    month = PledgeTarget.indicator_code + "|" + func.substr(base.c.approved_day, 1, 7)
    put("indicator_month", run(select(month, func.count(distinct(PledgeTarget.pledge_id)), literal(0),
                                      func.sum(_cents(PledgeTarget.target_value)))
                               .join(base, base.c.pid == PledgeTarget.pledge_id).group_by(month)))
    put("achieved", run(select(PledgeTarget.indicator_code, func.count(distinct(latest.c.pledge_id)), literal(0),
                               func.sum(_cents(ProgressValue.achieved_value)))
                        .join(ProgressValue, ProgressValue.report_id == latest.c.id)
                        .join(PledgeTarget, PledgeTarget.id == ProgressValue.target_id)
                        .join(base, base.c.pid == latest.c.pledge_id)
                        .group_by(PledgeTarget.indicator_code)))
    achieved_level = PledgeTarget.indicator_code + "|" + latest.c.level
    put("achieved_level", run(select(achieved_level, func.count(distinct(latest.c.pledge_id)), literal(0),
                                     func.sum(_cents(ProgressValue.achieved_value)))
                              .join(ProgressValue, ProgressValue.report_id == latest.c.id)
                              .join(PledgeTarget, PledgeTarget.id == ProgressValue.target_id)
                              .join(base, base.c.pid == latest.c.pledge_id)
                              .group_by(achieved_level)))
    put("disbursed_level", run(select(latest.c.level, func.count(latest.c.pledge_id), literal(0),
                                      func.sum(_cents(latest.c.usd_disbursed)))
                               .join(base, base.c.pid == latest.c.pledge_id)
                               .where(latest.c.usd_disbursed.is_not(None)).group_by(latest.c.level)))
    put("disbursed", run(select(literal(""), func.count(latest.c.pledge_id), literal(0),
                                func.sum(_cents(latest.c.usd_disbursed)))
                         .join(base, base.c.pid == latest.c.pledge_id)
                         .where(latest.c.usd_disbursed.is_not(None)).having(func.count() > 0)))
    organizations = run(select(func.count(distinct(base.c.lead)))).scalar() or 0
    return dict(raw), int(organizations)


def _ledger(base, entries, put) -> None:
    """The ledger's dimensions (p2c.reporting.contributions.ledger_entries), from SQL."""
    run = db.session.execute
    with_ledger = base.c.ledger_pid.is_not(None)
    put("ledger", run(select(literal(""), func.count(), func.sum(base.c.u), func.sum(base.c.d))
                      .where(with_ledger).having(func.count() > 0)))
    lead = cast(base.c.lead, String)
    put("disb_org", run(select(lead, func.count(), func.sum(base.c.u), func.sum(base.c.d))
                        .where(with_ledger).group_by(lead)))
    joined = entries.join(base, base.c.pid == entries.c.pid)
    year = cast(entries.c.year, String)
    put("disb_year", run(select(year, func.count(distinct(entries.c.pid)), literal(0), func.sum(entries.c.c))
                         .select_from(joined).group_by(year)))
    put("disb_country", run(select(entries.c.recipient, func.count(distinct(entries.c.pid)), literal(0),
                                   func.sum(entries.c.c)).select_from(joined)
                            .where(entries.c.itu_region.is_not(None)).group_by(entries.c.recipient)))
    region = func.coalesce(entries.c.itu_region, func.nullif(entries.c.recipient, ""), "none")
    put("disb_region", run(select(region, func.count(distinct(entries.c.pid)), literal(0), func.sum(entries.c.c))
                           .select_from(joined).group_by(region)))


