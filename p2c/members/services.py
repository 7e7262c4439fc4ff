"""Writes for /join: organizations, private contacts, expressions of interest, form nonces.

Services take validated plain data, change state, flush, audit, queue mail, and never commit.
"""

from __future__ import annotations

import secrets

from p2c.core import audit
from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus
from p2c.core.errors import Conflict
from p2c.core.models import IdempotencyKey
from p2c.core.workflow import Action, next_status
from p2c.extensions import db
from p2c.members import notifications, queries
from p2c.members.constants import eoi_reference
from p2c.members.identity import name_key
from p2c.members.models import CallForInterest, Contact, ExpressionOfInterest, Organization
from p2c.reference.models import FocusArea

EOI_FIELDS = ["reference", "status", "organization_id", "contribution", "consent_public", "language",
              "proposed_name", "proposed_acronym", "proposed_stakeholder_group_code", "proposed_country_iso3",
              "proposed_website", "creates_organization"]


def _propose(eoi: ExpressionOfInterest, values: dict) -> None:
    """Store the organization details the submitter gave on the submission, never on the organization."""
    eoi.proposed_name = values["name"]
    eoi.proposed_acronym = values.get("acronym") or ""
    eoi.proposed_stakeholder_group_code = values.get("stakeholder_group") or None
    eoi.proposed_country_iso3 = values.get("country") or None
    eoi.proposed_website = values.get("website") or ""


ORGANIZATION_FIELDS = ["name", "acronym", "stakeholder_group_code", "country_iso3", "website"]


def get_or_create_organization(values: dict, *, is_member: bool = False,
                               actor_label: str = "public form") -> tuple[Organization, bool]:
    """The organization these values identify, or a new one from them. Returns (organization, created).

    `values`: name (required), country (ISO3 or None), and for a new record acronym,
    stakeholder_group, website, public_listing. Identity and matching: `queries.match_organization`.
    An existing record is returned unchanged: a submitter never edits a shared organization.

    Safe under concurrency: the row is written with INSERT ... ON CONFLICT DO NOTHING against the
    unique identity key, so when two requests both find nothing and both insert, the database keeps
    one row and the other request reads it back (on PostgreSQL its insert waits for the first
    transaction, then sees its committed row; SQLite serializes writers).
    """
    country = values.get("country") or None
    existing = queries.match_organization(values["name"], country)
    if existing is not None:
        return existing, False
    now = utcnow()
    row = {
        "name": values["name"], "name_key": name_key(values["name"]), "acronym": values.get("acronym") or "",
        "stakeholder_group_code": values.get("stakeholder_group") or "other", "country_iso3": country,
        "website": values.get("website") or "", "itu_member": False, "is_member": is_member,
        "member_since": now.date() if is_member else None,
        "public_listing": bool(values.get("public_listing", False)), "created_at": now, "updated_at": now,
        "version": 1,
    }
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    new_id = db.session.execute(
        insert(Organization).values(**row).on_conflict_do_nothing().returning(Organization.id)).scalar()
    if new_id is None:  # another request created it between our look-up and our insert
        found = queries.match_organization(values["name"], country)
        if found is None:  # the conflict was on a record this rule does not match: a bug, not a race
            raise RuntimeError(f"organization identity conflict without a match: {row['name_key']!r}")
        return found, False
    org = db.session.get(Organization, new_id)
    audit.record("create", "organization", org.id, label=org.name, after=audit.snapshot(org, ORGANIZATION_FIELDS),
                 actor_label=actor_label)
    return org, True


def new_contact(values: dict, ui_language: str) -> Contact:
    """A private contact; `ui_language` is the language the person used the site in (for e-mails)."""
    contact = Contact(name=values["name"], title=values.get("title") or "", email=values["email"],
                      phone=values.get("phone") or "", language=ui_language)
    db.session.add(contact)
    db.session.flush()
    return contact


