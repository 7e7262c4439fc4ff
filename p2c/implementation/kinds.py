"""Registers progress reports as a kind of submission in the review back-office.

The review queue and decisions are generic over `p2c.core.submissions`; this module says how to read
a report (title, organization, private contact, detail fragment) and what a decision means for its
pledge, through the kind's hooks (`on_approve`, `on_decided`), which the review services run for
every decision; nothing else reacts to a report's decision here.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import literal_column, select

from p2c.core.db import utcnow
from p2c.core.enums import FigureLevel, ReviewStatus, SubmissionKind
from p2c.core.submissions import SubmissionType, register
from p2c.extensions import db
from p2c.implementation import notifications, services
from p2c.implementation.models import ProgressReport
from p2c.pledges.models import Pledge


def _title(report: ProgressReport) -> str:
    return f"{report.pledge.title} ({report.period})"


def _on_approve(report: ProgressReport) -> None:
    report.approved_at = utcnow()
    if report.figure_level == FigureLevel.SELF_REPORTED:
        report.figure_level = FigureLevel.REVIEWED  # the team has now reviewed its figures
    services.sync_pledge(report, ReviewStatus.APPROVED)
    notifications.report_approved_to_partners(report)


def _queue_select(f: Any):
    """Queue rows of progress reports: the pledge's title and lead organization; its filters apply."""
    from p2c.pledges.kinds import lead_name, pledge_conditions

    m = ProgressReport
    lead = select(Pledge.lead_organization_id).where(Pledge.id == m.pledge_id).scalar_subquery()
    query = select(
        literal_column("'progress_report'").label("kind"), m.id.label("id"), m.reference.label("reference"),
        select(Pledge.title).where(Pledge.id == m.pledge_id).scalar_subquery().label("title"),
        lead_name(m.pledge_id).label("organization"), lead.label("organization_id"), m.status.label("status"),
        m.submitted_at.label("submitted_at"), m.assignee_id.label("assignee_id"), m.version.label("version"),
    )
    return query.where(*pledge_conditions(m.pledge_id, m.reference, f))


def _on_decided(report: ProgressReport, old: Any, new: Any) -> None:
    # Withdrawing an approved report (or any later change away from approved) hands the pledge's
    # status back to its remaining approved reports.
    if old is not None and ReviewStatus(old) == ReviewStatus.APPROVED and ReviewStatus(new) != ReviewStatus.APPROVED:
        services.sync_pledge(report, ReviewStatus(new))


def _public_url(report: ProgressReport) -> str | None:
    if report.status != ReviewStatus.APPROVED:
        return None
    try:
        return url_for("pledges.detail", ref=report.pledge.reference)
    except Exception:  # noqa: BLE001 - the pledge page belongs to another feature; no link without it
        return None


def _private_link(report: ProgressReport, email: str, lang: str | None = None) -> str:
    # The access pages open pledges and EOIs only: a report opens through its pledge's link.
    return notifications.pledge_link(report.pledge, f"/reports/{report.reference}", lang)


def _broad_search(text: str) -> bool:
    """A report matches a search through its pledge's title and lead organization: broad when the
    pledges' search is (p2c.pledges.search.is_common)."""
    from p2c.pledges.search import is_common

    return is_common(text)


def _report_details(ids: list[int]) -> dict[int, dict]:
    """The queue's details line of a progress report is its pledge's (focus area, USD, countries)."""
    from p2c.pledges.kinds import pledge_details

    pledge_of = dict(db.session.execute(select(ProgressReport.id, ProgressReport.pledge_id)
                                        .where(ProgressReport.id.in_(ids))).all())
    details = pledge_details(sorted(set(pledge_of.values())))
    return {rid: details[pid] for rid, pid in pledge_of.items() if pid in details}


PROGRESS_REPORT = SubmissionType(
    kind=SubmissionKind.PROGRESS_REPORT,
    model=ProgressReport,
    title=_title,
    organization=lambda report: report.pledge.lead_organization,
    contact=lambda report: report.pledge.focal_point,
    detail_template="implementation/review_detail.html",
    on_approve=_on_approve,
    on_decided=_on_decided,
    public_url=_public_url,
    private_link=_private_link,
    queue_select=_queue_select,
    queue_details=_report_details,
    broad_search=_broad_search,
)

register(PROGRESS_REPORT)
