"""Possible duplicates of a submission: same organization, a near-identical title, or an organization
that is probably the same one under another record.

Organizations (`organization_matches`), scored with rapidfuzz on folded word tokens:
- the countries must agree (equal, or one of them unknown): "Universal Service Fund of Zimbabwe"
  and "... of Cuba" are two funds, however alike the names;
- small words and legal forms (of, the, Ltd, S.A. ...) are ignored; words that only say what kind
  of organization it is (ministry, university, telecom, foundation ...; a typo of one counts as
  one) and country names are discounted: what remains is the distinctive part ("Kalonita" in
  "Kalonita University of Technology"). Two names are flagged when
  * their words, apart from small words and legal forms, are the same set ("Orange Sénégal SA" and
    "Orange Senegal", "Zimbabwe Ministry of ICT" and "Ministry of ICT of Zimbabwe"), or
  * their distinctive parts are near-identical (rapidfuzz ratio >= DISTINCTIVE), the whole names
    agree (token-set ratio >= WHOLE) and the countries they name do not conflict (one's are among
    the other's): a typo or a missing word, not another organization sharing a word. Distinctive
    words one letter apart ("Kalonita"/"Kalonite", ratio 88) stay below the bar: different
    organizations' names, made-up or real, often differ by one letter;
- or one's name is the other's acronym ("ITU" and "International Telecommunication Union", acronym ITU);
- or both give the same website host.
Identical name keys in the same country cannot exist (the identity rule, `p2c.members.identity`).
Precision measured on the demo data: benchmarks/duplicate_flags.py (figures in the README).

Candidates are narrowed in SQL first (same country or no country, newest first, at most CANDIDATES
rows) so the check stays cheap at 1M pledges. Pledge titles: rapidfuzz ratio on normalized titles.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import pycountry
from flask_babel import gettext as _
from rapidfuzz import fuzz, process
from sqlalchemy import func, or_, select

from p2c.core import search
from p2c.core.enums import ReviewStatus, SubmissionKind
from p2c.extensions import db
from p2c.members.identity import name_key
from p2c.members.models import ExpressionOfInterest, Organization
from p2c.pledges.models import Pledge

TITLE_SIMILARITY = 85  # rapidfuzz ratio (0-100) of two normalized pledge titles
DISTINCTIVE = 90  # ratio of the distinctive parts of two organization names
WHOLE = 85  # token-set ratio of the whole names (country names and legal forms left out)
CANDIDATES = 2000  # organizations compared per check
PLEDGE_CANDIDATES = 1000  # pledges compared per check
LIMIT = 20

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Small words and legal forms: no organization is told apart by them.
STOP_WORDS = frozenset("""
of the and for in on at to a an by with de del della des du la le les el los las et y e und fur von da do dos
ltd limited inc incorporated corp corporation co company plc llc sa sas sarl sl srl gmbh ag bv nv pty pvt ab oy
""".split())
# Words that say what kind of organization it is, in the coalition's languages (English, French,
# Spanish as typed in Latin script): shared by thousands of different organizations.
GENERIC_WORDS = frozenset("""
ministry minister ministere ministerio department departement departamento agency agence agencia authority
autorite autoridad regulatory regulation regulador national nationale nacional federal state government
gouvernement gobierno public publique publico office bureau commission council conseil consejo
universal service services fund fonds fondo universite university universidad college school ecole escuela
institute institut instituto academy academie centre center centro technology technologies technologie
tecnologia tecnologias tech polytechnic foundation fondation fundacion association asociacion society
societe sociedad network networks reseau reseaux red redes alliance alianza coalition initiative iniciativa
collective collectif colectivo community communities communautaire comunidad group groupe grupo
organization organisation organizacion programme program programa project projet proyecto
development developpement desarrollo bank banque banco finance financial cooperation cooperacion
regional international internationale internacional global world mondial mundial
telecom telecoms telecommunication telecommunications telecommunity telecomunicaciones communication
communications comunicaciones ict icts tic information digital numerique digitale mobile connect
connectivity broadband satellite fibre fiber cloud wireless data internet economy economie economia
skills inclusion futures future good girls women youth
""".split())


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
    return " ".join(_WORD.findall(text.casefold()))


def similar(a: str, b: str) -> bool:
    """True when two texts (pledge titles) are the same after normalization or nearly so."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return False
    return na == nb or fuzz.ratio(na, nb) >= TITLE_SIMILARITY


# Words of country names that name no country on their own ("Republic of", "South", "Islands").
_COUNTRY_QUALIFIERS = frozenset("""
republic democratic people peoples united kingdom states state federation federal islamic arab plurinational
bolivarian socialist union commonwealth principality grand duchy sultanate emirates territory territories
island islands saint sint sao new north south east west central northern southern equatorial great outlying
minor province sar special administrative region holy see former
""".split())


@lru_cache(maxsize=1)
def country_words() -> frozenset[str]:
    """Words that name a country in an organization name (ISO 3166 names, common and official names,
    from pycountry), without small words and qualifiers such as 'republic' or 'south'."""
    words: set[str] = set()
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            words.update(normalize(getattr(country, attr, "") or "").split())
    return frozenset(words - STOP_WORDS - GENERIC_WORDS - _COUNTRY_QUALIFIERS)


