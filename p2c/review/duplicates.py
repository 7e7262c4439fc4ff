"""Possible duplicates of a submission: same organization, or a near-identical title or name.

Near-identical means the normalized texts (lower case, no punctuation, single spaces) are equal or
their difflib similarity ratio is at least SIMILARITY. Candidates are narrowed in SQL first (same
focus area or country, newest first, at most CANDIDATES rows) so the check stays cheap at 1M pledges.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from p2c.core.enums import ReviewStatus, SubmissionKind
from p2c.extensions import db
from p2c.members.models import ExpressionOfInterest, Organization
from p2c.pledges.models import Pledge

SIMILARITY = 0.85
CANDIDATES = 1000
LIMIT = 20

_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Duplicate:
    """One possible duplicate, with why it was flagged."""

    kind: str
    id: int
    reference: str
    title: str
    status: ReviewStatus | None
    reason: str
    is_organization: bool = False


def normalize(text: str) -> str:
    """Lower case, accents folded, punctuation dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def similar(a: str, b: str) -> bool:
    """True when two texts are the same after normalization or nearly so."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return False
    return na == nb or SequenceMatcher(None, na, nb).ratio() >= SIMILARITY


def similar_organizations(org: Organization, limit: int = LIMIT) -> list[Organization]:
    """Other visible organizations whose name (or acronym) is near-identical to this one's."""
    first = normalize(org.name).split(" ")[0] if org.name else ""
    query = select(Organization).where(Organization.id != org.id, Organization.merged_into_id.is_(None))
    conditions = [Organization.country_iso3 == org.country_iso3]
    if first:
        conditions.append(func.lower(Organization.name).like(f"%{first}%"))
    if org.acronym:
        conditions.append(func.lower(Organization.acronym) == org.acronym.lower())
    candidates = db.session.scalars(query.where(or_(*conditions)).order_by(Organization.id.desc())
                                    .limit(CANDIDATES))
    found = []
    for other in candidates:
        same_acronym = bool(org.acronym) and other.acronym.lower() == org.acronym.lower()
        if similar(org.name, other.name) or same_acronym:
            found.append(other)
            if len(found) >= limit:
                break
    return found


def eoi_duplicates(record: ExpressionOfInterest) -> list[Duplicate]:
    """Other EOIs of the same organization, and organizations with a near-identical name."""
    result = []
    same_org = db.session.scalars(
        select(ExpressionOfInterest).where(ExpressionOfInterest.organization_id == record.organization_id,
                                           ExpressionOfInterest.id != record.id)
        .order_by(ExpressionOfInterest.id.desc()).limit(LIMIT))
    for other in same_org:
        result.append(Duplicate("eoi", other.id, other.reference, record.organization.name, other.status,
                                _("Same organization")))
    for org in similar_organizations(record.organization):
        result.append(Duplicate("organization", org.id, org.acronym, org.name, None,
                                _("Near-identical organization name"), is_organization=True))
    return result


def pledge_duplicates(record: Pledge) -> list[Duplicate]:
    """Pledges by the same lead organization, and pledges with a near-identical title."""
    result: dict[int, Duplicate] = {}
    same_org = db.session.scalars(
        select(Pledge).where(Pledge.lead_organization_id == record.lead_organization_id, Pledge.id != record.id)
        .order_by(Pledge.id.desc()).limit(LIMIT))
    for other in same_org:
        reason = _("Same organization")
        if similar(record.title, other.title):
            reason = _("Same organization, near-identical title")
        result[other.id] = Duplicate("pledge", other.id, other.reference, other.title, other.status, reason)
    candidates = db.session.scalars(
        select(Pledge).where(Pledge.id != record.id,
                             or_(func.lower(Pledge.title) == record.title.lower(),
                                 Pledge.focus_area_code == record.focus_area_code))
        .order_by(Pledge.id.desc()).limit(CANDIDATES))
    for other in candidates:
        if other.id not in result and similar(record.title, other.title):
            result[other.id] = Duplicate("pledge", other.id, other.reference, other.title, other.status,
                                         _("Near-identical title"))
        if len(result) >= LIMIT:
            break
    return list(result.values())


# The back-office's duplicate finders, by kind (a kind without one shows no duplicates).
FINDERS = {SubmissionKind.EOI: eoi_duplicates, SubmissionKind.PLEDGE: pledge_duplicates}
