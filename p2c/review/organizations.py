"""Organization records in the back-office: list, edit (with optimistic lock), merge duplicates.

Organization records change only here, by staff: the edit form, a merge, or the approval of an
expression of interest that created the record (`apply_proposal`); a submitter's edit only changes
the proposal stored on the submission. A new name and country that another record already has is
refused with a message (the identity is unique; merge instead).

Merging moves everything that points at the merged organization to the one kept: pledges it leads,
partner links (without creating a duplicate link), expressions of interest, and (through the
`organizations_merged` signal) what higher features keep for it, such as API tokens. The
merged record keeps its row (audit events and old links still make sense) with `merged_into_id`
set, and is hidden from lists. Both records get an audit event. Services never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, or_, select, update

from p2c.core import audit
from p2c.core import search as text_search
from p2c.core.db import utcnow
from p2c.core.enums import SubmissionKind
from p2c.core.errors import NotFound, ServiceError
from p2c.core.signals import organization_changed, organization_usage, organizations_merged
from p2c.extensions import db
from p2c.members.identity import name_key
from p2c.members.models import ExpressionOfInterest, Organization
from p2c.pledges.models import Pledge, pledge_partner
from p2c.review.queries import MAX_ID
from p2c.review.services import _flush, check_version

EDITABLE = ["name", "acronym", "stakeholder_group_code", "country_iso3", "website", "itu_member", "public_listing"]
# Fields the progress figures break pledges down by (through their lead organization).
COUNTED = {"stakeholder_group_code", "country_iso3"}
PER_PAGE = 50


def _not_found() -> NotFound:
    return NotFound(_("This organization does not exist."))


def get_organization(org_id: int) -> Organization:
    """The organization, or a 404 ServiceError."""
    org = db.session.get(Organization, org_id) if 0 < org_id <= MAX_ID else None
    if org is None:
        raise _not_found()
    return org


# --- reads -----------------------------------------------------------------------------------

@dataclass
class OrganizationPage:
    """One page of organizations."""

    rows: list
    total: int
    page: int
    pages: int


def list_organizations(search: str = "", page: int = 1) -> OrganizationPage:
    """Visible (not merged) organizations matching `search` (name or acronym), by name."""
    query = select(Organization).where(Organization.merged_into_id.is_(None))
    if search:
        query = query.where(or_(text_search.contains(Organization.name, search),
                                text_search.contains(Organization.acronym, search)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    rows = list(db.session.scalars(query.order_by(Organization.name, Organization.id)
                                   .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    return OrganizationPage(rows, total, page, pages)


def usage(org_id: int) -> dict[str, int]:
    """How many records point at an organization (shown before a merge): pledges, partner links and
    EOIs, then what the `organization_usage` receivers count (API tokens)."""
    counts = {
        "pledges": db.session.scalar(select(func.count()).where(Pledge.lead_organization_id == org_id)) or 0,
        "partner_of": db.session.scalar(select(func.count()).select_from(pledge_partner)
                                        .where(pledge_partner.c.organization_id == org_id)) or 0,
        "eois": db.session.scalar(select(func.count()).where(ExpressionOfInterest.organization_id == org_id)) or 0,
    }
    for _receiver, more in organization_usage.send(current_app._get_current_object(), organization_id=org_id):
        counts.update(more or {})
    return counts


# --- writes ----------------------------------------------------------------------------------

def _announce_change(org_id: int) -> None:
    # Figures count pledges by their lead organization's group and country: an edit of those (or a
    # merge) changes them without touching a Pledge row, so the receivers are told.
    organization_changed.send(current_app._get_current_object(), organization_id=org_id)


def _check_identity_free(org: Organization, name: str, country: str | None) -> None:
    """ServiceError when another record already has this identity (name key and country)."""
    key = name_key(name)
    other = db.session.scalars(select(Organization).where(
        Organization.id != org.id, Organization.name_key == key,
        Organization.country_iso3.is_(None) if country is None else Organization.country_iso3 == country)).first()
    if other is not None:
        raise ServiceError(_("Another organization (no. %(id)d, %(name)s) already has this name and country. "
                             "Merge the two organizations instead.", id=other.id, name=other.name), field="name")


def _change(org: Organization, data: dict[str, Any], **audit_extra: Any) -> Organization:
    """Set the given editable fields, keep the identity unique, re-count the figures, audit."""
    if org.merged_into_id:
        raise ServiceError(_("This organization was merged into another one and can no longer be edited."))
    before = audit.snapshot(org, EDITABLE)
    new_name = data.get("name", org.name)
    new_country = data.get("country_iso3", org.country_iso3)
    if name_key(new_name) != org.name_key or new_country != org.country_iso3:
        _check_identity_free(org, new_name, new_country)
    for name in EDITABLE:
        if name in data:
            setattr(org, name, data[name])
    after = audit.snapshot(org, EDITABLE)
    if before == after:
        return org
    _flush()
    changed = [k for k in EDITABLE if before[k] != after[k]]
    if COUNTED.intersection(changed):
        _announce_change(org.id)
    audit.record("edit", "organization", org.id, label=org.name,
                 before={k: before[k] for k in changed}, after={**{k: after[k] for k in changed}, **audit_extra})
    return org


def update_organization(org_id: int, data: dict[str, Any], expected_version: int | None) -> Organization:
    """Change the editable fields; Conflict when someone else saved since `expected_version`;
    ServiceError when the new name and country are another organization's (merge instead)."""
    org = get_organization(org_id)
    if org.merged_into_id:
        raise ServiceError(_("This organization was merged into another one and can no longer be edited."))
    check_version(org, expected_version)
    return _change(org, data)


