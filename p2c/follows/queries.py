"""Reads for follows: what a subject is (its name and public page), and what was approved about it in a
period (approved pledges, approved progress reports), for the digests and the Atom feeds. Public data only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from sqlalchemy import or_, select

from p2c.core.enums import ReviewStatus
from p2c.core.i18n import country_name, ref_name
from p2c.extensions import db
from p2c.follows.models import Follow
from p2c.implementation.models import ProgressReport
from p2c.members.models import Organization
from p2c.pledges.models import Pledge, pledge_country, pledge_partner
from p2c.reference.models import Country, FocusArea

FEED_LIMIT = 50


@dataclass(frozen=True)
class Subject:
    """What a follower follows: kind, key, its name in the reader's language, its public page (a path:
    built without a request, so the worker's digests can use it)."""

    kind: str
    key: str
    name: str
    page: str


@dataclass(frozen=True)
class Item:
    """One approved thing: a pledge, or a progress report on a pledge."""

    kind: str  # "pledge" or "report"
    key: str  # reference
    title: str
    language: str  # of the title
    pledge_reference: str
    approved_at: datetime
    summary: str


def subject(kind: str, key: str) -> Subject | None:
    """The subject a follow or a feed names, if it exists and is public; None otherwise."""
    key = (key or "").strip()[:40]
    if kind == "pledge":
        pledge = db.session.scalars(select(Pledge).where(Pledge.reference == key,
                                                         Pledge.status == ReviewStatus.APPROVED)).first()
        return pledge and Subject(kind, pledge.reference, pledge.title,
                                  f"/pledges/{quote(pledge.reference)}")
    if kind == "organization":
        if not key.isdigit():
            return None
        org = db.session.get(Organization, int(key))
        if org is None or org.merged_into_id is not None or not org.public_listing:
            return None
        return Subject(kind, str(org.id), org.name, "/pledges?" + urlencode({"q": org.name}))
    if kind == "country":
        country = db.session.get(Country, key.upper())
        return country and Subject(kind, country.iso3, country_name(country.iso3),
                                   f"/countries/{country.iso3}")
    if kind == "focus_area":
        area = db.session.get(FocusArea, key)
        return area and Subject(kind, area.code, ref_name(area.name),
                                "/pledges?" + urlencode({"focus_area": area.code}))
    return None


def focus_areas() -> list[Subject]:
    """The four focus areas, as subjects to follow (the /follow page)."""
    areas = db.session.scalars(select(FocusArea).order_by(FocusArea.position, FocusArea.code))
    return [Subject("focus_area", a.code, ref_name(a.name), "/pledges?" + urlencode({"focus_area": a.code}))
            for a in areas]


def _matching(kind: str, key: str):
    """The clause on Pledge for the pledges a subject covers."""
    if kind == "pledge":
        return Pledge.reference == key
    if kind == "organization":
        org_id = int(key)
        return or_(Pledge.lead_organization_id == org_id, Pledge.id.in_(
            select(pledge_partner.c.pledge_id).where(pledge_partner.c.organization_id == org_id)))
    if kind == "country":
        return Pledge.id.in_(select(pledge_country.c.pledge_id).where(pledge_country.c.country_iso3 == key))
    return Pledge.focus_area_code == key


def approved_items(kind: str, key: str, since: datetime | None = None, until: datetime | None = None,
                   limit: int = FEED_LIMIT) -> list[Item]:
    """What was approved about a subject, newest first: pledges (by approval) and their progress reports."""
    clause = _matching(kind, key)
    pledges = select(Pledge).where(clause, Pledge.status == ReviewStatus.APPROVED, Pledge.approved_at.is_not(None))
    reports = (select(ProgressReport, Pledge).join(Pledge, Pledge.id == ProgressReport.pledge_id)
               .where(clause, Pledge.status == ReviewStatus.APPROVED,
                      ProgressReport.status == ReviewStatus.APPROVED, ProgressReport.approved_at.is_not(None)))
    if since is not None:
        pledges = pledges.where(Pledge.approved_at > since)
        reports = reports.where(ProgressReport.approved_at > since)
    if until is not None:
        pledges = pledges.where(Pledge.approved_at <= until)
        reports = reports.where(ProgressReport.approved_at <= until)
    items = [Item("pledge", p.reference, p.title, p.language, p.reference, p.approved_at,
                  p.lead_organization.name)
             for p in db.session.scalars(pledges.order_by(Pledge.approved_at.desc()).limit(limit))]
    for report, pledge in db.session.execute(reports.order_by(ProgressReport.approved_at.desc()).limit(limit)):
        items.append(Item("report", report.reference, pledge.title, pledge.language, pledge.reference,
                          report.approved_at, report.narrative[:300]))
    items.sort(key=lambda i: (i.approved_at, i.key), reverse=True)
    return items[:limit]


def follow_batch(after_id: int, size: int) -> list[Follow]:
    """Confirmed follows with id > after_id, in id order (keyset batches for the digest job)."""
    return list(db.session.scalars(select(Follow).where(Follow.confirmed_at.is_not(None), Follow.id > after_id)
                                   .order_by(Follow.id).limit(size)))


def existing(email: str, kind: str, key: str) -> Follow | None:
    return db.session.scalars(select(Follow).where(Follow.email == email, Follow.target_kind == kind,
                                                   Follow.target_key == key)).first()
