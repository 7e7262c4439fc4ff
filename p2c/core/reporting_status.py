"""Reporting status of an approved pledge (DESIGN.md section 5): the rule, on plain dates and columns.

The clock starts at the latest of the pledge's approval and its last approved progress report:
within 12 months = current; 12 to 24 months = due; over 24 months = inactive (inactive pledges are
shown, but left out of "active" totals). Use `reporting_status` in Python, `reporting_status_expr`
(a CASE, for GROUP BY) and `reporting_status_clause` (a WHERE) in SQL; all take the same cut-offs
from `cutoffs(today)`. `p2c.pledges.reporting_status` binds them to the pledge's columns. It sits
beside `workflow.py` because pledges, progress reports, the back-office and the figures all need it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, literal, or_

from p2c.core.enums import ReportingStatus


def months_before(day: date, months: int) -> date:
    """The same calendar day `months` months earlier (29 February falls back to the 28th)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 always exists


def cutoffs(today: date) -> tuple[date, date]:
    """(current_since, due_since): activity on or after current_since is current, on or after due_since due."""
    return months_before(today, 12), months_before(today, 24)


def _as_date(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def last_activity(last_reported_at: date | datetime | None, approved_at: date | datetime | None) -> date | None:
    """The day the reporting clock starts from: the latest of approval and last approved report."""
    days = [d for d in (_as_date(last_reported_at), _as_date(approved_at)) if d is not None]
    return max(days) if days else None


def status_of_day(activity: date | None, today: date) -> ReportingStatus:
    """Status for a pledge whose reporting clock started on `activity` (None: never, so inactive)."""
    current_since, due_since = cutoffs(today)
    if activity is None or activity < due_since:
        return ReportingStatus.INACTIVE
    if activity < current_since:
        return ReportingStatus.DUE
    return ReportingStatus.CURRENT


def reporting_status(last_reported_at: date | datetime | None, approved_at: date | datetime | None,
                     today: date) -> ReportingStatus:
    """The reporting status of a pledge on `today`."""
    return status_of_day(last_activity(last_reported_at, approved_at), today)


def _since(last_reported_at: ColumnElement, approved_at: ColumnElement, since: datetime) -> ColumnElement:
    # Spelled out so that a NULL last report gives FALSE, not NULL (NOT NULL would drop the row).
    return or_(and_(last_reported_at.isnot(None), last_reported_at >= since),
               and_(approved_at.isnot(None), approved_at >= since))


def reporting_status_expr(last_reported_at: ColumnElement, approved_at: ColumnElement,
                          today: date) -> ColumnElement:
    """SQL CASE giving 'current' / 'due' / 'inactive' from two datetime columns (same rule as above)."""
    current_since, due_since = (datetime.combine(d, datetime.min.time()) for d in cutoffs(today))
    return case(
        (_since(last_reported_at, approved_at, current_since), literal(ReportingStatus.CURRENT.value)),
        (_since(last_reported_at, approved_at, due_since), literal(ReportingStatus.DUE.value)),
        else_=literal(ReportingStatus.INACTIVE.value),
    )


def reporting_status_clause(last_reported_at: ColumnElement, approved_at: ColumnElement, status: str,
                            today: date) -> ColumnElement:
    """A WHERE clause selecting pledges in one reporting status (index-friendly, no CASE)."""
    current_since, due_since = (datetime.combine(d, datetime.min.time()) for d in cutoffs(today))
    is_current = _since(last_reported_at, approved_at, current_since)
    is_due_or_current = _since(last_reported_at, approved_at, due_since)
    if status == ReportingStatus.CURRENT.value:
        return is_current
    if status == ReportingStatus.DUE.value:
        return is_due_or_current & ~is_current
    return ~is_due_or_current
