"""The submission kinds this package reviews: expressions of interest and pledges.

Imported once by the app factory. Each registration says how to read a record's title,
organization and private contact, which template shows it, what approving it means, and how the
queue selects and searches it (`extra["queue_select"]`, `extra["duplicates"]`, see queries.py).
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import exists, func, literal_column, select
from werkzeug.routing import BuildError

from p2c.core import audit
from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus, SubmissionKind
from p2c.members.models import ExpressionOfInterest, Organization, eoi_focus_area
from p2c.pledges.models import Pledge, pledge_country
from p2c.pledges.reporting_status import reporting_status_filter
from p2c.reference.models import Country
from p2c.review import duplicates
from p2c.review.registry import SubmissionType, register

MEMBERSHIP_FIELDS = ["is_member", "member_since"]


def _eoi_approved(record: ExpressionOfInterest) -> None:
    """Approving an expression of interest makes its organization a coalition member (audited as an edit)."""
    org = record.organization
    if not org.is_member:
        before = audit.snapshot(org, MEMBERSHIP_FIELDS)
        org.is_member = True
        org.member_since = utcnow().date()
        audit.record("edit", "organization", org.id, label=org.name, before=before,
                     after={**audit.snapshot(org, MEMBERSHIP_FIELDS), "eoi": record.reference})


def _pledge_approved(record: Pledge) -> None:
    """An approved pledge counts from the moment it was approved."""
    record.approved_at = utcnow()


def _pledge_public_url(record: Pledge) -> str | None:
    """The public page of an approved pledge (None before approval or without the pledges pages)."""
    if record.status != ReviewStatus.APPROVED:
        return None
    try:
        return url_for("pledges.detail", ref=record.reference)
    except (BuildError, RuntimeError):  # no public pledge pages in this app, or no request to build on
        return None


def _eoi_select(f):
    """Queue rows of expressions of interest (title: the organization's name)."""
    m = ExpressionOfInterest
    query = (
        select(
            literal_column("'eoi'").label("kind"), m.id.label("id"), m.reference.label("reference"),
            Organization.name.label("title"), Organization.name.label("organization"),
            m.organization_id.label("organization_id"), m.status.label("status"),
            m.submitted_at.label("submitted_at"), m.assignee_id.label("assignee_id"), m.version.label("version"),
        )
        .join(Organization, Organization.id == m.organization_id)
    )
    if f.focus_area:
        query = query.where(exists().where(eoi_focus_area.c.eoi_id == m.id,
                                           eoi_focus_area.c.focus_area_code == f.focus_area))
    if f.region:
        query = query.where(exists().where(Country.iso3 == Organization.country_iso3,
                                           Country.itu_region == f.region))
    if f.search:
        like = f"%{f.search.lower()}%"
        query = query.where(func.lower(m.reference).like(like) | func.lower(Organization.name).like(like)
                            | func.lower(Organization.acronym).like(like))
    return query


def _pledge_select(f):
    """Queue rows of pledges (region: any target country in the ITU region)."""
    m = Pledge
    query = (
        select(
            literal_column("'pledge'").label("kind"), m.id.label("id"), m.reference.label("reference"),
            m.title.label("title"), Organization.name.label("organization"),
            m.lead_organization_id.label("organization_id"), m.status.label("status"),
            m.submitted_at.label("submitted_at"), m.assignee_id.label("assignee_id"), m.version.label("version"),
        )
        .join(Organization, Organization.id == m.lead_organization_id)
    )
    if f.focus_area:
        query = query.where(m.focus_area_code == f.focus_area)
    if getattr(f, "reporting", ""):
        query = query.where(reporting_status_filter(f.reporting))
    if f.region:
        query = query.where(exists().where(pledge_country.c.pledge_id == m.id,
                                           Country.iso3 == pledge_country.c.country_iso3,
                                           Country.itu_region == f.region))
    if f.search:
        like = f"%{f.search.lower()}%"
        query = query.where(func.lower(m.reference).like(like) | func.lower(m.title).like(like)
                            | func.lower(Organization.name).like(like) | func.lower(Organization.acronym).like(like))
    return query


def register_kinds() -> None:
    """Register the EOI and pledge kinds (idempotent)."""
    register(SubmissionType(
        kind=SubmissionKind.EOI,
        model=ExpressionOfInterest,
        title=lambda r: r.organization.name,
        organization=lambda r: r.organization,
        contact=lambda r: r.contact,
        detail_template="review/detail_eoi.html",
        on_approve=_eoi_approved,
        extra={"queue_select": _eoi_select, "duplicates": duplicates.eoi_duplicates},
    ))
    register(SubmissionType(
        kind=SubmissionKind.PLEDGE,
        model=Pledge,
        title=lambda r: r.title,
        organization=lambda r: r.lead_organization,
        contact=lambda r: r.focal_point,
        detail_template="review/detail_pledge.html",
        on_approve=_pledge_approved,
        public_url=_pledge_public_url,
        extra={"queue_select": _pledge_select, "duplicates": duplicates.pledge_duplicates,
               "reporting_filter": True},
    ))


register_kinds()
