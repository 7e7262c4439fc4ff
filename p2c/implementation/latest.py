"""The one definition of a pledge's "latest approved progress report", shared by every reader.

The figures on /progress (the rollup projection, reporting.contributions), the figures frozen as of
a date (reporting.direct, for published reports) and the open-data exports (opendata.records,
opendata.iati) must agree on what a pledge has "achieved": the values of its latest approved report
only (highest period, then latest approval, then highest id). A target the latest report leaves out
has nothing achieved, even if an older report gave it a value.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select

from p2c.core.enums import ReviewStatus
from p2c.implementation.models import ProgressReport


def latest_approved_reports(pledge_clause: ColumnElement[bool], as_of: datetime | None = None) -> Select:
    """One row per pledge matched by `pledge_clause` (a condition on `ProgressReport.pledge_id`):
    its latest approved report, with columns id, pledge_id, period, implementation_status,
    usd_disbursed and `last` (the time of the pledge's most recent report approval).

    With `as_of`, only reports approved at or before that time count: the latest report as it stood
    then (a report approved later, even for an earlier period, is left out)."""
    approved = [ProgressReport.status == ReviewStatus.APPROVED, pledge_clause]
    if as_of is not None:
        approved.append(ProgressReport.approved_at <= as_of)
    ranked = (
        select(ProgressReport.id, ProgressReport.pledge_id, ProgressReport.period,
               ProgressReport.implementation_status, ProgressReport.usd_disbursed,
               func.max(ProgressReport.approved_at).over(partition_by=ProgressReport.pledge_id).label("last"),
               func.row_number().over(
                   partition_by=ProgressReport.pledge_id,
                   order_by=(ProgressReport.period.desc(), ProgressReport.approved_at.desc(),
                             ProgressReport.id.desc()),
               ).label("rn"))
        .where(*approved)
        .subquery()
    )
    return select(ranked.c.id, ranked.c.pledge_id, ranked.c.period, ranked.c.implementation_status,
                  ranked.c.usd_disbursed, ranked.c.last).where(ranked.c.rn == 1)
