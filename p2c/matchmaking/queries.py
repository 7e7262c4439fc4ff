"""Reads: public needs, the candidates of a need (SQL pre-filter, then `ranking` in Python on a
bounded set), the needs a pledge could answer, the introductions queue and the /progress counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import exists, func, select

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.matchmaking import ranking
from p2c.matchmaking.constants import PREFILTER_LIMIT, SHOWN, IntroductionStatus
from p2c.matchmaking.models import Introduction, Need, need_pillar
from p2c.members.models import ExpressionOfInterest, Organization, eoi_focus_area
from p2c.pledges.models import Pledge, pledge_country, pledge_pillar
from p2c.pledges.reporting_status import status_expression
from p2c.reference.models import Country

PAGE_SIZE = 50


def need_by_id(need_id: int) -> Need | None:
    """A need by id (None for an id out of range)."""
    return db.session.get(Need, need_id) if 0 < need_id < 2**31 else None


def public_need(need_id: int) -> Need | None:
    """An approved need, or None."""
    need = need_by_id(need_id)
    return need if need is not None and need.status == ReviewStatus.APPROVED else None


def public_needs(state: str = "", country: str = "", page: int = 1) -> tuple[list[Need], bool]:
    """Approved needs, newest first (state "open" or "met" filters); and whether a next page exists."""
    query = select(Need).where(Need.status == ReviewStatus.APPROVED)
    if state == "open":
        query = query.where(Need.met_at.is_(None))
    elif state == "met":
        query = query.where(Need.met_at.is_not(None))
    if country:
        query = query.where(Need.country_iso3 == country)
    rows = list(db.session.scalars(query.order_by(Need.approved_at.desc(), Need.id.desc())
                                   .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def all_public_needs():
    """Every approved need, oldest first, read in batches (the open-data file)."""
    return db.session.scalars(select(Need).where(Need.status == ReviewStatus.APPROVED)
                              .order_by(Need.id).execution_options(yield_per=500))


def summary() -> dict[str, int]:
    """Approved needs met and open (one GROUP BY), for /progress."""
    met = Need.met_at.is_not(None)
    counts = dict(db.session.execute(select(met, func.count()).where(Need.status == ReviewStatus.APPROVED)
                                     .group_by(met)).all())
    return {"met": int(counts.get(True, 0)), "open": int(counts.get(False, 0))}


def _region(iso3: str) -> str:
    return db.session.scalar(select(Country.itu_region).where(Country.iso3 == iso3)) or ""


def profile(need: Need) -> ranking.NeedProfile:
    """What the score reads of a need."""
    return ranking.NeedProfile(country=need.country_iso3, region=need.country.itu_region if need.country else
                               _region(need.country_iso3), focus_area=need.focus_area_code,
                               pillars=frozenset(p.code for p in need.pillars),
                               pledge_type=need.pledge_type_code, start_year=need.start_year)


def _closeness(need: ranking.NeedProfile) -> list:
    """SQL ordering that keeps the closest pledges when a LIMIT cuts: same focus area, then more shared
    pillars, then the kind of support asked for, then the newest."""
    shared = (select(func.count()).select_from(pledge_pillar)
              .where(pledge_pillar.c.pledge_id == Pledge.id, pledge_pillar.c.pillar_code.in_(sorted(need.pillars)))
              .scalar_subquery()) if need.pillars else None
    order = [(Pledge.focus_area_code == need.focus_area).desc()]
    if shared is not None:
        order.append(shared.desc())
    if need.pledge_type:
        order.append((Pledge.pledge_type_code == need.pledge_type).desc())
    return [*order, Pledge.id.desc()]


def candidate_ids(need: ranking.NeedProfile, limit: int = PREFILTER_LIMIT) -> list[int]:
    """The SQL pre-filter: approved pledges that target the need's country, or share its focus area and
    target its region, or share its focus area and are global; at most `limit` of each, the closest first
    (`_closeness`), so that a cut never drops a pledge that scores higher than one it keeps on place,
    focus area, pillars and type."""
    approved = Pledge.status == ReviewStatus.APPROVED
    order = _closeness(need)
    in_country = (select(Pledge.id).where(approved, exists().where(
        pledge_country.c.pledge_id == Pledge.id, pledge_country.c.country_iso3 == need.country))
        .order_by(*order).limit(limit))
    ids = set(db.session.scalars(in_country))
    if need.region:
        in_region = (select(Pledge.id).where(approved, Pledge.focus_area_code == need.focus_area, exists().where(
            pledge_country.c.pledge_id == Pledge.id, Country.iso3 == pledge_country.c.country_iso3,
            Country.itu_region == need.region)).order_by(*order).limit(limit))
        ids.update(db.session.scalars(in_region))
    worldwide = (select(Pledge.id).where(approved, Pledge.focus_area_code == need.focus_area, Pledge.is_global)
                 .order_by(*order).limit(limit))
    ids.update(db.session.scalars(worldwide))
    return sorted(ids)


def pledge_profiles(ids: list[int]) -> list[ranking.PledgeProfile]:
    """Profiles of the pledges `ids` in three batched reads (rows, countries with regions, pillars)."""
    if not ids:
        return []
    found = {}
    for row in db.session.execute(select(
            Pledge.id, Pledge.is_global, Pledge.focus_area_code, Pledge.pledge_type_code, Pledge.end_date,
            Pledge.implementation_status, status_expression().label("reporting")).where(Pledge.id.in_(ids))):
        found[row.id] = ranking.PledgeProfile(
            id=row.id, countries=set(), regions=set(), is_global=bool(row.is_global), focus_area=row.focus_area_code,
            pillars=set(), pledge_type=row.pledge_type_code, end_year=row.end_date.year if row.end_date else None,
            implementation_status=getattr(row.implementation_status, "value", row.implementation_status),
            reporting=row.reporting)
    for pid, iso3, region in db.session.execute(
            select(pledge_country.c.pledge_id, pledge_country.c.country_iso3, Country.itu_region)
            .join(Country, Country.iso3 == pledge_country.c.country_iso3).where(pledge_country.c.pledge_id.in_(ids))):
        found[pid].countries.add(iso3)
        found[pid].regions.add(region)
    for pid, code in db.session.execute(select(pledge_pillar.c.pledge_id, pledge_pillar.c.pillar_code)
                                        .where(pledge_pillar.c.pledge_id.in_(ids))):
        found[pid].pillars.add(code)
    return list(found.values())


@dataclass
class Candidate:
    """A ranked pledge with its score and reasons."""

    pledge: Pledge
    scored: ranking.Scored


def ranked_ids(need: ranking.NeedProfile, limit: int = SHOWN) -> list[ranking.Scored]:
    """The best `limit` candidates of the pre-filtered set, scored."""
    return ranking.rank(need, pledge_profiles(candidate_ids(need)), limit)


def candidates(need: Need, limit: int = SHOWN) -> list[Candidate]:
    """The approved pledges that could answer the need, best first, with their reasons."""
    scored = ranked_ids(profile(need), limit)
    pledges = {p.id: p for p in db.session.scalars(select(Pledge).where(Pledge.id.in_([s.id for s in scored])))}
    return [Candidate(pledges[s.id], s) for s in scored if s.id in pledges]


def organizations(need: Need, exclude: set[int], limit: int = 5) -> list[tuple[Organization, int, list]]:
    """Member organizations (an approved expression of interest in the need's focus area) based in the
    need's country (40 points) or region (20), not already listed through a pledge: (org, score, reasons)."""
    from flask_babel import lazy_gettext as _l

    need_profile = profile(need)
    query = (select(Organization, Country.itu_region).join(Country, Country.iso3 == Organization.country_iso3)
             .where(Organization.is_member, Organization.public_listing, Organization.merged_into_id.is_(None),
                    Country.itu_region == need_profile.region,
                    exists().where(ExpressionOfInterest.organization_id == Organization.id,
                                   ExpressionOfInterest.status == ReviewStatus.APPROVED,
                                   eoi_focus_area.c.eoi_id == ExpressionOfInterest.id,
                                   eoi_focus_area.c.focus_area_code == need.focus_area_code))
             .order_by((Organization.country_iso3 == need.country_iso3).desc(), Organization.id.desc())
             .limit(limit + len(exclude)))
    found = []
    for org, _region_code in db.session.execute(query):
        if org.id in exclude:
            continue
        same = org.country_iso3 == need.country_iso3
        place = (ranking.POINTS["country"], _l("Based in the same country")) if same else \
            (ranking.POINTS["region"], _l("Based in the same ITU region"))
        reasons = [place, (ranking.POINTS["focus_area"], _l("Works in the same focus area"))]
        found.append((org, sum(p for p, _r in reasons), reasons))
    return found[:limit]


def needs_for_pledge(pledge: Pledge, limit: int = SHOWN) -> list[tuple[Need, ranking.Scored]]:
    """Open approved needs this pledge could answer, best first (the pledger's private page)."""
    countries = [c.iso3 for c in pledge.countries]
    regions = {c.itu_region for c in pledge.countries}
    where_place = Need.country_iso3.in_(countries) if countries else Need.id < 0
    if regions or pledge.is_global:
        in_region = exists().where(Country.iso3 == Need.country_iso3, Country.itu_region.in_(regions)) \
            if not pledge.is_global else Need.id > 0
        where_place = where_place | ((Need.focus_area_code == pledge.focus_area_code) & in_region)
    needs = list(db.session.scalars(
        select(Need).where(Need.status == ReviewStatus.APPROVED, Need.met_at.is_(None), where_place)
        .order_by(Need.id.desc()).limit(PREFILTER_LIMIT)))
    mine = {p.id: p for p in pledge_profiles([pledge.id])}.get(pledge.id)
    if mine is None:
        return []
    pillars = defaultdict(set)
    for nid, code in db.session.execute(select(need_pillar.c.need_id, need_pillar.c.pillar_code)
                                        .where(need_pillar.c.need_id.in_([n.id for n in needs]))):
        pillars[nid].add(code)
    scored = []
    for need in needs:
        prof = ranking.NeedProfile(need.country_iso3, need.country.itu_region, need.focus_area_code,
                                   frozenset(pillars[need.id]), need.pledge_type_code, need.start_year)
        scored.append((need, ranking.score(prof, mine)))
    scored.sort(key=lambda pair: (-pair[1].score, -pair[0].id))
    return scored[:limit]


def introductions_of_need(need_id: int) -> list[Introduction]:
    """A need's introduction requests, newest first."""
    return list(db.session.scalars(select(Introduction).where(Introduction.need_id == need_id)
                                   .order_by(Introduction.id.desc())))


def introductions_of_pledge(pledge_id: int) -> dict[int, Introduction]:
    """A pledge's introduction requests by need id."""
    return {i.need_id: i for i in db.session.scalars(select(Introduction).where(Introduction.pledge_id == pledge_id))}


def introduction(intro_id: int) -> Introduction | None:
    """One introduction request (None for an id out of range)."""
    return db.session.get(Introduction, intro_id) if 0 < intro_id < 2**31 else None


def introduction_queue(status: str = "") -> tuple[list[Introduction], dict[str, int]]:
    """The team's list: requests waiting first (oldest first), then the rest newest first; counts by status."""
    counts = {s.value: 0 for s in IntroductionStatus}
    for value, n in db.session.execute(select(Introduction.status, func.count()).group_by(Introduction.status)):
        counts[getattr(value, "value", value)] = int(n)
    query = select(Introduction)
    if status in counts:
        query = query.where(Introduction.status == IntroductionStatus(status))
    waiting = Introduction.status == IntroductionStatus.REQUESTED
    rows = db.session.scalars(query.order_by(waiting.desc(), Introduction.id).limit(200))
    return list(rows), counts


def open_introductions() -> int:
    """Introduction requests the team has not handled yet."""
    return int(db.session.scalar(select(func.count()).select_from(Introduction)
                                 .where(Introduction.status == IntroductionStatus.REQUESTED)) or 0)
