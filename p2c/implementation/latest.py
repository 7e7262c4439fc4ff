"""The one definition of a pledge's "latest approved progress report", shared by every reader.

The figures on /progress (the rollup projection, reporting.contributions), the figures frozen as of
a date (reporting.direct, for published reports) and the open-data exports (opendata.records,
opendata.iati) must agree on what a pledge has "achieved": the values of its latest approved report
only (highest period, then latest approval, then highest id). A target the latest report leaves out
has nothing achieved, even if an older report gave it a value.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, case, func, select

from p2c.core.enums import FigureLevel, ReviewStatus
from p2c.implementation.models import ProgressReport


def figure_level(as_of: datetime | None = None) -> ColumnElement:
    """The report's figure level (a FigureLevel value) as it stood at `as_of` (now when None): a report
    verified after `as_of` was then "reviewed"."""
    if as_of is None:
        return ProgressReport.figure_level
    verified = FigureLevel.VERIFIED.value
    return case((and_(ProgressReport.figure_level == verified,
                      func.coalesce(ProgressReport.verified_at > as_of, True)), FigureLevel.REVIEWED.value),
                else_=ProgressReport.figure_level)


def approved(*, by_pledge: bool = False) -> ColumnElement[bool]:
    """The report is approved. `by_pledge`: written so that no index serves it (`status || ''`), for reads
    restricted to a set of pledges (`pledge_id IN (...)`): without statistics SQLite's planner otherwise
    prefers the status index and reads every approved report, checking each against the set."""
    if by_pledge:
        return ProgressReport.status.concat("") == ReviewStatus.APPROVED.value
    return ProgressReport.status == ReviewStatus.APPROVED


def latest_approved_reports(pledge_clause: ColumnElement[bool], as_of: datetime | None = None, *,
                            by_pledge: bool = False) -> Select:
    """One row per pledge matched by `pledge_clause` (a condition on `ProgressReport.pledge_id`):
    its latest approved report, with columns id, pledge_id, period, implementation_status,
    usd_disbursed, `last` (the time of the pledge's most recent report approval) and `level` (its
    figure level as of `as_of`, see `figure_level`).

    With `as_of`, only reports approved at or before that time count: the latest report as it stood
    then (a report approved later, even for an earlier period, is left out). `by_pledge` as in `approved`."""
    conds = [approved(by_pledge=by_pledge), pledge_clause]
    if as_of is not None:
        conds.append(ProgressReport.approved_at <= as_of)
    ranked = (
        select(ProgressReport.id, ProgressReport.pledge_id, ProgressReport.period,
               ProgressReport.implementation_status, ProgressReport.usd_disbursed,
               func.max(ProgressReport.approved_at).over(partition_by=ProgressReport.pledge_id).label("last"),
               figure_level(as_of).label("level"),
               func.row_number().over(
                   partition_by=ProgressReport.pledge_id,
                   order_by=(ProgressReport.period.desc(), ProgressReport.approved_at.desc(),
                             ProgressReport.id.desc()),
               ).label("rn"))
        .where(*conds)
        .subquery()
    )
    return select(ranked.c.id, ranked.c.pledge_id, ranked.c.period, ranked.c.implementation_status,
                  ranked.c.usd_disbursed, ranked.c.last, ranked.c.level).where(ranked.c.rn == 1)


def latest_approved_per_period(pledge_clause: ColumnElement[bool], as_of: datetime | None = None, *,
                               by_pledge: bool = False) -> Select:
    """One row per pledge and reporting period: the latest approved report of that period (same order
    as above within a period: latest approval, then highest id), with columns id, pledge_id, period and
    `next_period` (the pledge's next period with an approved report, None for its last). A pledge's
    achieved values as of year Y are those of its row with period <= Y < next_period, so summing rows
    over that span gives the coalition's yearly trajectory (p2c.reporting.forecast).

    `as_of` and `by_pledge` as in `latest_approved_reports`."""
    conds = [approved(by_pledge=by_pledge), pledge_clause]
    if as_of is not None:
        conds.append(ProgressReport.approved_at <= as_of)
    ranked = (
        select(ProgressReport.id, ProgressReport.pledge_id, ProgressReport.period,
               func.row_number().over(partition_by=(ProgressReport.pledge_id, ProgressReport.period),
                                      order_by=(ProgressReport.approved_at.desc(), ProgressReport.id.desc()))
               .label("rn"))
        .where(*conds)
        .subquery()
    )
    return select(ranked.c.id, ranked.c.pledge_id, ranked.c.period,
                  func.lead(ranked.c.period).over(partition_by=ranked.c.pledge_id, order_by=ranked.c.period)
                  .label("next_period")).where(ranked.c.rn == 1)