def proposal(eoi: ExpressionOfInterest) -> dict[str, Any]:
    """The organization details an expression of interest proposes, as organization fields."""
    return {"name": eoi.proposed_name or eoi.organization.name, "acronym": eoi.proposed_acronym,
            "stakeholder_group_code": eoi.proposed_stakeholder_group_code or eoi.organization.stakeholder_group_code,
            "country_iso3": eoi.proposed_country_iso3, "website": eoi.proposed_website}


def proposed_changes(eoi: ExpressionOfInterest) -> dict[str, tuple[Any, Any]]:
    """{field: (on the record, proposed)} where the submission's details differ from the organization."""
    org = eoi.organization
    return {k: (getattr(org, k), v) for k, v in proposal(eoi).items() if (getattr(org, k) or None) != (v or None)}


def apply_proposal(eoi: ExpressionOfInterest) -> Organization:
    """On approval: the submitter's organization details reach the organization record, but only when
    this submission created that record (nobody else's data changes). For an organization that
    existed before, the details stay a proposal the reviewer can copy through the organization form.
    ServiceError when the proposed name and country belong to another organization (merge instead).
    """
    org = eoi.organization
    if not eoi.creates_organization or not proposed_changes(eoi):
        return org
    return _change(org, proposal(eoi), eoi=eoi.reference)


def merge_organizations(keep_id: int, merge_id: int) -> Organization:
    """Merge organization `merge_id` into `keep_id` and return the one kept."""
    if keep_id == merge_id:
        raise ServiceError(_("Choose a different organization to keep."), field="keep_id")
    keep, merged = get_organization(keep_id), get_organization(merge_id)
    if keep.merged_into_id:
        raise ServiceError(_("The organization to keep was itself merged into another one."), field="keep_id")
    if merged.merged_into_id:
        raise ServiceError(_("This organization is already merged."))
    moved = usage(merge_id)
    pledges = db.session.execute(update(Pledge).where(Pledge.lead_organization_id == merge_id)
                                 .values(lead_organization_id=keep_id, version=Pledge.version + 1)
                                 .execution_options(synchronize_session=False))
    # Partner links: drop those that would duplicate an existing link (or make the lead its own partner).
    partner_pledges = set(db.session.scalars(select(pledge_partner.c.pledge_id)
                                             .where(pledge_partner.c.organization_id == merge_id)))
    already = set(db.session.scalars(select(pledge_partner.c.pledge_id)
                                     .where(pledge_partner.c.organization_id == keep_id)))
    led = set(db.session.scalars(select(Pledge.id).where(Pledge.lead_organization_id == keep_id)))
    db.session.execute(delete(pledge_partner).where(pledge_partner.c.organization_id == merge_id))
    to_link = sorted(partner_pledges - already - led)
    if to_link:
        db.session.execute(insert(pledge_partner), [{"pledge_id": p, "organization_id": keep_id} for p in to_link])
    db.session.execute(update(ExpressionOfInterest).where(ExpressionOfInterest.organization_id == merge_id)
                       .values(organization_id=keep_id, version=ExpressionOfInterest.version + 1)
                       .execution_options(synchronize_session=False))
    organizations_merged.send(current_app._get_current_object(), keep_id=keep_id, merged_id=merge_id)
    if merged.is_member and not keep.is_member:
        keep.is_member, keep.member_since = True, merged.member_since
    merged.merged_into_id = keep.id
    merged.is_member = False
    keep.updated_at = utcnow()  # the kept record changed (it gained records): its version moves on
    _flush()
    db.session.expire_all()  # the bulk updates bypassed the identity map
    _announce_change(keep_id)  # it now leads the pledges it took over
    audit.record("merge", "organization", merge_id, label=merged.name,
                 before={"merged_into_id": None}, after={"merged_into_id": keep_id, "moved": moved})
    audit.record("merge", "organization", keep_id, label=keep.name,
                 after={"absorbed_id": merge_id, "absorbed_name": merged.name, "moved": moved,
                        "pledges_moved": pledges.rowcount})
    return keep


# What approving a kind of submission does to organization records, which only review changes.
APPROVAL_EFFECTS = {SubmissionKind.EOI: apply_proposal}
