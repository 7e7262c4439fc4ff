"""Registers expressions of interest as a kind of submission in the review back-office.

The review queue and decisions are generic over `p2c.core.submissions`; this module says how to
read an EOI (title, organization, private contact, detail fragment) and what approving one means:
its organization becomes a coalition member.
"""

from __future__ import annotations

from sqlalchemy import exists, literal_column, select

from p2c.core import audit, search
from p2c.core.db import utcnow
from p2c.core.enums import SubmissionKind
from p2c.core.search import in_set
from p2c.core.submissions import SubmissionType, register
from p2c.members.models import ExpressionOfInterest, Organization, eoi_focus_area
from p2c.members.search import organizations_matching
from p2c.reference.models import Country

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


def _eoi_select(f):
    """Queue rows of expressions of interest (title: the organization's name).

    The organization's columns are correlated subqueries and its filters IN/EXISTS lookups, not a
    join, so that counting the queue reads the EOI table alone (see p2c.pledges.kinds.org_name)."""
    m = ExpressionOfInterest
    name = select(Organization.name).where(Organization.id == m.organization_id).scalar_subquery()
    query = select(
        literal_column("'eoi'").label("kind"), m.id.label("id"), m.reference.label("reference"),
        name.label("title"), name.label("organization"),
        m.organization_id.label("organization_id"), m.status.label("status"),
        m.submitted_at.label("submitted_at"), m.assignee_id.label("assignee_id"), m.version.label("version"),
    )
    if f.focus_area:
        query = query.where(exists().where(eoi_focus_area.c.eoi_id == m.id,
                                           eoi_focus_area.c.focus_area_code == f.focus_area))
    if f.region:
        query = query.where(exists().where(Organization.id == m.organization_id,
                                           Country.iso3 == Organization.country_iso3, Country.itu_region == f.region))
    if f.search:
        query = query.where(search.contains(m.reference, f.search)
                            | in_set(m.organization_id, organizations_matching(f.search)))
    return query


EOI = SubmissionType(
    kind=SubmissionKind.EOI,
    model=ExpressionOfInterest,
    title=lambda r: r.organization.name,
    organization=lambda r: r.organization,
    contact=lambda r: r.contact,
    detail_template="review/detail_eoi.html",
    on_approve=_eoi_approved,
    queue_select=_eoi_select,
)

register(EOI)
