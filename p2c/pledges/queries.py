"""Reads of approved pledges for the directory, the public pledge pages, the read API and exports.

Pagination is by keyset (cursor), never OFFSET, so page 5,000 costs what page 1 costs. Facet counts
come from the maintained rollups when no filter is active (exact); with filters the number of
matches is counted up to COUNT_LIMIT, and the page says "more than" beyond it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import bindparam, exists, func, or_, select, tuple_
from sqlalchemy.orm import selectinload

from p2c.core import search
from p2c.core.enums import ReviewStatus
from p2c.core.reporting_status import reporting_status
from p2c.extensions import db
from p2c.members.models import Organization
from p2c.pledges import visibility
from p2c.pledges.filters import active_filters, decode_cursor, encode_cursor
from p2c.pledges.models import (
    PartnerContact,
    Pledge,
    PledgeAmendment,
    pledge_beneficiary,
    pledge_country,
    pledge_gdc,
    pledge_initiative,
    pledge_partner,
    pledge_pillar,
    pledge_sdg,
    pledge_sdg_target,
    pledge_wsis,
)
from p2c.pledges.reporting_status import reporting_status_filter
from p2c.pledges.visibility import public_clause
from p2c.reference.models import Country, FocusArea, PledgeType
from p2c.rollups.models import Rollup, RollupOrganization, RollupState
from p2c.rollups.queries import STATE_ID

COUNT_LIMIT = 1000
# Single filters whose exact count is a rollup row: parameter -> (dimension, key transform).
ROLLUP_COUNTS = {
    "focus_area": "focus_area", "type": "pledge_type", "stakeholder": "stakeholder", "lead_region": "lead_region",
    "year": "start_year", "event": "event", "pillar": "pillar", "region": "target_region", "group": "scope",
    "beneficiary": "beneficiary", "sdg": "sdg", "wsis": "wsis", "country": "country", "initiative": "initiative",
}
# Facets shown with counts in the directory (parameter, rollup dimension).
FACETS = [("focus_area", "focus_area"), ("type", "pledge_type"), ("pillar", "pillar"), ("region", "target_region"),
          ("group", "scope"), ("stakeholder", "stakeholder"), ("beneficiary", "beneficiary"), ("sdg", "sdg"),
          ("year", "start_year")]


def _today() -> date:
    # The visibility rule's clock (naive UTC), so the directory's cache key (p2c.pledges.directory_cache)
    # and the reporting-status filter read the same day.
    return visibility.now().date()


def _link_exists(table, column: str, value, every: bool = False) -> object:
    if every:
        return Pledge.id.in_(select(table.c.pledge_id).where(table.c[column] == value))
    return exists().where(table.c.pledge_id == Pledge.id, table.c[column] == value)


def conditions(filters: dict, today: date | None = None, *, every: bool = False) -> list:
    """WHERE clauses for approved pledges matching the filters.

    `every`: for a reader of every matching pledge (the filtered progress figures, p2c.reporting.direct),
    the link and region filters are `id IN (the code's pledges)`, read once from the (code, pledge) index.
    The directory reads one page in order and stops, so it keeps a correlated EXISTS per row it passes
    (the IN list would be built in full on every page: a third of the pledges for a region). As an EXISTS
    over a whole million SQLite probes every approved pledge, once per country of a region (about 45
    probes each for Africa): 1 s of the 13 s a filtered /api/v1/progress took at 100k pledges."""
    f = active_filters(filters)
    where = [public_clause()]
    simple = {"focus_area": Pledge.focus_area_code, "type": Pledge.pledge_type_code, "year": Pledge.start_year,
              "implementation": Pledge.implementation_status, "event": Pledge.event_code}
    for name, column in simple.items():
        if name in f:
            where.append(column == f[name])
    if "group" in f:
        where.append({"ldc": Pledge.targets_ldc, "lldc": Pledge.targets_lldc, "sids": Pledge.targets_sids,
                      "global": Pledge.is_global}[f["group"]].is_(True))
    links = {"country": (pledge_country, "country_iso3"), "pillar": (pledge_pillar, "pillar_code"),
             "beneficiary": (pledge_beneficiary, "beneficiary_code"), "sdg": (pledge_sdg, "sdg_number"),
             "wsis": (pledge_wsis, "wsis_code"), "initiative": (pledge_initiative, "initiative_code"),
             "sdg_target": (pledge_sdg_target, "sdg_target_code"), "gdc": (pledge_gdc, "gdc_code")}
    for name, (table, column) in links.items():
        if name in f:
            where.append(_link_exists(table, column, f[name], every))
    if "region" in f:
        countries = select(Country.iso3).where(Country.itu_region == f["region"])
        where.append(Pledge.id.in_(select(pledge_country.c.pledge_id).where(pledge_country.c.country_iso3.in_(countries)))
                     if every else exists().where(pledge_country.c.pledge_id == Pledge.id,
                                                  pledge_country.c.country_iso3.in_(countries)))
    if "stakeholder" in f:
        where.append(Pledge.lead_organization_id.in_(
            select(Organization.id).where(Organization.stakeholder_group_code == f["stakeholder"])))
    if "lead_region" in f:
        where.append(Pledge.lead_organization_id.in_(
            select(Organization.id).join(Country, Country.iso3 == Organization.country_iso3)
            .where(Country.itu_region == f["lead_region"])))
    if "reporting" in f:
        where.append(reporting_status_filter(f["reporting"], today or _today()))
    if "q" in f:
        needle = f["q"].strip()
        where.append(or_(search.contains(Pledge.title, needle), Pledge.reference == needle.upper(),
                         Pledge.lead_organization_id.in_(select(Organization.id).where(
                             or_(search.contains(Organization.name, needle),
                                 search.contains(Organization.acronym, needle))))))
    return where


@dataclass
class ListItem:
    """What a list of pledges shows about one pledge (read with two small queries, no ORM objects)."""

    id: int
    reference: str
    title: str
    language: str
    lead_name: str
    focus_area_name: str
    type_name: str
    usd_value: Decimal | None
    is_global: bool
    partner_count: int = 0
    country_codes: list[str] = field(default_factory=list)


def list_items(ids: list[int]) -> list[ListItem]:
    """List items for these pledge ids, in the order of `ids`."""
    if not ids:
        return []
    rows = db.session.execute(
        select(Pledge.id, Pledge.reference, Pledge.title, Pledge.language, Organization.name, FocusArea.name,
               PledgeType.name, Pledge.usd_value, Pledge.is_global)
        .join(Organization, Organization.id == Pledge.lead_organization_id)
        .join(FocusArea, FocusArea.code == Pledge.focus_area_code)
        .join(PledgeType, PledgeType.code == Pledge.pledge_type_code)
        .where(Pledge.id.in_(ids)))
    by_id = {r[0]: ListItem(*r) for r in rows}
    for pid, iso3 in db.session.execute(select(pledge_country.c.pledge_id, pledge_country.c.country_iso3)
                                        .where(pledge_country.c.pledge_id.in_(ids))
                                        .order_by(pledge_country.c.country_iso3)):
        by_id[pid].country_codes.append(iso3)
    for pid, n in db.session.execute(select(pledge_partner.c.pledge_id, func.count()).where(
            pledge_partner.c.pledge_id.in_(ids)).group_by(pledge_partner.c.pledge_id)):
        by_id[pid].partner_count = n
    return [by_id[i] for i in ids if i in by_id]


@dataclass
class Page:
    """One page of the directory (pledges are ListItem for HTML lists, Pledge objects when full)."""

    pledges: list
    next_cursor: str | None
    count: int
    count_exact: bool


def _ordered(stmt, sort: str, cursor: str | None, limit: int) -> tuple[list[int], str | None]:
    """Ids of one page in the sort order, and the cursor of the next page."""
    phase, value, last_id = decode_cursor(cursor, sort) if cursor else (0, None, None)
    ids: list[tuple[int, object]] = []
    if sort == "largest":
        # Phase 0: pledges with a stated value, largest first; phase 1: those without, newest id first.
        if phase == 0:
            q = stmt.where(Pledge.usd_value.isnot(None))
            if last_id is not None:
                q = q.where(tuple_(Pledge.usd_value, Pledge.id) < tuple_(Decimal(value), last_id))
            rows = db.session.execute(q.add_columns(Pledge.usd_value)
                                      .order_by(Pledge.usd_value.desc(), Pledge.id.desc()).limit(limit + 1)).all()
            ids = [(r[0], 0, r[1]) for r in rows]
            last_id = None
        if len(ids) <= limit:
            q = stmt.where(Pledge.usd_value.is_(None))
            if phase == 1 and last_id is not None:
                q = q.where(Pledge.id < last_id)
            rows = db.session.execute(q.order_by(Pledge.id.desc()).limit(limit + 1 - len(ids))).all()
            ids += [(r[0], 1, None) for r in rows]
    else:
        q = stmt
        if last_id is not None:
            q = q.where(tuple_(Pledge.approved_at, Pledge.id) < tuple_(datetime.fromisoformat(value), last_id))
        rows = db.session.execute(q.add_columns(Pledge.approved_at)
                                  .order_by(Pledge.approved_at.desc(), Pledge.id.desc()).limit(limit + 1)).all()
        ids = [(r[0], 0, r[1]) for r in rows]
    more = len(ids) > limit
    ids = ids[:limit]
    next_cursor = encode_cursor(sort, ids[-1][1], ids[-1][2], ids[-1][0]) if more and ids else None
    return [i[0] for i in ids], next_cursor


def count_matches(filters: dict) -> tuple[int, bool]:
    """(count, exact): exact from the rollups with no filter or one rollup-backed filter, else bounded."""
    f = active_filters(filters)
    if not f or (len(f) == 1 and next(iter(f)) in ROLLUP_COUNTS):
        name, value = next(iter(f.items())) if f else ("", "")
        dimension = ROLLUP_COUNTS.get(name, "total")
        n = db.session.scalar(select(Rollup.pledges).where(Rollup.dimension == dimension, Rollup.key == str(value)))
        return int(n or 0), True
    inner = select(Pledge.id).where(*conditions(filters)).limit(COUNT_LIMIT + 1).subquery()
    n = db.session.scalar(select(func.count()).select_from(inner)) or 0
    return min(n, COUNT_LIMIT), n <= COUNT_LIMIT


# Built once: constructing the statement cost more than running it (a cached page is served in ~2 ms).
_PAGE_STATE = select(
    RollupState.epoch, RollupState.version,
    select(func.max(Pledge.public_from)).where(Pledge.public_from <= bindparam("at")).scalar_subquery(),
).where(RollupState.id == STATE_ID)


def page_state(at: datetime) -> str:
    """What a rendered directory page depends on besides its URL and language, as one string: the rollup
    data version (every public write moves it: approvals, edits, reference names) and the latest
    announcement time already past at `at`. An embargo ends with no write (`p2c.pledges.visibility`):
    the pledge appears in the lists at its `public_from`, and at that moment this string changes too.
    Two index lookups, on a connection of their own (what every process sees; the page is a GET)."""
    with db.engine.connect() as connection:
        row = connection.execute(_PAGE_STATE, {"at": at}).first()
    epoch, version, last = row if row else (0, 0, None)
    return f"{epoch}.{version}.{last.isoformat() if last else '-'}"


def directory_page(filters: dict, full: bool = False) -> Page:
    """The pledges of one directory page, with the count of matches (full: load every link, for the API)."""
    stmt = select(Pledge.id).where(*conditions(filters))
    ids, next_cursor = _ordered(stmt, filters.get("sort", "newest"), filters.get("cursor"),
                                filters.get("limit", 20))
    pledges = load_pledges(ids) if full else list_items(ids)
    count, exact = count_matches(filters)
    return Page(pledges, next_cursor, count, exact)


def load_pledges(ids: list[int]) -> list[Pledge]:
    """Pledges with everything the public pages and the API show, in the order of `ids`."""
    if not ids:
        return []
    options = [selectinload(Pledge.countries), selectinload(Pledge.partners), selectinload(Pledge.focus_area),
               selectinload(Pledge.pledge_type), selectinload(Pledge.pillars), selectinload(Pledge.beneficiary_groups),
               selectinload(Pledge.sdgs), selectinload(Pledge.wsis_lines), selectinload(Pledge.targets),
               selectinload(Pledge.initiatives), selectinload(Pledge.milestones), selectinload(Pledge.sdg_targets),
               selectinload(Pledge.gdc_objectives)]
    rows = db.session.scalars(select(Pledge).where(Pledge.id.in_(ids)).options(*options))
    by_id = {p.id: p for p in rows}
    return [by_id[i] for i in ids if i in by_id]


def facet_counts() -> dict[str, dict[str, int]]:
    """Counts per facet value over all approved pledges (exact, from the rollups)."""
    dims = {d: p for p, d in FACETS}
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for d, k, n in db.session.execute(select(Rollup.dimension, Rollup.key, Rollup.pledges)
                                      .where(Rollup.dimension.in_(list(dims)))):
        out[dims[d]][k] = int(n)
    return out


def public_pledge(reference: str) -> Pledge | None:
    """An approved pledge by its public reference, or None."""
    pid = db.session.scalar(select(Pledge.id).where(Pledge.reference == reference.upper(), public_clause()))
    found = load_pledges([pid]) if pid else []
    return found[0] if found else None


def pledges_modified_at(organization_ids: list[int]):
    """The latest change to a pledge led by one of these organizations (None without any)."""
    if not organization_ids:
        return None
    return db.session.scalar(select(func.max(Pledge.updated_at)).where(
        Pledge.lead_organization_id.in_(organization_ids)))


def status_of(pledge: Pledge, today: date | None = None) -> str:
    """The pledge's reporting status code today."""
    return reporting_status(pledge.last_reported_at, pledge.approved_at, today or _today()).value


