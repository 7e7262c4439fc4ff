"""Registers pledges as a kind of submission in the review back-office.

The review queue and decisions are generic over `p2c.core.submissions`; this module says how to
read a pledge (title, lead organization, focal point, detail fragment), what approving one means
(it counts from then) and its public page.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import literal_column, select
from werkzeug.routing import BuildError

from p2c.core import search as core_search
from p2c.core.db import utcnow
from p2c.core.enums import SubmissionKind
from p2c.core.search import in_set, indexed
from p2c.core.submissions import SubmissionType, register
from p2c.core.tokens import private_link
from p2c.extensions import db
from p2c.members.models import Organization
from p2c.members.search import organizations_matching
from p2c.pledges import notifications, search
from p2c.pledges.models import Pledge, PledgeAmendment, pledge_country, pledge_region
from p2c.pledges.queries import partner_contacts
from p2c.pledges.reporting_status import reporting_status_filter
from p2c.pledges.services import apply_amendment
from p2c.pledges.visibility import is_public
from p2c.reference.models import FocusArea


def _pledge_approved(record: Pledge) -> None:
    """An approved pledge counts from the moment it was approved; its partners' contacts are told."""
    record.approved_at = utcnow()
    notifications.partners_told(record, [pc.contact for pc in partner_contacts(record.id)], "pledge_partner_approved")


def _pledge_public_url(record: Pledge) -> str | None:
    """The public page of an approved pledge (None before approval or without the pledges pages)."""
    if not is_public(record):  # an approved pledge "to be announced" has no public page yet
        return None
    try:
        return url_for("pledges.detail", ref=record.reference)
    except (BuildError, RuntimeError):  # no public pledge pages in this app, or no request to build on
        return None


def org_name(org_id_column):
    """The organization's name as a correlated scalar subquery: counting the queue (SELECT count(*)
    FROM (...)) then never touches the organization table (a join would be done for every row)."""
    return select(Organization.name).where(Organization.id == org_id_column).scalar_subquery()


def lead_name(pledge_id_column):
    """The name of the lead organization of the pledge `pledge_id_column` (an amendment's, a report's),
    as one correlated scalar subquery: a subquery nested in another would not be correlated to the
    outer record (SQLAlchemy correlates one level), and would return every pledge's organization."""
    return (select(Organization.name).join(Pledge, Pledge.lead_organization_id == Organization.id)
            .where(Pledge.id == pledge_id_column).scalar_subquery())


def in_region(pledge_id_column, region: str):
    """The pledge `pledge_id_column` has a target country in the ITU `region`: one lookup in
    pledge_region's primary key (pledge_id, itu_region). A correlated EXISTS, not IN: a page reads
    its records in order and stops at 50, and a count probes once per record, where IN built the
    region's whole set of pledges first (130 ms at 200,000 pledges even for a kind with no record)."""
    return (select(pledge_region.c.pledge_id)  # a column of the key, so the lookup reads the index alone
            .where(pledge_region.c.pledge_id == pledge_id_column, pledge_region.c.itu_region == region).exists())


def _pledge_conditions(f) -> list:
    """The pledge's own filters (focus area, reporting status, search) as conditions on Pledge."""
    m = Pledge
    conditions = []
    if f.focus_area:
        conditions.append(m.focus_area_code == f.focus_area)
    if getattr(f, "reporting", ""):
        conditions.append(reporting_status_filter(f.reporting))
    if f.search:
        ids = search.matching_pledges(f.search)
        if ids is not None:
            # Both on the id: a count reads the (status, ...) index alone, never a pledge row.
            by_lead = select(Pledge.id).where(Pledge.lead_organization_id.in_(organizations_matching(f.search)))
            conditions.append(m.id.in_(ids) | m.id.in_(by_lead))
        else:  # fewer than 3 characters, or PostgreSQL: the LIKE on the row (p2c.pledges.search)
            conditions.append(core_search.contains(m.reference, f.search) | core_search.contains(m.title, f.search)
                              | in_set(m.lead_organization_id, organizations_matching(f.search)))
    return conditions


def _pledge_select(f):
    """Queue rows of pledges (region: any target country in the ITU region)."""
    if f.region:
        return _pledge_region_select(f)
    m = Pledge
    query = select(
        literal_column("'pledge'").label("kind"), m.id.label("id"), m.reference.label("reference"),
        m.title.label("title"), org_name(m.lead_organization_id).label("organization"),
        m.lead_organization_id.label("organization_id"), m.status.label("status"),
        m.submitted_at.label("submitted_at"), m.assignee_id.label("assignee_id"), m.version.label("version"),
    )
    return query.where(*_pledge_conditions(f))


def _pledge_region_select(f):
    """Queue rows of pledges with a target country in the region, read FROM pledge_region: its status
    and submission time are the pledge's (kept by triggers), so a page is read in order from the
    (itu_region, status, submitted_at) index and the count from that index alone; the pledge's other
    columns are correlated subqueries, looked up for the rows of the page only."""
    r = pledge_region

    def of_pledge(col):
        return select(col).where(Pledge.id == r.c.pledge_id).scalar_subquery()

    query = select(
        literal_column("'pledge'").label("kind"), r.c.pledge_id.label("id"),
        of_pledge(Pledge.reference).label("reference"), of_pledge(Pledge.title).label("title"),
        lead_name(r.c.pledge_id).label("organization"),
        of_pledge(Pledge.lead_organization_id).label("organization_id"), r.c.status.label("status"),
        r.c.submitted_at.label("submitted_at"), of_pledge(Pledge.assignee_id).label("assignee_id"),
        of_pledge(Pledge.version).label("version"),
    ).where(r.c.itu_region == f.region)
    other = _pledge_conditions(f)
    return query.where(r.c.pledge_id.in_(select(Pledge.id).where(*other))) if other else query


