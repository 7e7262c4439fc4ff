"""Reads for progress reports: a pledge's reports, the timeline, compliance shares, reminder batches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from p2c.core.enums import ReportingStatus, ReviewStatus
from p2c.core.i18n import ref_name
from p2c.extensions import db
from p2c.implementation.models import ProgressReport, ProgressValue
from p2c.members.models import Contact, Organization
from p2c.pledges import reporting_status as reporting
from p2c.pledges.models import Pledge
from p2c.reference.models import BeneficiaryGroup, Country, FocusArea, StakeholderGroup
from p2c.reference.regions import region_name

# Reports that hold their pledge's year: a rejected or withdrawn one frees it for a new report.
ACTIVE_STATUSES = (ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW, ReviewStatus.CHANGES_REQUESTED,
                   ReviewStatus.APPROVED)


def lock_pledge(pledge_id: int) -> None:
    """Take the pledge's row lock for the rest of the transaction (SELECT ... FOR UPDATE).

    SQLite ignores FOR UPDATE and its reads take no lock until the first write, so two filings could
    both pass the duplicate check; a no-op UPDATE takes SQLite's write lock first, and the second
    filing waits for the first to commit, then sees its report.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(Pledge).where(Pledge.id == pledge_id).values(id=Pledge.id)
                           .execution_options(synchronize_session=False))
    else:
        db.session.execute(select(Pledge.id).where(Pledge.id == pledge_id).with_for_update())


def approved_reports(pledge_id: int) -> list[ProgressReport]:
    """A pledge's approved progress reports, newest year first: the public timeline.

    Each report carries `.values` (with `.target.indicator`) and `.beneficiaries` (with
    `.beneficiary_group`); no private data.
    """
    query = (
        select(ProgressReport)
        .where(ProgressReport.pledge_id == pledge_id, ProgressReport.status == ReviewStatus.APPROVED)
        .options(selectinload(ProgressReport.values).joinedload(ProgressValue.target),
                 selectinload(ProgressReport.beneficiaries))
        .order_by(ProgressReport.period.desc(), ProgressReport.approved_at.desc())
    )
    return list(db.session.scalars(query))


def reports_of_pledge(pledge_id: int) -> list[ProgressReport]:
    """Every report on a pledge, in any status, newest year first (for its focal point)."""
    query = (select(ProgressReport).where(ProgressReport.pledge_id == pledge_id)
             .order_by(ProgressReport.period.desc(), ProgressReport.submitted_at.desc()))
    return list(db.session.scalars(query))


def active_report_for_period(pledge_id: int, period: int, exclude_id: int | None = None) -> ProgressReport | None:
    """The pledge's report for that year that is pending or approved, if any."""
    query = select(ProgressReport).where(
        ProgressReport.pledge_id == pledge_id, ProgressReport.period == period,
        ProgressReport.status.in_(ACTIVE_STATUSES),
    )
    if exclude_id is not None:
        query = query.where(ProgressReport.id != exclude_id)
    return db.session.scalars(query.limit(1)).first()


def suggested_period(pledge: Pledge, periods: list[int]) -> int | None:
    """The year to pre-select: the last full year if it has no report yet, else the newest free year."""
    taken = set(db.session.scalars(select(ProgressReport.period).where(
        ProgressReport.pledge_id == pledge.id, ProgressReport.status.in_(ACTIVE_STATUSES))))
    free = [y for y in periods if y not in taken]
    if not free:
        return periods[0] if periods else None
    last_full = periods[0] - 1 if periods else None
    return last_full if last_full in free else free[0]


def report_by_reference(pledge_id: int, reference: str) -> ProgressReport | None:
    """One report of a pledge, by its reference."""
    return db.session.scalars(select(ProgressReport).where(
        ProgressReport.pledge_id == pledge_id, ProgressReport.reference == reference)).first()


def beneficiary_groups() -> list[BeneficiaryGroup]:
    """All beneficiary groups, in their reference order."""
    return list(db.session.scalars(select(BeneficiaryGroup).order_by(BeneficiaryGroup.position)))


# Compliance -------------------------------------------------------------------------------------

@dataclass
class ComplianceRow:
    """Approved pledges of one group, split by reporting status."""

    code: str
    name: str
    current: int = 0
    due: int = 0
    inactive: int = 0

    @property
    def total(self) -> int:
        """All approved pledges of the group."""
        return self.current + self.due + self.inactive

    def share(self, status: str) -> float:
        """The share (0..1) of the group's pledges with that reporting status."""
        return getattr(self, status) / self.total if self.total else 0.0


