"""Reporting status of pledges (current / due / inactive), bound to the pledge's columns.

The rule itself lives once, in `p2c.core.reporting_status` (DESIGN.md section 5: the clock starts at the
latest of approval and last approved report; < 12 months current, 12-24 due, > 24 inactive). This
module applies it to `Pledge` so the report pages, the back-office, the compliance view and the
reminders all agree with the progress figures.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import not_
from sqlalchemy.sql.elements import ColumnElement

from p2c.core import reporting_status as rule
from p2c.core.db import utcnow
from p2c.core.enums import ReportingStatus, ReviewStatus
from p2c.pledges.models import Pledge


def _day(today: date | datetime | None) -> date:
    if today is None:
        return utcnow().date()
    return today.date() if isinstance(today, datetime) else today


def pledge_reporting_status(pledge: Pledge, today: date | datetime | None = None) -> ReportingStatus | None:
    """Reporting status of one pledge; None unless it is approved."""
    if pledge.status != ReviewStatus.APPROVED:
        return None
    return rule.reporting_status(pledge.last_reported_at, pledge.approved_at, _day(today))


def status_expression(today: date | datetime | None = None) -> ColumnElement:
    """SQL CASE giving 'current' / 'due' / 'inactive' for pledges (for GROUP BY)."""
    return rule.reporting_status_expr(Pledge.last_reported_at, Pledge.approved_at, _day(today))


def reporting_status_filter(status: ReportingStatus | str, today: date | datetime | None = None) -> ColumnElement:
    """SQL WHERE clause: approved pledges in that reporting status (directory filters, reminders)."""
    status = ReportingStatus(status)
    return (Pledge.status == ReviewStatus.APPROVED) & rule.reporting_status_clause(
        Pledge.last_reported_at, Pledge.approved_at, status.value, _day(today))


def needs_report_filter(today: date | datetime | None = None) -> ColumnElement:
    """SQL WHERE clause: approved pledges whose reporting is due or inactive (not current)."""
    current = rule.reporting_status_clause(Pledge.last_reported_at, Pledge.approved_at,
                                           ReportingStatus.CURRENT.value, _day(today))
    return (Pledge.status == ReviewStatus.APPROVED) & not_(current)
