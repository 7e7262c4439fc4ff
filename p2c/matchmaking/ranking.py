"""The transparent score of a candidate pledge for a need: plain points, each with its reason.

Pure functions over plain data (`NeedProfile`, `PledgeProfile`), so the same rule serves the need
page, the submitter's and the pledger's private pages and `benchmarks/matchmaking_top5.py`.
The points (out of 100):

- place: 40 when the pledge targets the need's country, else 20 when it targets a country of the
  need's ITU region, else 10 when it is global;
- focus area: 25 when it is the need's;
- pillars: up to 15, the share of the need's pillars the pledge also names;
- pledge type: 5 when it is the kind of support the need asks for;
- capacity left: 10 when the pledge still runs in the need's time frame (no end date, or it ends in
  or after the need's first year) and is not completed or discontinued;
- track record: 5 when its reporting is current, 2 when a report is due, 0 when inactive.
Ties: the higher track record, then the newer pledge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from p2c.core.enums import ImplementationStatus, ReportingStatus

POINTS = {"country": 40, "region": 20, "global": 10, "focus_area": 25, "pillars": 15, "pledge_type": 5,
          "capacity": 10, "current": 5, "due": 2}
FINISHED = (ImplementationStatus.COMPLETED.value, ImplementationStatus.DISCONTINUED.value)


@dataclass(frozen=True)
class NeedProfile:
    """What the score reads of a need."""

    country: str
    region: str
    focus_area: str
    pillars: frozenset[str]
    pledge_type: str | None
    start_year: int


@dataclass
class PledgeProfile:
    """What the score reads of a pledge."""

    id: int
    countries: set[str]
    regions: set[str]
    is_global: bool
    focus_area: str
    pillars: set[str]
    pledge_type: str
    end_year: int | None
    implementation_status: str
    reporting: str | None  # ReportingStatus value


@dataclass
class Scored:
    """A candidate's score and its reasons (translated lazily: (points, message))."""

    id: int
    score: int = 0
    reasons: list[tuple[int, object]] = field(default_factory=list)
    track: int = 0
    stated: int = 0  # points on what the need states (place, focus area, pillars, type)

    def add(self, points: int, reason: object) -> None:
        self.score += points
        self.reasons.append((points, reason))


def score(need: NeedProfile, pledge: PledgeProfile) -> Scored:
    """The pledge's points for the need, with one reason per point-giving criterion."""
    s = Scored(pledge.id)
    if need.country in pledge.countries:
        s.add(POINTS["country"], _l("Works in the same country"))
    elif need.region and need.region in pledge.regions:
        s.add(POINTS["region"], _l("Works in the same ITU region"))
    elif pledge.is_global:
        s.add(POINTS["global"], _l("Works worldwide"))
    if pledge.focus_area == need.focus_area:
        s.add(POINTS["focus_area"], _l("Same focus area"))
    if need.pillars:
        shared = len(need.pillars & pledge.pillars)
        if shared:
            s.add(round(POINTS["pillars"] * shared / len(need.pillars)),
                  lazy_ngettext("Shares %(shared)d of the need's %(num)d pillar",
                                "Shares %(shared)d of the need's %(num)d pillars", len(need.pillars), shared=shared))
    if need.pledge_type and pledge.pledge_type == need.pledge_type:
        s.add(POINTS["pledge_type"], _l("The kind of support asked for"))
    s.stated = s.score
    if pledge.implementation_status not in FINISHED and (pledge.end_year is None or pledge.end_year >= need.start_year):
        s.add(POINTS["capacity"], _l("Still running in the need's time frame"))
    if pledge.reporting == ReportingStatus.CURRENT.value:
        s.track = POINTS["current"]
        s.add(s.track, _l("Reports its progress on time"))
    elif pledge.reporting == ReportingStatus.DUE.value:
        s.track = POINTS["due"]
        s.add(s.track, _l("A progress report is due"))
    return s


def rank(need: NeedProfile, pledges: list[PledgeProfile], limit: int) -> list[Scored]:
    """The `limit` best candidates: score, then track record, then the newest pledge."""
    scored = [score(need, p) for p in pledges]
    scored.sort(key=lambda s: (-s.score, -s.track, -s.id))
    return [s for s in scored[:limit] if s.score > 0]
