"""Country needs in the demo data: a few dozen, made from the approved demo pledges' countries and focus
areas, most approved (some met), some waiting for review, with a few introduction requests, so that
/needs, the need pages, the review queue and /review/introductions show something."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.matchmaking.constants import IntroductionStatus, Side, SubmitterKind, need_reference
from p2c.matchmaking.models import Introduction, Need
from p2c.matchmaking.services import bump_public_version
from p2c.members.models import Contact
from p2c.pledges.models import Pledge, pledge_country
from p2c.reference.models import Country, Pillar

UNITS = {"connect": ("schools to connect", "households to connect", "health centres to connect"),
         "empower": ("teachers to train", "young women to train", "civil servants to train"),
         "protect": ("people to reach with awareness campaigns", "CERT staff to train"),
         "invest": ("USD million of investment sought", "rural sites to finance")}
AUTHORITIES = {SubmitterKind.GOVERNMENT: "Ministry of ICT, {country}",
               SubmitterKind.REGULATOR: "Communications Regulatory Authority, {country}",
               SubmitterKind.ITU_OFFICE: "ITU Area Office for {country}"}


def ensure_needs(seed: int, count: int = 40, now: datetime | None = None) -> int:
    """Add demo needs when the database has none; returns how many were added. Does not commit."""
    if db.session.scalar(select(func.count()).select_from(Need)):
        return 0
    rng = random.Random(f"{seed}-needs")
    now = now or datetime.now().replace(microsecond=0)
    rows = db.session.execute(
        select(Pledge.id, Pledge.focus_area_code, pledge_country.c.country_iso3, Country.name)
        .join(pledge_country, pledge_country.c.pledge_id == Pledge.id)
        .join(Country, Country.iso3 == pledge_country.c.country_iso3)
        .where(Pledge.status == ReviewStatus.APPROVED).order_by(Pledge.id).limit(5000)).all()
    if not rows:
        return 0
    pillars = {}
    for code, area in db.session.execute(select(Pillar.code, Pillar.focus_area_code).where(Pillar.active)):
        pillars.setdefault(area, []).append(code)
    made = []
    for i, (pledge_id, area, iso3, country) in enumerate(rng.sample(rows, min(count, len(rows)))):
        kind = rng.choice(list(SubmitterKind))
        status = ReviewStatus.SUBMITTED if i % 5 == 4 else ReviewStatus.APPROVED
        submitted = now - timedelta(days=rng.randint(5, 300))
        start = rng.choice((2025, 2026, 2027))
        need = Need(
            reference=f"tmp-{i}", submitter_kind=kind, authority=AUTHORITIES[kind].format(country=country),
            country_iso3=iso3, title=f"{rng.choice(UNITS.get(area, ('people to reach',))).capitalize()} in {country}",
            description=f"Demo need: what {country} asks the coalition for, in the focus area of the pledges there.",
            focus_area_code=area, pledge_type_code=rng.choice((None, "programmatic", "financial")),
            quantity=Decimal(rng.choice((50, 120, 500, 2000, 10000))), quantity_unit=rng.choice(
                UNITS.get(area, ("people to reach",))), start_year=start, end_year=start + rng.choice((1, 2, 4)),
            contact=Contact(name=f"Demo contact {i + 1}", email=f"need-{i + 1}@example.org", language="en"),
            consent_introductions=True, language="en", status=status, submitted_at=submitted,
            approved_at=submitted + timedelta(days=3) if status == ReviewStatus.APPROVED else None,
            decided_at=submitted + timedelta(days=3) if status == ReviewStatus.APPROVED else None)
        area_pillars = pillars.get(area, [])
        codes = rng.sample(area_pillars, min(len(area_pillars), rng.choice((1, 2))))
        need.pillars = [db.session.get(Pillar, code) for code in codes]
        db.session.add(need)
        made.append((need, pledge_id))
    db.session.flush()
    for need, _pledge_id in made:
        need.reference = need_reference(need.submitted_at.year, need.id)
    for j, (need, pledge_id) in enumerate([m for m in made if m[0].status == ReviewStatus.APPROVED][:6]):
        status = (IntroductionStatus.REQUESTED, IntroductionStatus.INTRODUCED, IntroductionStatus.PLEDGE_MADE)[j % 3]
        asked = need.approved_at + timedelta(days=2)
        db.session.add(Introduction(
            need=need, pledge_id=pledge_id, requested_by=Side.PLEDGE if j % 2 else Side.NEED, message="",
            status=status, requested_at=asked,
            introduced_at=asked + timedelta(days=1) if status != IntroductionStatus.REQUESTED else None,
            decided_at=asked + timedelta(days=20) if status == IntroductionStatus.PLEDGE_MADE else None))
        if status == IntroductionStatus.PLEDGE_MADE:
            need.met_at = asked + timedelta(days=20)
    db.session.flush()
    bump_public_version()  # /progress counts needs met and open
    return len(made)
