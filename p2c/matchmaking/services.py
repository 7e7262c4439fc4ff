"""Writes of the matchmaking feature: submit a need, ask for an introduction, introduce, record the
outcome. Services never commit; each change is audited."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from p2c.core import audit
from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus
from p2c.core.errors import Conflict, NotAllowed, NotFound, ServiceError
from p2c.core.workflow import Action, next_status
from p2c.extensions import db
from p2c.matchmaking import notifications
from p2c.matchmaking.constants import OUTCOMES, IntroductionStatus, Side, SubmitterKind, need_reference
from p2c.matchmaking.models import Introduction, Need
from p2c.members.services import claim_nonce, new_contact
from p2c.pledges.models import Pledge
from p2c.reference.models import BeneficiaryGroup, Pillar
from p2c.rollups.models import RollupState
from p2c.rollups.queries import STATE_ID

NEED_FIELDS = ["reference", "status", "submitter_kind", "authority", "country_iso3", "title", "focus_area_code",
               "pledge_type_code", "quantity", "quantity_unit", "start_year", "end_year", "language"]


def bump_public_version() -> None:
    """The public figures' data version moves on (the /progress page's cache shows needs met and open)."""
    db.session.execute(update(RollupState).where(RollupState.id == STATE_ID)
                       .values(version=RollupState.version + 1))


def create_need(data: dict, ui_language: str, nonce: str | None = None) -> Need:
    """Record a submitted need (status submitted) with its private contact, and acknowledge it by e-mail."""
    from p2c.members.queries import idempotent_result

    seen = idempotent_result("need_form", nonce or "")
    if seen is not None and seen.result_id is not None and (found := db.session.get(Need, seen.result_id)):
        return found
    now = utcnow()
    need = Need(
        reference="tmp-" + secrets.token_hex(8), submitter_kind=SubmitterKind(data["submitter_kind"]),
        authority=data["authority"], country_iso3=data["country"], title=data["title"],
        description=data["description"], focus_area_code=data["focus_area"], pledge_type_code=data["pledge_type"],
        quantity=data["quantity"], quantity_unit=data["quantity_unit"], start_year=data["start_year"],
        end_year=data["end_year"], contact=new_contact(data["contact"], ui_language), consent_introductions=True,
        language=ui_language, status=ReviewStatus.SUBMITTED, submitted_at=now,
    )
    need.pillars = [db.session.get(Pillar, code) for code in data["pillars"]]
    need.beneficiary_groups = [db.session.get(BeneficiaryGroup, code) for code in data["beneficiary_groups"]]
    db.session.add(need)
    db.session.flush()
    need.reference = need_reference(now.year, need.id)
    db.session.flush()
    claim_nonce("need_form", nonce, "need", need.id)
    audit.record("create", "need", need.id, label=need.reference, after=audit.snapshot(need, NEED_FIELDS),
                 actor_label="need submitter")
    notifications.need_received(need)
    return need


def update_need(need: Need, data: dict, expected_version: int) -> Need:
    """The submitter's changes after the team asked for them; resubmits the need (the contact's e-mail,
    which its private link is bound to, stays)."""
    if expected_version != need.version:
        raise Conflict()
    new_status = next_status(need.status, Action.RESUBMIT)
    before = audit.snapshot(need, NEED_FIELDS)
    need.submitter_kind = SubmitterKind(data["submitter_kind"])
    for name in ("authority", "title", "description", "quantity", "quantity_unit", "start_year", "end_year"):
        setattr(need, name, data[name])
    need.country_iso3, need.focus_area_code, need.pledge_type_code = data["country"], data["focus_area"], \
        data["pledge_type"]
    need.pillars = [db.session.get(Pillar, code) for code in data["pillars"]]
    need.beneficiary_groups = [db.session.get(BeneficiaryGroup, code) for code in data["beneficiary_groups"]]
    contact = data["contact"]
    need.contact.name, need.contact.title, need.contact.phone = contact["name"], contact["title"], contact["phone"]
    need.status = new_status
    _flush()
    audit.record("resubmit", "need", need.id, label=need.reference, before=before,
                 after=audit.snapshot(need, NEED_FIELDS), actor_label="need submitter")
    return need


def request_introduction(need: Need, pledge: Pledge, side: Side, message: str = "") -> Introduction:
    """One side asks the team to introduce a need and a pledge (both approved, the need still open).
    Asking again for the same pair is refused."""
    if need.status != ReviewStatus.APPROVED or pledge.status != ReviewStatus.APPROVED:
        raise NotAllowed(_("Introductions are possible between an approved need and an approved pledge."))
    if need.met_at is not None:
        raise NotAllowed(_("This need has been met."))
    existing = db.session.scalar(select(Introduction).where(Introduction.need_id == need.id,
                                                            Introduction.pledge_id == pledge.id))
    if existing is not None:
        raise NotAllowed(_("An introduction between this need and this pledge was already asked for."))
    intro = Introduction(need=need, pledge=pledge, requested_by=side, message=message or "",
                         status=IntroductionStatus.REQUESTED, requested_at=utcnow())
    db.session.add(intro)
    db.session.flush()
    audit.record("introduction.requested", "introduction", intro.id, label=f"{need.reference} / {pledge.reference}",
                 after={"requested_by": side.value, "need": need.reference, "pledge": pledge.reference},
                 actor_label="need submitter" if side == Side.NEED else "focal point")
    return intro


def _load(intro_id: int) -> Introduction:
    intro = db.session.get(Introduction, intro_id) if 0 < intro_id < 2**31 else None
    if intro is None:
        raise NotFound(_("This introduction request does not exist."))
    return intro


def _check(intro: Introduction, expected_version: int, allowed: IntroductionStatus) -> None:
    if intro.version != expected_version:
        raise Conflict()
    if intro.status != allowed:
        raise NotAllowed(_("This is not possible in the request's current state (%(status)s).",
                           status=intro.status.title))


def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict() from None


def introduce(intro_id: int, expected_version: int, confirmed: bool) -> Introduction:
    """The team introduces both sides: each gets the other's contact by e-mail. A request from the need's
    side needs the team's confirmation that the pledger agreed (the pledger did not tick the consent)."""
    intro = _load(intro_id)
    _check(intro, expected_version, IntroductionStatus.REQUESTED)
    if intro.requested_by == Side.NEED and not confirmed:
        raise ServiceError(_("Confirm first that the pledger agreed to be introduced."), field="confirmed")
    intro.status = IntroductionStatus.INTRODUCED
    intro.introduced_at = utcnow()
    _flush()
    label = f"{intro.need.reference} / {intro.pledge.reference}"
    agreed = bool(confirmed or intro.requested_by == Side.PLEDGE)
    audit.record("introduction.introduced", "introduction", intro.id, label=label,
                 before={"status": IntroductionStatus.REQUESTED.value},
                 after={"status": intro.status.value, "pledger_agreed": agreed})
    notifications.introduction_made(intro)
    return intro