@dataclass(frozen=True)
class _Name:
    core: str  # the words without stop words and legal forms, sorted
    distinctive: str  # core without kind-of-organization words and country names
    countries: frozenset[str]  # the country-name words it mentions


@lru_cache(maxsize=20_000)
def is_generic(word: str) -> bool:
    """A kind-of-organization word, or a typo of one ('univeristy'): ratio >= 85 to a generic word."""
    if word in GENERIC_WORDS:
        return True
    return len(word) >= 6 and process.extractOne(word, GENERIC_WORDS, scorer=fuzz.ratio, score_cutoff=85) is not None


def _name(text: str) -> _Name:
    words = [w for w in normalize(text).split() if w not in STOP_WORDS]
    countries = frozenset(w for w in words if w in country_words())
    return _Name(" ".join(sorted(words)),
                 " ".join(sorted(w for w in words if w not in countries and w not in _COUNTRY_QUALIFIERS
                                 and not is_generic(w))), countries)


def _host(website: str) -> str:
    host = urlsplit(website or "").hostname or ""
    return host.removeprefix("www.")


def match_reason(a: Organization, b: Organization) -> str | None:
    """Why `b` is probably the same organization as `a` (a message to show), or None."""
    if a.country_iso3 and b.country_iso3 and a.country_iso3 != b.country_iso3:
        return None
    na, nb = _name(a.name), _name(b.name)
    if na.core and na.core == nb.core:
        return _("Near-identical organization name")
    if (na.distinctive and nb.distinctive and fuzz.ratio(na.distinctive, nb.distinctive) >= DISTINCTIVE
            and (na.countries <= nb.countries or nb.countries <= na.countries)
            and fuzz.token_set_ratio(na.core, nb.core) >= WHOLE):
        return _("Near-identical organization name")
    for one, other in ((a, b), (b, a)):
        acronym = name_key(other.acronym)
        if len(acronym) >= 2 and name_key(one.name) == acronym:
            return _("One name is the other's acronym")
    if _host(a.website) and _host(a.website) == _host(b.website):
        return _("Same website")
    return None


def organization_matches(org: Organization, limit: int = LIMIT) -> list[tuple[Organization, str]]:
    """Other visible organizations that are probably this one, with the reason, newest first."""
    query = select(Organization).where(Organization.id != org.id, Organization.merged_into_id.is_(None))
    if org.country_iso3:
        nearby = or_(Organization.country_iso3 == org.country_iso3, Organization.country_iso3.is_(None))
    else:  # any country: narrow on the distinctive words instead
        words = (_name(org.name).distinctive or _name(org.name).core).split()[:3]
        nearby = or_(*[search.contains(Organization.name, w) for w in words]) if words else None
    conditions = [c for c in (nearby,) if c is not None]
    if org.acronym:
        conditions.append(Organization.name_key == name_key(org.acronym))
    conditions.append(Organization.name_key == name_key(org.name))
    if len(name_key(org.name)) <= 12:  # a name that may be someone's acronym ("ITU")
        conditions.append(func.lower(Organization.acronym) == name_key(org.name))
    host = _host(org.website)
    if host:
        conditions.append(search.contains(Organization.website, host))
    found = []
    for other in db.session.scalars(query.where(or_(*conditions)).order_by(Organization.id.desc())
                                    .limit(CANDIDATES)):
        reason = match_reason(org, other)
        if reason is not None:
            found.append((other, reason))
            if len(found) >= limit:
                break
    return found


def similar_organizations(org: Organization, limit: int = LIMIT) -> list[Organization]:
    """Other visible organizations that are probably this one (see `match_reason`)."""
    return [other for other, _reason in organization_matches(org, limit)]


def eoi_duplicates(record: ExpressionOfInterest) -> list[Duplicate]:
    """Other EOIs of the same organization, and organizations that are probably the same."""
    result = []
    same_org = db.session.scalars(
        select(ExpressionOfInterest).where(ExpressionOfInterest.organization_id == record.organization_id,
                                           ExpressionOfInterest.id != record.id)
        .order_by(ExpressionOfInterest.id.desc()).limit(LIMIT))
    for other in same_org:
        result.append(Duplicate("eoi", other.id, other.reference, record.organization.name, other.status,
                                _("Same organization")))
    for org, reason in organization_matches(record.organization):
        result.append(Duplicate("organization", org.id, org.acronym, org.name, None, reason, is_organization=True))
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
        .order_by(Pledge.id.desc()).limit(PLEDGE_CANDIDATES))
    for other in candidates:
        if other.id not in result and similar(record.title, other.title):
            result[other.id] = Duplicate("pledge", other.id, other.reference, other.title, other.status,
                                         _("Near-identical title"))
        if len(result) >= LIMIT:
            break
    return list(result.values())


# The back-office's duplicate finders, by kind (a kind without one shows no duplicates).
FINDERS = {SubmissionKind.EOI: eoi_duplicates, SubmissionKind.PLEDGE: pledge_duplicates}