def iter_public_pledges(filters: dict | None = None, batch: int = 1000) -> Iterator[Pledge]:
    """Every approved pledge matching the filters, newest first, loaded in keyset batches
    (constant memory; for exports). Serialize with p2c.pledges.public_schemas.PublicPledgeSchema.

    The session is emptied (expunge_all) after each batch so memory stays flat over a million pledges:
    use it in a request or command that holds no other ORM objects it still needs."""
    filters = dict(filters or {})
    filters.pop("cursor", None)
    stmt = select(Pledge.id).where(*conditions(filters))
    cursor = None
    while True:
        ids, cursor = _ordered(stmt, "newest", cursor, batch)
        yield from load_pledges(ids)
        db.session.expunge_all()  # keep memory flat over a million pledges
        if not cursor:
            return


def organizations_page(after_id: int | None, limit: int) -> tuple[list[tuple[Organization, int, int]], int | None]:
    """Organizations that lead approved pledges (public listing only), by id, with pledge counts and USD cents."""
    stmt = (select(Organization, RollupOrganization.pledges, RollupOrganization.usd_cents)
            .join(RollupOrganization, RollupOrganization.organization_id == Organization.id)
            .where(Organization.public_listing.is_(True), Organization.merged_into_id.is_(None))
            .order_by(Organization.id).limit(limit + 1))
    if after_id is not None:
        stmt = stmt.where(Organization.id > after_id)
    rows = [(o, int(n), int(u)) for o, n, u in db.session.execute(stmt)]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1][0].id if more and rows else None)


