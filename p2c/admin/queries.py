"""Admin reads: the global audit log (filtered, paginated), staff, managed lists and form choices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from p2c.accounts.models import User
from p2c.core import search
from p2c.core.models import AuditEvent
from p2c.extensions import db
from p2c.members.models import CallForInterest
from p2c.reference.initiatives import RegionalInitiative
from p2c.reference.models import Currency, Event, ExchangeRate, FocusArea, GdcObjective, Indicator, Pillar, SdgTarget
from p2c.reporting.models import Goal

AUDIT_PER_PAGE = 100


@dataclass
class AuditFilters:
    """Audit log filters: action, subject type (and id), actor (e-mail or part of it)."""

    action: str = ""
    subject_type: str = ""
    subject_id: int | None = None
    actor: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> AuditFilters:
        """Read the filters from request arguments, ignoring malformed values."""
        subject_id = args.get("subject_id", "")
        page = args.get("page", "1")
        return cls(action=args.get("action", "")[:40], subject_type=args.get("subject_type", "")[:40],
                   subject_id=int(subject_id) if subject_id.isdigit() else None,
                   actor=args.get("actor", "").strip()[:254], page=int(page) if page.isdigit() and int(page) > 0 else 1)

    def args(self, **changes: Any) -> dict:
        """Query arguments (for pager links)."""
        values = {"action": self.action, "subject_type": self.subject_type, "subject_id": self.subject_id,
                  "actor": self.actor, "page": self.page}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}


def audit_log(f: AuditFilters) -> tuple[list[AuditEvent], bool]:
    """A page of audit events, newest first, and whether there is a next page."""
    query = select(AuditEvent)
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.subject_type:
        query = query.where(AuditEvent.subject_type == f.subject_type)
    if f.subject_id is not None:
        query = query.where(AuditEvent.subject_id == f.subject_id)
    if f.actor:
        query = query.where(or_(search.contains(AuditEvent.actor_label, f.actor),
                                search.contains(AuditEvent.ip_address, f.actor)))
    rows = list(db.session.scalars(query.order_by(AuditEvent.id.desc())
                                   .limit(AUDIT_PER_PAGE + 1).offset((f.page - 1) * AUDIT_PER_PAGE)))
    return rows[:AUDIT_PER_PAGE], len(rows) > AUDIT_PER_PAGE


def audit_choices() -> dict[str, list[str]]:
    """Distinct actions and subject types seen so far (for the filter selects)."""
    return {
        "actions": list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))),
        "subject_types": list(db.session.scalars(select(AuditEvent.subject_type).distinct()
                                                 .order_by(AuditEvent.subject_type))),
    }


def staff() -> list[User]:
    """Every staff account, active ones first."""
    return list(db.session.scalars(select(User).order_by(User.active.desc(), User.email)))


def calls() -> list[CallForInterest]:
    """Calls for interest, newest first."""
    return list(db.session.scalars(select(CallForInterest).order_by(CallForInterest.opens_on.desc())))


def goals() -> list[Goal]:
    """Coalition goals in display order."""
    return list(db.session.scalars(select(Goal).order_by(Goal.position, Goal.id)))


def pillars() -> list[Pillar]:
    """Pillars by focus area."""
    return list(db.session.scalars(select(Pillar).order_by(Pillar.focus_area_code, Pillar.position, Pillar.code)))


def rates(currency: str = "") -> list[ExchangeRate]:
    """Exchange rates, by currency and newest year first (optionally one currency)."""
    query = select(ExchangeRate).order_by(ExchangeRate.currency_code, ExchangeRate.year.desc())
    if currency:
        query = query.where(ExchangeRate.currency_code == currency.upper())
    return list(db.session.scalars(query))


def initiatives() -> list[RegionalInitiative]:
    """WTDC-25 regional initiatives by region and number."""
    return list(db.session.scalars(select(RegionalInitiative).order_by(
        RegionalInitiative.region, RegionalInitiative.number, RegionalInitiative.code)))


def events() -> list[Event]:
    """Pledging events in display order."""
    return list(db.session.scalars(select(Event).order_by(Event.position, Event.code)))


def sdg_targets() -> list[SdgTarget]:
    """SDG targets by SDG, then position (a target added by an admin at position 0 comes first in its SDG)."""
    return list(db.session.scalars(select(SdgTarget).order_by(SdgTarget.sdg_number, SdgTarget.position,
                                                              SdgTarget.code)))


def gdc_objectives() -> list[GdcObjective]:
    """Global Digital Compact objectives in display order."""
    return list(db.session.scalars(select(GdcObjective).order_by(GdcObjective.position, GdcObjective.code)))


def focus_area_choices() -> list[tuple[str, str]]:
    """(code, name) of the focus areas."""
    return [(f.code, f.name) for f in db.session.scalars(select(FocusArea).order_by(FocusArea.position))]


def indicator_choices() -> list[tuple[str, str]]:
    """(code, name) of the indicators."""
    return [(i.code, i.name) for i in db.session.scalars(select(Indicator).order_by(Indicator.position))]


def currency_choices() -> list[tuple[str, str]]:
    """(code, 'code name') of the currencies."""
    return [(c.code, f"{c.code} {c.name}") for c in db.session.scalars(select(Currency).order_by(Currency.code))]