def pledge_details(ids: list[int]) -> dict[int, dict]:
    """Focus area, USD value, target countries and global flag of the pledges `ids` (review queue)."""
    session = db.session
    found = {pid: {"focus_area": name, "usd_value": usd, "is_global": is_global, "countries": []}
             for pid, name, usd, is_global in session.execute(
                 select(Pledge.id, FocusArea.name, Pledge.usd_value, Pledge.is_global)
                 .join(FocusArea, FocusArea.code == Pledge.focus_area_code).where(Pledge.id.in_(ids)))}
    for pid, iso3 in session.execute(select(pledge_country.c.pledge_id, pledge_country.c.country_iso3)
                                     .where(pledge_country.c.pledge_id.in_(ids))
                                     .order_by(pledge_country.c.country_iso3)):
        found[pid]["countries"].append(iso3)
    return found


PLEDGE = SubmissionType(
    kind=SubmissionKind.PLEDGE,
    model=Pledge,
    title=lambda r: r.title,
    organization=lambda r: r.lead_organization,
    contact=lambda r: r.focal_point,
    detail_template="review/detail_pledge.html",
    on_approve=_pledge_approved,
    public_url=_pledge_public_url,
    queue_select=_pledge_select,
    queue_details=pledge_details,
    reporting_filter=True,
    broad_search=lambda text: search.is_common(text),  # looked up at each call (tests patch it)
)

register(PLEDGE)


def _amendment_select(f):
    """Queue rows of amendments (focus area, region and search as for the pledge they amend)."""
    m = PledgeAmendment
    lead = select(Pledge.lead_organization_id).where(Pledge.id == m.pledge_id).scalar_subquery()
    query = select(
        literal_column("'pledge_amendment'").label("kind"), m.id.label("id"), m.reference.label("reference"),
        select(Pledge.title).where(Pledge.id == m.pledge_id).scalar_subquery().label("title"),
        lead_name(m.pledge_id).label("organization"), lead.label("organization_id"), m.status.label("status"),
        m.submitted_at.label("submitted_at"), m.assignee_id.label("assignee_id"), m.version.label("version"),
    )
    return query.where(*pledge_conditions(m.pledge_id, m.reference, f))


def pledge_conditions(pledge_id_column, reference_column, f) -> list:
    """Conditions for a record of another kind that belongs to a pledge (an amendment, a progress
    report): focus area and region of the pledge; search in the record's reference, the pledge's
    title and its lead organization's name. No join: the region and, on a page, the focus area are one
    index lookup per record (EXISTS); a count's focus area and the search sets are read once (IN)."""
    conditions = []
    if getattr(f, "focus_area", ""):
        if getattr(f, "counting", False):
            # A count: IN reads the focus area's pledges once from ix_pledge_focus, where EXISTS would
            # read every record's pledge row (3x slower at 200,000 pledges).
            conditions.append(pledge_id_column.in_(select(Pledge.id).where(Pledge.focus_area_code == f.focus_area)))
        else:
            # A page reads its records in order and stops at 50 matches: a lookup per record, not
            # the whole set built first for every part (kind and status) of the page.
            conditions.append(select(Pledge.id).where(Pledge.id == pledge_id_column,
                                                      Pledge.focus_area_code == f.focus_area).exists())
    if getattr(f, "region", ""):
        conditions.append(in_region(pledge_id_column, f.region))
    if getattr(f, "search", ""):
        leads = organizations_matching(f.search, acronym=False)
        ids = search.matching_pledges(f.search, reference=False)
        if ids is not None:  # SQLite's FTS5 sets, each read once
            by_pledge = (pledge_id_column.in_(ids)
                         | pledge_id_column.in_(select(Pledge.id).where(Pledge.lead_organization_id.in_(leads))))
        else:
            matches = core_search.contains(Pledge.title, f.search) | in_set(Pledge.lead_organization_id, leads)
            if indexed(f.search) and getattr(f, "shared_search", False) and search.is_common(f.search):
                by_pledge = pledge_id_column.in_(select(search.matching_set(f.search).c.id))
            elif not indexed(f.search) or search.is_common(f.search):
                # The record's pledge tested on its row: one primary-key lookup per record, stopping
                # with the page's LIMIT. A scalar subquery, not EXISTS, which PostgreSQL would turn
                # into the hashed set of every matching pledge (p2c.pledges.search.is_common).
                by_pledge = select(matches).where(Pledge.id == pledge_id_column).scalar_subquery()
            else:  # a rare word: its few pledges read once, then the record's (pledge_id, status) index
                by_pledge = in_set(pledge_id_column, select(Pledge.id).where(matches))
        conditions.append(core_search.contains(reference_column, f.search) | by_pledge)
    return conditions


PLEDGE_AMENDMENT = SubmissionType(
    kind=SubmissionKind.PLEDGE_AMENDMENT,
    model=PledgeAmendment,
    title=lambda r: r.pledge.title,
    organization=lambda r: r.pledge.lead_organization,
    contact=lambda r: r.pledge.focal_point,
    detail_template="pledges/review_amendment.html",
    on_approve=apply_amendment,
    public_url=lambda r: _pledge_public_url(r.pledge),
    # The focal point follows an amendment on the pledge's own private page.
    private_link=lambda r, email, lang=None: private_link("pledge", r.pledge_id, email, lang=lang),
    queue_select=_amendment_select,
)

register(PLEDGE_AMENDMENT)