__all__ = ["COUNT_LIMIT", "FACETS", "Page", "count_matches", "directory_page", "facet_counts",
           "iter_public_pledges", "load_pledges", "organizations_page", "pledges_modified_at",
           "public_pledge", "status_of"]


def partner_contacts(pledge_id: int) -> list:
    """The private contacts of a pledge's partners (those that have one), by partner name."""
    return list(db.session.scalars(
        select(PartnerContact).where(PartnerContact.pledge_id == pledge_id)
        .join(Organization, Organization.id == PartnerContact.organization_id).order_by(Organization.name)
    ))


def approved_amendments(pledge_id: int) -> list[PledgeAmendment]:
    """The pledge's approved amendments, oldest first (its public "amended" history)."""
    return list(db.session.scalars(
        select(PledgeAmendment).where(PledgeAmendment.pledge_id == pledge_id,
                                      PledgeAmendment.status == ReviewStatus.APPROVED)
        .order_by(PledgeAmendment.decided_at, PledgeAmendment.id)
    ))


@dataclass
class OrganizationPledges:
    """An organization's approved pledges, as lead and as partner, with their totals (a joint pledge counts
    once, under its lead: the partner total is shown, never added)."""

    organization: Organization
    lead: list[Pledge]
    partner: list[Pledge]

    @property
    def lead_usd(self) -> Decimal:
        return sum((p.usd_value or Decimal(0) for p in self.lead), Decimal(0))

    @property
    def partner_usd(self) -> Decimal:
        return sum((p.usd_value or Decimal(0) for p in self.partner), Decimal(0))


def organization_pledges(org_id: int, limit: int = 500) -> OrganizationPledges | None:
    """A visible (not merged) organization and its approved pledges, newest first; None when unknown."""
    org = db.session.get(Organization, org_id)
    if org is None or org.merged_into_id is not None:
        return None
    approved = public_clause()  # approved and announced (an embargoed pledge is not shown yet)
    lead = db.session.scalars(select(Pledge).where(approved, Pledge.lead_organization_id == org_id)
                              .order_by(Pledge.approved_at.desc(), Pledge.id.desc()).limit(limit)).all()
    partner = db.session.scalars(
        select(Pledge).where(approved, exists().where(pledge_partner.c.pledge_id == Pledge.id,
                                                      pledge_partner.c.organization_id == org_id))
        .order_by(Pledge.approved_at.desc(), Pledge.id.desc()).limit(limit)).all()
    return OrganizationPledges(org, list(lead), list(partner))