def record_outcome(intro_id: int, expected_version: int, outcome: str, note: str = "",
                   pledge_reference: str = "") -> Introduction:
    """What came of an introduction: a pledge made (the need is then met) or declined."""
    intro = _load(intro_id)
    _check(intro, expected_version, IntroductionStatus.INTRODUCED)
    status = IntroductionStatus(outcome)
    if status not in OUTCOMES:
        raise ServiceError(_("Choose the outcome."), field="outcome")
    made = None
    if pledge_reference:
        made = db.session.scalar(select(Pledge).where(Pledge.reference == pledge_reference.strip().upper()))
        if made is None:
            raise ServiceError(_("No pledge has this reference."), field="pledge_reference")
    intro.status = status
    intro.decided_at = utcnow()
    intro.outcome_note = note or ""
    intro.outcome_pledge_id = made.id if made is not None else None
    need = intro.need
    if status == IntroductionStatus.PLEDGE_MADE and need.met_at is None:
        need.met_at = intro.decided_at
        bump_public_version()
    _flush()
    audit.record("introduction.outcome", "introduction", intro.id, label=f"{need.reference} / {intro.pledge.reference}",
                 before={"status": IntroductionStatus.INTRODUCED.value},
                 after={"status": status.value, "note": intro.outcome_note,
                        "pledge": made.reference if made is not None else None,
                        "need_met": need.met_at is not None})
    return intro
