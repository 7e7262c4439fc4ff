"""Reads for the join form and the pledge form: calls for interest, organization lookup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from p2c.core.models import IdempotencyKey
from p2c.extensions import db
from p2c.members.models import CallForInterest, ExpressionOfInterest, Organization


@dataclass(frozen=True)
class CallState:
    """Whether /join accepts submissions today, under which call, and when the next call opens."""

    call: CallForInterest | None  # the call a submission joins (open or rolling)
    next_call: CallForInterest | None  # when closed: the next scheduled call, if any
    rolling: bool = False

    @property
    def is_open(self) -> bool:
        """True when a submission is accepted today."""
        return self.call is not None


def call_state(today: date) -> CallState:
    """The open call (opens_on <= today <= closes_on, or no close date); else a rolling call that has
    opened; else closed, with the next call that opens later."""
    started = select(CallForInterest).where(CallForInterest.opens_on <= today)
    open_call = db.session.scalars(
        started.where(or_(CallForInterest.closes_on.is_(None), CallForInterest.closes_on >= today))
        .order_by(CallForInterest.opens_on.desc(), CallForInterest.id.desc())
    ).first()
    if open_call is not None:
        return CallState(call=open_call, next_call=None, rolling=bool(open_call.rolling))
    rolling = db.session.scalars(
        started.where(CallForInterest.rolling.is_(True)).order_by(CallForInterest.opens_on.desc())
    ).first()
    if rolling is not None:
        return CallState(call=rolling, next_call=None, rolling=True)
    upcoming = db.session.scalars(
        select(CallForInterest).where(CallForInterest.opens_on > today).order_by(CallForInterest.opens_on)
    ).first()
    return CallState(call=None, next_call=upcoming)


def last_closed_call(today: date) -> CallForInterest | None:
    """The most recent call that has closed (to say 'the last call closed on ...')."""
    return db.session.scalars(
        select(CallForInterest).where(CallForInterest.closes_on < today).order_by(CallForInterest.closes_on.desc())
    ).first()


def find_organization(name: str) -> Organization | None:
    """The existing organization with exactly this name (ignoring case and outer spaces), if any.

    Members come first, then the oldest record; merged records are skipped.
    """
    name = (name or "").strip()
    if not name:
        return None
    return db.session.scalars(
        select(Organization)
        .where(func.lower(Organization.name) == name.lower(), Organization.merged_into_id.is_(None))
        .order_by(Organization.is_member.desc(), Organization.id)
    ).first()


def search_members(term: str, limit: int = 10) -> list[Organization]:
    """Coalition members whose name or acronym contains `term` (for the pledge form's search)."""
    term = (term or "").strip()
    if len(term) < 2:
        return []
    pattern = "%" + term.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
    return list(db.session.scalars(
        select(Organization)
        .where(Organization.is_member.is_(True), Organization.merged_into_id.is_(None),
               or_(func.lower(Organization.name).like(pattern), func.lower(Organization.acronym).like(pattern)))
        .order_by(Organization.name)
        .limit(limit)
    ))


def idempotent_result(scope: str, key: str) -> IdempotencyKey | None:
    """The record a form nonce already created, if any."""
    if not key:
        return None
    return db.session.get(IdempotencyKey, (key, scope))


def eoi_by_reference(reference: str) -> ExpressionOfInterest | None:
    """An expression of interest by its reference."""
    return db.session.scalars(select(ExpressionOfInterest).where(ExpressionOfInterest.reference == reference)).first()
