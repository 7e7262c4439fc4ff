"""Writes for progress reports: filing, resubmitting after changes were requested, and keeping the
pledge's implementation status in step with its approved reports. Services never commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from p2c.api import services as api_services
from p2c.api.models import ApiToken
from p2c.core import audit
from p2c.core.db import utcnow
from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.core.errors import Conflict, Forbidden, NotAllowed, ServiceError
from p2c.core.workflow import Action, next_status
from p2c.extensions import db
from p2c.implementation import ledger, notifications, queries
from p2c.implementation.models import (
    EvidenceFile,
    ProgressBeneficiary,
    ProgressMilestone,
    ProgressReport,
    ProgressValue,
)
from p2c.pledges.models import Pledge

REPORT_FIELDS = ["period", "implementation_status", "usd_disbursed", "disbursement_explanation", "narrative",
                 "evidence_links", "status", "version"]
PLEDGE_FIELDS = ["implementation_status", "last_reported_at"]


def _duplicate_period_error(period: int) -> ServiceError:
    return ServiceError(
        _("A progress report for %(year)d has already been filed for this pledge. "
          "Choose another year, or wait for the team's decision on the one you sent.", year=period),
        field="period",
    )


def _reference(pledge: Pledge, period: int) -> str:
    """P2C-2026-00042-R2025, with a suffix when an earlier report for that year was rejected or withdrawn."""
    base = f"{pledge.reference}-R{period}"
    taken = set(db.session.scalars(select(ProgressReport.reference).where(
        ProgressReport.pledge_id == pledge.id, ProgressReport.period == period)))
    reference, n = base, 1
    while reference in taken:
        n += 1
        reference = f"{base}-{n}"
    return reference


def _apply(report: ProgressReport, data: dict) -> None:
    """Copy validated plain data onto the report (values and people reached are replaced)."""
    report.period = data["period"]
    report.implementation_status = ImplementationStatus(data["implementation_status"])
    report.entries = [ledger.converted(entry) for entry in data.get("entries") or []]
    for entry in report.entries:
        entry.pledge_id = report.pledge.id
    report.usd_disbursed = data.get("usd_disbursed")
    report.disbursement_explanation = data.get("disbursement_explanation") or ""
    report.narrative = data["narrative"]
    report.evidence_links = list(data.get("evidence_links") or [])
    report.values = [ProgressValue(target_id=tid, achieved_value=value)
                     for tid, value in sorted((data.get("values") or {}).items())]
    report.beneficiaries = [ProgressBeneficiary(beneficiary_code=code, people_reached=people)
                            for code, people in sorted((data.get("beneficiaries") or {}).items())]
    # Files ticked for removal go; new ones are added to those kept (checked by the form: type, sizes, count).
    removed = set(data.get("remove_evidence_ids") or [])
    if removed:
        report.evidence_files = [f for f in report.evidence_files if f.id not in removed]
    for checked in data.get("evidence_files") or []:
        report.evidence_files.append(EvidenceFile(filename=checked.filename, content_type=checked.content_type,
                                                  size=checked.size, sha256=checked.sha256, data=checked.data))
    report.milestones = [ProgressMilestone(milestone_id=mid, done=bool(done))
                         for mid, done in sorted((data.get("milestones") or {}).items())]


def _flush_or_duplicate(period: int) -> None:
    """Flush; a database constraint refusing the row becomes the same clear message."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise _duplicate_period_error(period) from None


def file_report(pledge: Pledge, data: dict, language: str, actor_label: str = "focal point") -> ProgressReport:
    """File a progress report on an approved pledge (from the private link or the API).

    `data`: period, implementation_status, usd_disbursed, disbursement_explanation, narrative,
    evidence_links, values {target id: Decimal}, beneficiaries {group code: int}, as validated by
    the form or `ProgressReportInputSchema`. One report per pledge and year (rejected and withdrawn
    ones do not count). Queues an acknowledgement to the focal point. `actor_label` names who filed it
    in the audit trail (the API passes its token's organization).
    """
    if pledge.status != ReviewStatus.APPROVED:
        raise NotAllowed(_("Progress can only be reported on an approved pledge."))
    # Serialize filings on one pledge (row lock on PostgreSQL; SQLite has a single writer), so a
    # double submit cannot slip two reports for one year past the check below.
    queries.lock_pledge(pledge.id)
    if queries.active_report_for_period(pledge.id, data["period"]) is not None:
        raise _duplicate_period_error(data["period"])
    now = utcnow()
    report = ProgressReport(
        reference=_reference(pledge, data["period"]), pledge=pledge, language=language,
        status=ReviewStatus.SUBMITTED, submitted_at=now,
    )
    _apply(report, data)
    db.session.add(report)
    _flush_or_duplicate(data["period"])
    audit.record("progress_report.submitted", "progress_report", report.id, label=report.reference,
                 after=audit.snapshot(report, REPORT_FIELDS), actor_label=actor_label)
    notifications.report_received(report, language)
    return report


