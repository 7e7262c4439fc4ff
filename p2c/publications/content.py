"""What a published report freezes, read from the database as of a cut-off date (reads only).

A pledge counts as of the cut-off when it was approved on or before that day, even if it was withdrawn
afterwards (see `_approved_by`); its implementation status is the one of its latest approved report by
then; its reporting status is computed on the cut-off day. Lists are capped so a report stays readable
at any scale; their totals are not.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select

from p2c.core import reporting_status as reporting_rule
from p2c.core.enums import ImplementationStatus, ReportingStatus, ReviewStatus
from p2c.extensions import db
from p2c.implementation.models import ProgressReport
from p2c.members.models import Organization
from p2c.pledges.models import Pledge, pledge_country

# 2: counts are whole numbers (p2c.core.counts): the report's pages and CSV round the counts of content of
# version 2 (p2c.publications.queries.counts_whole); content frozen before is shown as it was frozen.
SCHEMA_VERSION = 2
SECTIONS = ("foreword", "key_findings", "case_studies", "outlook")
NEW_PLEDGES_MAX = 200
LARGEST_MAX = 10
HIGHLIGHTS_MAX = 10
EXCERPT_CHARS = 280


def _end_of(day: date) -> datetime:
    """The first moment after `day` (approvals strictly before it count)."""
    return datetime.combine(day + timedelta(days=1), time.min)


def _approved_by(cutoff: date):
    """Pledges that were approved at the end of the cut-off day, whatever their status now.

    An approved pledge can only be withdrawn afterwards (p2c.core.workflow), and withdrawing sets
    `decided_at` (p2c.pledges.services.withdraw), so a withdrawn pledge with `approved_at` still counted
    when its withdrawal came after the cut-off. The values read are the pledge's current ones: an
    approved pledge is not edited through the workflow, and no history of its fields is kept.
    """
    end = _end_of(cutoff)
    still_or_later = or_(Pledge.status == ReviewStatus.APPROVED,
                         and_(Pledge.status == ReviewStatus.WITHDRAWN, Pledge.decided_at >= end))
    return and_(Pledge.approved_at.is_not(None), Pledge.approved_at < end, still_or_later,
                Pledge.public_from.is_(None) | (Pledge.public_from < end))


def _pledge_rows(query) -> list[dict]:
    rows = []
    for p, org_name in db.session.execute(query):
        rows.append({
            "reference": p.reference, "title": p.title, "organization": org_name,
            "focus_area": p.focus_area_code, "pledge_type": p.pledge_type_code,
            "usd_value": p.usd_value, "amount": p.amount, "currency": p.currency_code,
            "approved_on": p.approved_at.date() if p.approved_at else None,
        })
    return rows


def _pledge_select():
    return (select(Pledge, Organization.name)
            .join(Organization, Organization.id == Pledge.lead_organization_id))


def _summary(cutoff: date, previous: date | None) -> dict[str, Any]:
    approved = _approved_by(cutoff)
    count, usd = db.session.execute(
        select(func.count(Pledge.id), func.coalesce(func.sum(Pledge.usd_value), 0)).where(approved)).one()
    organizations = db.session.scalar(select(func.count(func.distinct(Pledge.lead_organization_id))).where(approved))
    countries = db.session.scalar(
        select(func.count(func.distinct(pledge_country.c.country_iso3)))
        .join(Pledge, Pledge.id == pledge_country.c.pledge_id).where(approved))
    new = approved if previous is None else and_(approved, Pledge.approved_at >= _end_of(previous))
    new_count, new_usd = db.session.execute(
        select(func.count(Pledge.id), func.coalesce(func.sum(Pledge.usd_value), 0)).where(new)).one()
    by_area = [
        {"focus_area": code, "pledges": n, "usd_value": Decimal(v or 0)}
        for code, n, v in db.session.execute(
            select(Pledge.focus_area_code, func.count(Pledge.id), func.coalesce(func.sum(Pledge.usd_value), 0))
            .where(approved).group_by(Pledge.focus_area_code).order_by(Pledge.focus_area_code))
    ]
    return {
        "pledges": count, "usd_value": Decimal(usd), "organizations": organizations or 0,
        "countries": countries or 0, "new_pledges": new_count, "new_usd_value": Decimal(new_usd),
        "by_focus_area": by_area,
    }, new


def _latest_reports_subquery(cutoff: date):
    """Per pledge, the latest year with an approved report by the cut-off."""
    r = ProgressReport
    return (select(r.pledge_id, func.max(r.period).label("period"), func.max(r.approved_at).label("reported_at"))
            .where(r.status == ReviewStatus.APPROVED, r.approved_at < _end_of(cutoff))
            .group_by(r.pledge_id).subquery())


def _statuses(cutoff: date) -> tuple[dict, dict]:
    """(implementation status counts, reporting status counts) of pledges approved by the cut-off."""
    latest = _latest_reports_subquery(cutoff)
    r = ProgressReport
    impl_counts = dict.fromkeys(ImplementationStatus.values(), 0)
    query = (select(r.implementation_status, func.count())
             .join(latest, and_(latest.c.pledge_id == r.pledge_id, latest.c.period == r.period))
             .join(Pledge, Pledge.id == r.pledge_id)
             .where(r.status == ReviewStatus.APPROVED, r.approved_at < _end_of(cutoff), _approved_by(cutoff))
             .group_by(r.implementation_status))
    reported = 0
    for status, n in db.session.execute(query):
        impl_counts[ImplementationStatus(status).value] += n
        reported += n
    total = db.session.scalar(select(func.count(Pledge.id)).where(_approved_by(cutoff))) or 0
    impl_counts[ImplementationStatus.NOT_STARTED.value] += max(total - reported, 0)

    expr = reporting_rule.reporting_status_expr(latest.c.reported_at, Pledge.approved_at, cutoff).label("rs")
    rep_counts = dict.fromkeys(ReportingStatus.values(), 0)
    for status, n in db.session.execute(
            select(expr, func.count()).select_from(Pledge).outerjoin(latest, latest.c.pledge_id == Pledge.id)
            .where(_approved_by(cutoff)).group_by(expr)):
        rep_counts[status] += n
    return impl_counts, rep_counts


def _highlights(cutoff: date) -> dict[str, list[dict]]:
    """Completed pledges and excerpts of the latest approved reports, by the cut-off."""
    r = ProgressReport
    base = (select(r, Pledge.reference, Pledge.title, Organization.name)
            .join(Pledge, Pledge.id == r.pledge_id)
            .join(Organization, Organization.id == Pledge.lead_organization_id)
            .where(r.status == ReviewStatus.APPROVED, r.approved_at < _end_of(cutoff), _approved_by(cutoff)))

    def rows(query) -> list[dict]:
        out = []
        for report, reference, title, org in db.session.execute(query):
            text = " ".join(report.narrative.split())
            out.append({
                "pledge": reference, "title": title, "organization": org, "report": report.reference,
                "period": report.period, "implementation_status": report.implementation_status,
                "usd_disbursed": report.usd_disbursed,
                "excerpt": text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…",
            })
        return out

    completed = base.where(r.implementation_status == ImplementationStatus.COMPLETED)
    return {
        "completed": rows(completed.order_by(r.approved_at.desc(), r.id.desc()).limit(HIGHLIGHTS_MAX)),
        "latest_reports": rows(base.order_by(r.approved_at.desc(), r.id.desc()).limit(HIGHLIGHTS_MAX)),
    }


def _figures(cutoff: date) -> Any:
    """The /progress figures as of the cut-off, from the reporting feature."""
    from p2c.reporting.queries import progress_figures

    return progress_figures(as_of=cutoff)


def build_content(cutoff: date, previous_cutoff: date | None, sections: dict[str, str],
                  translations: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """Everything a report shows, as plain data (not yet canonical).

    `translations` ({language code: {"title" or a section name: text}}) are the team's translations of
    its title and narrative; they are frozen and hashed with the rest, and only present when given (so
    a report without them keeps the content, and the hash, it always had).
    """
    summary, new_clause = _summary(cutoff, previous_cutoff)
    implementation, reporting = _statuses(cutoff)
    new_pledges = _pledge_rows(_pledge_select().where(new_clause)
                               .order_by(Pledge.usd_value.desc().nulls_last(), Pledge.id).limit(NEW_PLEDGES_MAX))
    largest = _pledge_rows(_pledge_select().where(_approved_by(cutoff), Pledge.usd_value.is_not(None))
                           .order_by(Pledge.usd_value.desc(), Pledge.id).limit(LARGEST_MAX))
    return {
        "schema_version": SCHEMA_VERSION,
        "cutoff": cutoff,
        "previous_cutoff": previous_cutoff,
        "summary": summary,
        "implementation_status": implementation,
        "reporting_status": reporting,
        "new_pledges": new_pledges,
        "largest_pledges": largest,
        "highlights": _highlights(cutoff),
        "sections": {name: (sections.get(name) or "").strip() for name in SECTIONS},
        "figures": _figures(cutoff),
        **({"translations": clean} if (clean := _translations(translations)) else {}),
    }


def _translations(translations: dict[str, dict[str, str]] | None) -> dict[str, dict[str, str]]:
    """Only the non-empty translated texts of known parts, by language."""
    parts = ("title", *SECTIONS)
    out = {}
    for lang, texts in (translations or {}).items():
        kept = {part: text.strip() for part, text in texts.items() if part in parts and (text or "").strip()}
        if kept:
            out[lang] = kept
    return out
