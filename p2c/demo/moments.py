"""Pledging moments for demo data: about half of the demo pledges were announced at an event of
DOMAIN.md (or a Regional Development Forum), on a day within the event, and a few approved pledges
wait, "to be announced", for the next P2C annual meeting (an embargo until its opening)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.pledges.models import Pledge
from p2c.reference.models import Event

EVENT_SHARE = 0.5
# Where the announced pledges were announced (weights) and, for events without dates in the
# reference data, the span the demo spreads them over (the Road to Addis series ran 2020-2022).
WEIGHTS = {
    "road_to_addis": 8, "wtdc22_roundtable": 22, "pp22": 6, "p2c_annual_2022": 8, "p2c_annual_2023": 10,
    "rdf_afr_2024": 4, "rdf_ams_2024": 3, "rdf_arb_2024": 3, "rdf_asp_2024": 4, "rdf_cis_2024": 2, "rdf_eur_2024": 2,
    "p2c_annual_2024": 8, "wsis20_aiforgood_2025": 8, "wtdc25": 12, "wsis_forum_2026": 6,
}
SPANS = {
    "road_to_addis": (date(2021, 9, 15), date(2022, 5, 31)), "pp22": (date(2022, 9, 26), date(2022, 10, 14)),
    "p2c_annual_2022": (date(2022, 12, 1), date(2022, 12, 15)),
    "p2c_annual_2023": (date(2023, 12, 1), date(2023, 12, 15)),
    "p2c_annual_2024": (date(2024, 12, 1), date(2024, 12, 15)),
    **{f"rdf_{r}_2024": (date(2024, 3, 1), date(2024, 10, 31)) for r in ("afr", "ams", "arb", "asp", "cis", "eur")},
}
UPCOMING = "p2c_annual_2026"
UPCOMING_IN_DAYS = 40
UPCOMING_PLEDGES = 12


class Moments:
    """Draws the event (or none) and the day of each demo pledge."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        events = {e.code: e for e in db.session.scalars(select(Event))}
        self.spans: dict[str, tuple[date, date]] = {}
        for code in WEIGHTS:
            event = events.get(code)
            if event is None:
                continue
            span = SPANS.get(code) or ((event.starts_on, event.ends_on or event.starts_on) if event.starts_on else None)
            if span and span[0] <= today:
                self.spans[code] = (span[0], min(span[1], today))
        self.codes = list(self.spans)
        self.weights = [WEIGHTS[c] for c in self.codes]
        self.upcoming = events.get(UPCOMING)

    def draw(self, fallback_day: date) -> tuple[str | None, date]:
        """(event code or None, pledge day)."""
        if not self.codes or self.rng.random() >= EVENT_SHARE:
            return None, fallback_day
        code = self.rng.choices(self.codes, weights=self.weights)[0]
        first, last = self.spans[code]
        return code, first + timedelta(days=self.rng.randint(0, (last - first).days))

    def upcoming_opening(self) -> datetime | None:
        """When the next P2C annual meeting opens: the announcement time of the pledges prepared for it.
        The demo gives the event its date when the reference data have none."""
        if self.upcoming is None:
            return None
        if self.upcoming.starts_on is None or self.upcoming.starts_on <= self.today:
            self.upcoming.starts_on = self.today + timedelta(days=UPCOMING_IN_DAYS)
            self.upcoming.ends_on = self.upcoming.starts_on + timedelta(days=1)
            db.session.flush()
        return datetime.combine(self.upcoming.starts_on, time(10, 0))

    def prepare_announcements(self, now: datetime) -> None:
        """The latest approved pledges without reports wait for the next P2C annual meeting (embargo)."""
        opening = self.upcoming_opening()
        if opening is None:
            return
        ids = list(db.session.scalars(
            select(Pledge.id).where(Pledge.status == ReviewStatus.APPROVED, Pledge.last_reported_at.is_(None),
                                    Pledge.approved_at >= now - timedelta(days=60))
            .order_by(Pledge.id.desc()).limit(UPCOMING_PLEDGES)))
        if ids:
            db.session.execute(update(Pledge).where(Pledge.id.in_(ids)).values(event_code=UPCOMING,
                                                                                public_from=opening))