def claim_nonce(scope: str, key: str | None, result_type: str, result_id: int) -> None:
    """Remember that this form nonce created this record (same transaction as the record).

    Two simultaneous submits with one nonce collide on the primary key at commit; the view then
    rolls back and shows the first record.
    """
    if key:
        db.session.add(IdempotencyKey(key=key, scope=scope, result_type=result_type, result_id=result_id))
        db.session.flush()


def create_eoi(data: dict, *, call: CallForInterest | None, ui_language: str,
               nonce: str | None = None) -> tuple[ExpressionOfInterest, bool]:
    """Record an expression of interest; returns (eoi, created). A nonce seen before returns its EOI."""
    seen = queries.idempotent_result("eoi_form", nonce or "")
    if seen is not None and seen.result_id is not None:
        found = db.session.get(ExpressionOfInterest, seen.result_id)
        if found is not None:
            return found, False
    org_values = dict(data["organization"], public_listing=data.get("consent_public", False))
    organization, created = get_or_create_organization(org_values)
    contact = new_contact(data["focal_point"], ui_language)
    now = utcnow()
    eoi = ExpressionOfInterest(
        reference="tmp-" + secrets.token_hex(8), organization=organization, call=call, contact=contact,
        contribution=data["contribution"], language=ui_language, consent_public=bool(data.get("consent_public")),
        status=ReviewStatus.SUBMITTED, submitted_at=now, creates_organization=created,
    )
    _propose(eoi, data["organization"])
    eoi.focus_areas = [db.session.get(FocusArea, code) for code in data["focus_areas"]]
    db.session.add(eoi)
    db.session.flush()
    eoi.reference = eoi_reference(now.year, eoi.id)
    db.session.flush()
    claim_nonce("eoi_form", nonce, "eoi", eoi.id)
    audit.record("create", "eoi", eoi.id, label=eoi.reference, after=audit.snapshot(eoi, EOI_FIELDS),
                 actor_label="focal point")
    notifications.eoi_received(eoi, organization, contact, ui_language)
    return eoi, True


def withdraw_eoi(eoi: ExpressionOfInterest) -> ExpressionOfInterest:
    """The focal point withdraws the expression of interest (through the private link)."""
    before = audit.snapshot(eoi, ["status"])
    eoi.status = next_status(eoi.status, Action.WITHDRAW)
    eoi.decided_at = utcnow()
    flush_versioned()
    audit.record("withdraw", "eoi", eoi.id, label=eoi.reference, before=before,
                 after=audit.snapshot(eoi, ["status"]), actor_label="focal point")
    return eoi


def update_eoi(eoi: ExpressionOfInterest, data: dict, *, expected_version: int) -> ExpressionOfInterest:
    """The focal point's changes after the team asked for them; resubmits the EOI.

    The organization details become a proposal on the submission (`proposed_*`); the organization
    record, which other pledges and the public pages share, is not written. A reviewer applies the
    proposal on approval (`p2c.review.organizations.apply_proposal`).
    """
    if expected_version != eoi.version:
        raise Conflict()
    new_status = next_status(eoi.status, Action.RESUBMIT)
    before = audit.snapshot(eoi, EOI_FIELDS)
    _propose(eoi, data["organization"])
    fp = data["focal_point"]
    eoi.contact.name, eoi.contact.title, eoi.contact.phone = fp["name"], fp.get("title") or "", fp.get("phone") or ""
    eoi.contribution = data["contribution"]
    eoi.consent_public = bool(data.get("consent_public"))
    eoi.focus_areas = [db.session.get(FocusArea, code) for code in data["focus_areas"]]
    eoi.status = new_status
    flush_versioned()
    audit.record("resubmit", "eoi", eoi.id, label=eoi.reference, before=before,
                 after=audit.snapshot(eoi, EOI_FIELDS), actor_label="focal point")
    return eoi


def flush_versioned() -> None:
    """Flush; a concurrent save of the same row becomes a Conflict, never a silent overwrite."""
    from sqlalchemy.orm.exc import StaleDataError

    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict() from None
