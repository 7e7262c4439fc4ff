"""Needs for the matchmaking tests, built directly (the form is tested on its own)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.matchmaking.constants import SubmitterKind, need_reference
from p2c.matchmaking.models import Need
from p2c.members.models import Contact
from p2c.reference.models import Pillar


def need_form(**change) -> dict:
    """A valid need form (ministry of Kenya, 500 schools to connect, 2026-2028)."""
    data = {
        "submitter_kind": "government", "authority": "Ministry of ICT, Kenya", "country": "KEN",
        "title": "Connect 500 rural schools", "focus_area": "connect", "pillars": ["connect.infrastructure"],
        "description": "Five hundred rural schools in the north need a broadband connection and devices.",
        "pledge_type": "programmatic", "beneficiary_groups": ["schools"], "quantity": "500",
        "quantity_unit": "schools to connect", "start_year": "2026", "end_year": "2028",
        "focal_name": "Amina Otieno", "focal_title": "Director", "focal_email": "amina@ict.go.ke",
        "focal_phone": "+254 20 000000", "consent": "y",
    }
    data.update(change)
    return data


def make_need(*, status: ReviewStatus = ReviewStatus.APPROVED, country: str = "KEN", focus_area: str = "connect",
              pillars: list[str] = ("connect.infrastructure",), pledge_type: str | None = "programmatic",
              email: str = "amina@ict.go.ke", start_year: int = 2026) -> Need:
    """A need with its contact."""
    now = datetime(2026, 11, 1)
    need = Need(reference="tmp", submitter_kind=SubmitterKind.GOVERNMENT, authority="Ministry of ICT",
                country_iso3=country, title="Connect 500 rural schools", description="Five hundred schools.",
                focus_area_code=focus_area, pledge_type_code=pledge_type, quantity=Decimal(500),
                quantity_unit="schools to connect", start_year=start_year, end_year=start_year + 2,
                contact=Contact(name="Amina Otieno", email=email, phone="+254 20 000000"),
                consent_introductions=True, language="en", status=status, submitted_at=now,
                approved_at=now if status == ReviewStatus.APPROVED else None)
    need.pillars = list(db.session.scalars(select(Pillar).where(Pillar.code.in_(pillars))))
    db.session.add(need)
    db.session.flush()
    need.reference = need_reference(2026, need.id)
    db.session.flush()
    return need