def _dimensions() -> dict[str, tuple]:
    """dimension -> (group column, reference code / name / position columns, joins)."""
    lead_country = Country.iso3 == Organization.country_iso3
    return {
        "focus_area": (Pledge.focus_area_code, FocusArea.code, FocusArea.name, FocusArea.position, ()),
        "region": (Country.itu_region, None, None, None,
                   ((Organization, Organization.id == Pledge.lead_organization_id), (Country, lead_country))),
        "stakeholder_group": (Organization.stakeholder_group_code, StakeholderGroup.code, StakeholderGroup.name,
                              StakeholderGroup.position,
                              ((Organization, Organization.id == Pledge.lead_organization_id),)),
    }


def compliance(today: date | datetime | None = None) -> dict[str, list[ComplianceRow]]:
    """Approved pledges current / due / inactive, by focus area, ITU region of the lead organization
    and stakeholder group: one GROUP BY query per dimension, plus a total row under key "all"."""
    status = reporting.status_expression(today).label("rs")
    result: dict[str, list[ComplianceRow]] = {}
    for dimension, (column, ref_code, ref_label, ref_position, joins) in _dimensions().items():
        key = func.coalesce(column, "").label("k")
        query = select(key, status, func.count()).select_from(Pledge)
        for model, on in joins:
            query = query.outerjoin(model, on)
        query = query.where(Pledge.status == ReviewStatus.APPROVED).group_by(key, status)
        rows: dict[str, ComplianceRow] = {}
        for code, rs, count in db.session.execute(query):
            row = rows.setdefault(code, ComplianceRow(code=code, name=code))
            setattr(row, rs, count)
        if ref_code is not None:
            names = {c: (n, p) for c, n, p in db.session.execute(select(ref_code, ref_label, ref_position))}
            for row in rows.values():
                row.name = ref_name(names.get(row.code, (row.code, 0))[0])
            result[dimension] = sorted(rows.values(), key=lambda r: (names.get(r.code, ("", 999))[1], r.code))
        else:
            for row in rows.values():
                row.name = region_name(row.code) if row.code else _("Unknown")
            result[dimension] = sorted(rows.values(), key=lambda r: (r.code == "", r.code))
    total = ComplianceRow(code="all", name=_("All approved pledges"))
    for row in result["focus_area"]:
        for name in ("current", "due", "inactive"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    result["all"] = [total]
    return result


# Reminders --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReminderCandidate:
    """What a reminder needs: the pledge, its focal point's address and language, its status."""

    pledge_id: int
    reference: str
    title: str
    email: str
    language: str
    status: ReportingStatus


def _reminder_query(now: datetime, interval_days: int):
    reminded_before = now - timedelta(days=interval_days)
    return (
        select(Pledge.id, Pledge.reference, Pledge.title, Contact.email, Contact.language,
               reporting.status_expression(now).label("rs"))
        .join(Contact, Contact.id == Pledge.focal_point_id)
        .where(
            reporting.needs_report_filter(now),
            (Pledge.last_reminded_at.is_(None)) | (Pledge.last_reminded_at < reminded_before),
        )
    )


def count_reminder_candidates(now: datetime, interval_days: int) -> int:
    """How many due or inactive pledges would get a reminder now."""
    subquery = _reminder_query(now, interval_days).subquery()
    return db.session.scalar(select(func.count()).select_from(subquery)) or 0


def reminder_batch(now: datetime, interval_days: int, after_id: int, limit: int) -> list[ReminderCandidate]:
    """The next `limit` candidates with a pledge id above `after_id` (keyset: constant memory)."""
    query = _reminder_query(now, interval_days).where(Pledge.id > after_id).order_by(Pledge.id).limit(limit)
    return [ReminderCandidate(pid, ref, title, email, language or "en", ReportingStatus(rs))
            for pid, ref, title, email, language, rs in db.session.execute(query)]


def progress_history(pledge: Pledge) -> list[ProgressReport]:
    """The pledge's approved progress reports, oldest first."""
    return list(db.session.scalars(select(ProgressReport).where(
        ProgressReport.pledge_id == pledge.id, ProgressReport.status == ReviewStatus.APPROVED)
        .order_by(ProgressReport.period, ProgressReport.approved_at)))


def milestones_done(pledge: Pledge) -> dict[int, bool]:
    """{milestone id: done} from the pledge's latest approved report (the one latest-report rule);
    a milestone that report does not mention is left out (not reported)."""
    from p2c.implementation.latest import latest_approved_reports
    from p2c.implementation.models import ProgressMilestone

    latest = latest_approved_reports(ProgressReport.pledge_id == pledge.id).subquery()
    return dict(db.session.execute(select(ProgressMilestone.milestone_id, ProgressMilestone.done)
                                   .where(ProgressMilestone.report_id.in_(select(latest.c.id)))).all())