def update_report(report: ProgressReport, data: dict, expected_version: int, language: str) -> ProgressReport:
    """Resubmit a report the team sent back for changes; the second of two concurrent saves gets Conflict."""
    new_status = next_status(report.status, Action.RESUBMIT)
    if expected_version != report.version:
        raise Conflict()
    if data["period"] != report.period and queries.active_report_for_period(
            report.pledge_id, data["period"], exclude_id=report.id) is not None:
        raise _duplicate_period_error(data["period"])
    before = audit.snapshot(report, REPORT_FIELDS)
    _apply(report, data)
    report.status = new_status
    report.submitted_at = utcnow()
    report.language = language
    try:
        _flush_or_duplicate(data["period"])
    except StaleDataError:
        raise Conflict() from None
    audit.record("progress_report.resubmitted", "progress_report", report.id, label=report.reference,
                 before=before, after=audit.snapshot(report, REPORT_FIELDS), actor_label="focal point")
    notifications.report_received(report, language)
    return report


def sync_pledge(report: ProgressReport, report_status: ReviewStatus) -> None:
    """Make the pledge's implementation status and last report date follow its approved reports.

    Called when a decision on `report` is recorded (its new status is `report_status`, which may not
    be written to the record yet). Deterministic and idempotent: the latest approved year wins.
    """
    pledge = report.pledge
    approved = [r for r in queries.approved_reports(pledge.id) if r.id != report.id]
    if report_status == ReviewStatus.APPROVED:
        approved.append(report)
    when = {r.id: (r.approved_at or r.decided_at or utcnow()) for r in approved}
    before = audit.snapshot(pledge, PLEDGE_FIELDS)
    if approved:
        latest = max(approved, key=lambda r: (r.period, when[r.id]))
        pledge.implementation_status = latest.implementation_status
        pledge.last_reported_at = max(when.values())
    else:
        pledge.implementation_status = ImplementationStatus.NOT_STARTED
        pledge.last_reported_at = None
    _derive_running_totals(pledge.id, {r.id for r in approved})
    after = audit.snapshot(pledge, PLEDGE_FIELDS)
    if after != before:
        db.session.flush()
        audit.record("pledge.progress_updated", "pledge", pledge.id, label=pledge.reference,
                     before=before, after=after)


def _derive_running_totals(pledge_id: int, approved_ids: set[int]) -> None:
    """Each report's disbursed to date: the USD value of the entries of the pledge's approved reports of
    its period or earlier, plus its own entries when it is not approved (what it adds once approved).
    A report without entries that adds nothing keeps no total when nothing was disbursed before."""
    reports = queries.reports_of_pledge(pledge_id)
    if not any(r.entries for r in reports):
        return  # nothing in the ledger (reports of tests and imports that give a total only)
    approved = [r for r in reports if r.id in approved_ids]
    for report in reports:
        own = sum((e.usd_value for e in report.entries), Decimal("0.00"))
        earlier = sum((e.usd_value for r in approved if r.period <= report.period and r.id != report.id
                       for e in r.entries), Decimal("0.00"))
        total = earlier + own
        report.usd_disbursed = total if (total or report.entries or report.usd_disbursed is not None) else None


def send_reminders(candidates: list[queries.ReminderCandidate], when: datetime, interval_days: int) -> int:
    """Queue a reminder for each candidate not reminded meanwhile, stamping `last_reminded_at` (one batch).

    The stamp is a conditional UPDATE (still not reminded within `interval_days`) whose RETURNING
    says which pledges this call won: when two workers (or the worker and `flask p2c remind`) take
    the same batch at once, the second waits for the first's commit and then matches none of them,
    so no focal point gets the same reminder twice. Returns how many were queued.
    """
    won = _mark_reminded([c.pledge_id for c in candidates], when, interval_days)
    queued = [c for c in candidates if c.pledge_id in won]
    for candidate in queued:
        notifications.reporting_reminder(candidate)
    if queued:
        audit.record("pledge.reminders_sent", "pledge", None, label=str(len(queued)),
                     after={"pledges": [c.reference for c in queued]}, actor_label="remind")
    return len(queued)


def _mark_reminded(pledge_ids: list[int], when: datetime, interval_days: int) -> set[int]:
    """Stamp the pledges not reminded since `interval_days` before `when`; returns those stamped.

    Bulk, and does not bump the pledges' version (a reminder is not an edit).
    """
    if not pledge_ids:
        return set()
    reminded_before = when - timedelta(days=interval_days)
    return set(db.session.scalars(
        update(Pledge)
        .where(Pledge.id.in_(pledge_ids),
               Pledge.last_reminded_at.is_(None) | (Pledge.last_reminded_at < reminded_before))
        .values(last_reminded_at=when).returning(Pledge.id),
        execution_options={"synchronize_session": False},
    ))



def may_report_on(token: ApiToken, pledge: Pledge) -> bool:
    """The API token's organization leads the pledge or is one of its partners."""
    return token.organization_id == pledge.lead_organization_id or token.organization_id in {
        p.id for p in pledge.partners}


def file_report_through_api(token: ApiToken, pledge: Pledge, data: dict, *, key: str | None, fingerprint: str,
                            render: Callable[[ProgressReport], tuple[dict, str]]) -> tuple[ProgressReport, dict]:
    """File a progress report through `file_report` (the private link's service) for a pledge of the
    token's organization, and store the answer `render(report)` gives under the Idempotency-Key.

    Raises Forbidden when the pledge is not the organization's, and what `file_report` raises."""
    if not may_report_on(token, pledge):
        raise Forbidden(_("This pledge does not belong to your organization."))
    language = pledge.focal_point.language or "en"
    report = file_report(pledge, data, language, actor_label=api_services.actor_label(token))
    body, location = render(report)
    api_services.remember(token, key, fingerprint, "progress_report", report.id, 201, body, location)
    return report, body
