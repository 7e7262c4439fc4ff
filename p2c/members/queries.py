"""Reads for the join form and the pledge form: calls for interest, organization lookup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select

from p2c.core import search
from p2c.core.models import IdempotencyKey
from p2c.extensions import db
from p2c.members.identity import name_key
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


def _aware(now: datetime) -> datetime:
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def call_state(now: datetime) -> CallState:
    """The call open at the instant `now` (each call's deadline is in its own time zone); else a rolling call
    that has opened; else closed, with the next call that opens later. A naive `now` is UTC."""
    now = _aware(now)
    # Every zone is within a day of UTC: read the calls near today, then compare instants.
    today = now.astimezone(UTC).date()
    near = db.session.scalars(
        select(CallForInterest).where(CallForInterest.opens_on <= today + timedelta(days=1))
        .order_by(CallForInterest.opens_on.desc(), CallForInterest.id.desc())
    ).all()
    timed = [c for c in near if not c.rolling and c.is_open_at(now)]
    if timed:
        return CallState(call=timed[0], next_call=None, rolling=False)
    rolling = [c for c in near if c.rolling and c.is_open_at(now)]
    if rolling:
        return CallState(call=rolling[0], next_call=None, rolling=True)
    upcoming = db.session.scalars(
        select(CallForInterest).where(CallForInterest.opens_on >= today - timedelta(days=1))
        .order_by(CallForInterest.opens_on, CallForInterest.id)
    ).all()
    return CallState(call=None, next_call=next((c for c in upcoming if c.opens_at > now), None))


def last_closed_call(now: datetime) -> CallForInterest | None:
    """The most recent call whose deadline has passed (to say 'the last call closed on ...')."""
    now = _aware(now)
    recent = db.session.scalars(
        select(CallForInterest).where(CallForInterest.closes_on <= now.astimezone(UTC).date() + timedelta(days=1),
                                      CallForInterest.rolling.is_(False))
        .order_by(CallForInterest.closes_on.desc()).limit(5)
    ).all()
    return next((c for c in recent if c.deadline is not None and not c.is_open_at(now)), None)


def match_organization(name: str, country: str | None = None) -> Organization | None:
    """The existing organization that `name` (and `country`, an ISO3 code or None) identifies, if any.

    The platform's one organization matcher (rule: `p2c.members.identity`): the names' keys must be
    equal, and the countries agree:
    1. the record with the same key and the same country (None matching None);
    2. else, when `country` is None (partners are named without one), the record with that key in
       any country: a member first, then the oldest;
    3. else, when `country` is given, the record with that key and no country.
    A merged record stands for the record it was merged into, so a name once merged away keeps
    leading to the organization kept.
    """
    key = name_key(name)
    if not key:
        return None
    candidates = list(db.session.scalars(
        select(Organization).where(Organization.name_key == key)
        .order_by(Organization.is_member.desc(), Organization.id)
    ))
    chosen = (next((o for o in candidates if o.country_iso3 == country), None)
              or next((o for o in candidates if country is None or o.country_iso3 is None), None))
    return _follow_merges(chosen)


def _follow_merges(org: Organization | None) -> Organization | None:
    seen: set[int] = set()
    while org is not None and org.merged_into_id is not None and org.id not in seen:
        seen.add(org.id)
        org = db.session.get(Organization, org.merged_into_id)
    return org


def search_members(term: str, limit: int = 10) -> list[Organization]:
    """Coalition members whose name or acronym contains `term` (for the pledge form's search)."""
    term = (term or "").strip()
    if len(term) < 2:
        return []
    return list(db.session.scalars(
        select(Organization)
        .where(Organization.is_member.is_(True), Organization.merged_into_id.is_(None),
               or_(search.contains(Organization.name, term), search.contains(Organization.acronym, term)))
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
