"""The one definition of a pledge's "latest approved progress report", shared by every reader.

The figures on /progress (reporting.contributions) and the open-data exports (opendata.records,
opendata.iati) must agree on what a pledge has "achieved": the values of its latest approved report
only (highest period, then latest approval, then highest id). A target the latest report leaves out
has nothing achieved, even if an older report gave it a value. This module imports only models, so
reporting and opendata can both use it without an import cycle.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, func, select

from p2c.core.enums import ReviewStatus
from p2c.implementation.models import ProgressReport


def latest_approved_reports(pledge_clause: ColumnElement[bool]) -> Select:
    """One row per pledge matched by `pledge_clause` (a condition on `ProgressReport.pledge_id`):
    its latest approved report, with columns id, pledge_id, period, implementation_status,
    usd_disbursed and `last` (the time of the pledge's most recent report approval)."""
    ranked = (
        select(ProgressReport.id, ProgressReport.pledge_id, ProgressReport.period,
               ProgressReport.implementation_status, ProgressReport.usd_disbursed,
               func.max(ProgressReport.approved_at).over(partition_by=ProgressReport.pledge_id).label("last"),
               func.row_number().over(
                   partition_by=ProgressReport.pledge_id,
                   order_by=(ProgressReport.period.desc(), ProgressReport.approved_at.desc(),
                             ProgressReport.id.desc()),
               ).label("rn"))
        .where(ProgressReport.status == ReviewStatus.APPROVED, pledge_clause)
        .subquery()
    )
    return select(ranked.c.id, ranked.c.pledge_id, ranked.c.period, ranked.c.implementation_status,
                  ranked.c.usd_disbursed, ranked.c.last).where(ranked.c.rn == 1)
