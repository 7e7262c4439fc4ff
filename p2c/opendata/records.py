"""Read approved pledges as open-data records, in batches, in constant memory.

A record is a dict keyed by the column names of `columns.COLUMNS` with Python values (str, Decimal,
date, datetime, bool, int, lists, and `targets` and `milestones` as lists of dicts). Pledges are read by keyset
pagination on the primary key (`id > last ORDER BY id LIMIT n`) with Core selects, so no ORM
object and no whole result set is ever held; related lists are fetched per batch (`pledge_in`: a range
of ids, or `IN (...)` for a sparse batch).
Contact data is never selected. Stored text passes through `p2c.core.text.safe_text`, so a character
stored before the text rule existed (a U+000B in a name) can never break a CSV, XLSX or IATI file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import aliased

from p2c.core.enums import ReviewStatus
from p2c.core.text import safe_text
from p2c.extensions import db
from p2c.implementation.latest import latest_approved_reports
from p2c.implementation.models import EvidenceFile, ProgressMilestone, ProgressReport, ProgressValue
from p2c.members.models import Organization
from p2c.pledges.models import (
    Pledge,
    PledgeMilestone,
    PledgeTarget,
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
from p2c.pledges.visibility import announced_by, now, public_clause
from p2c.reference.models import Country

BATCH_SIZE = 1000

# A filter turns a pledge select into a narrower one (e.g. the directory's filters).
PledgeFilter = Callable[[Select], Select]


def approved_clause() -> ColumnElement[bool]:
    """Only public pledges (approved and announced: p2c.pledges.visibility) are open data."""
    return public_clause()


def is_approved(column) -> ColumnElement[bool]:
    """`status = 'approved'` written so that no index on status can serve it.

    Most rows are approved, so an index on status selects nearly everything and then needs a sort
    for ORDER BY id: each keyset batch would cost O(N). Hiding the column from the planner keeps it
    on the primary key (or the pledge_id index), so each batch costs O(batch). The same holds for a
    batch's progress reports (SQLite, without statistics, took `ix_progress_report_status_submitted`
    for `status = 'approved' AND pledge_id BETWEEN ...`: every approved report read for every batch).
    """
    return func.coalesce(column, "") == ReviewStatus.APPROVED.value


def _base_select() -> Select:
    org_country = aliased(Country)
    return (
        select(
            Pledge.id, Pledge.reference, Pledge.title, Pledge.description, Pledge.language,
            Organization.id.label("org_id"), Organization.name.label("org_name"),
            Organization.acronym.label("org_acronym"),
            Organization.stakeholder_group_code.label("org_group"), Organization.country_iso3.label("org_country"),
            org_country.itu_region.label("org_region"), Pledge.focus_area_code, Pledge.pledge_type_code,
            Pledge.amount, Pledge.currency_code, Pledge.usd_value, Pledge.usd_rate, Pledge.usd_rate_year,
            Pledge.is_global, Pledge.targets_ldc, Pledge.targets_lldc, Pledge.targets_sids, Pledge.start_date,
            Pledge.end_date, Pledge.start_year, Pledge.pledged_on, Pledge.approved_at, Pledge.event_code,
            Pledge.implementation_status, Pledge.last_reported_at,
        )
        .join(Organization, Organization.id == Pledge.lead_organization_id)
        .outerjoin(org_country, org_country.iso3 == Organization.country_iso3)
        .where(is_approved(Pledge.status), announced_by(now()))
        # SQLite: walk the rowid range, never a secondary index (the hint is ignored elsewhere).
        .with_hint(Pledge, "NOT INDEXED", dialect_name="sqlite")
    )


def _execute(stmt: Select):
    """Run a Core select on the session's connection: plain tuples, none of the ORM's per-row work."""
    return db.session.connection().execute(stmt)


def pledge_in(column: Any, ids: list[int]) -> ColumnElement[bool]:
    """`column IN (ids)` for a batch's related rows, as a range when the batch is dense.

    A batch of the unfiltered export is nearly consecutive ids: `BETWEEN` walks one index range instead
    of binding a thousand parameters (2 ms instead of 17 on SQLite at 1,000 ids). The range may also
    hold pledges that are not in the batch (not public): callers key what they read by pledge id and
    look up only the batch's, so those rows are never shown. A sparse batch (a filtered export) keeps IN.
    """
    lo, hi = min(ids), max(ids)
    if hi - lo < 2 * len(ids):
        return column.between(lo, hi)
    return column.in_(ids)


def _grouped(stmt: Select) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for pledge_id, value in _execute(stmt):
        out[pledge_id].append(value)
    # Sorted here rather than by the database, whose text collation differs between engines.
    return {k: sorted(v) for k, v in out.items()}


def _links(ids: list[int]) -> dict[str, dict[int, list]]:
    """The list-valued columns of a batch, each sorted so exports are deterministic."""
    partners = (select(pledge_partner.c.pledge_id, Organization.name)
                .join(Organization, Organization.id == pledge_partner.c.organization_id)
                .where(pledge_in(pledge_partner.c.pledge_id, ids))
                .order_by(pledge_partner.c.pledge_id, Organization.name, Organization.id))

    def simple(table, column) -> Select:
        col = table.c[column]
        return select(table.c.pledge_id, col).where(pledge_in(table.c.pledge_id, ids)).order_by(table.c.pledge_id, col)

    return {
        "partners": _grouped(partners),
        "countries": _grouped(simple(pledge_country, "country_iso3")),
        "pillars": _grouped(simple(pledge_pillar, "pillar_code")),
        "beneficiary_groups": _grouped(simple(pledge_beneficiary, "beneficiary_code")),
        "sdgs": _grouped(simple(pledge_sdg, "sdg_number")),
        "wsis_lines": _grouped(simple(pledge_wsis, "wsis_code")),
        "initiatives": _grouped(simple(pledge_initiative, "initiative_code")),
        "sdg_targets": _grouped(simple(pledge_sdg_target, "sdg_target_code")),
        "gdc_objectives": _grouped(simple(pledge_gdc, "gdc_code")),
    }


def latest_reports(ids: list[int]) -> dict[int, Any]:
    """Per pledge id: its latest approved progress report (`implementation.latest`: id, period,
    usd_disbursed, level...). Read once per batch and shared by the columns that come from it."""
    stmt = latest_approved_reports(pledge_in(ProgressReport.pledge_id, ids), by_pledge=True)
    return {row.pledge_id: row for row in _execute(stmt)}


def latest_progress(ids: list[int], latest: dict[int, Any] | None = None) -> dict[int, tuple[Decimal, int]]:
    """Per target id: (achieved value, period) from its pledge's latest approved progress report.

    The same definition as the "achieved" figures on /progress (`implementation.latest`): a target the
    latest report leaves out has no achieved value, even if an older report gave it one. `latest`:
    `latest_reports(ids)` when the caller has it already.
    """
    latest = latest_reports(ids) if latest is None else latest
    period = {row.id: row.period for row in latest.values()}
    if not period:
        return {}
    stmt = (select(ProgressValue.target_id, ProgressValue.achieved_value, ProgressValue.report_id)
            .where(ProgressValue.report_id.in_(list(period))))
    return {target_id: (value, period[report_id]) for target_id, value, report_id in _execute(stmt)}


def _targets(ids: list[int], reports: dict[int, Any]) -> dict[int, list[dict[str, Any]]]:
    latest = latest_progress(ids, reports)
    stmt = (select(PledgeTarget.id, PledgeTarget.pledge_id, PledgeTarget.indicator_code, PledgeTarget.target_value,
                   PledgeTarget.target_year, PledgeTarget.baseline, PledgeTarget.note)
            .where(pledge_in(PledgeTarget.pledge_id, ids)).order_by(PledgeTarget.pledge_id, PledgeTarget.id))
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in _execute(stmt):
        achieved, period = latest.get(row.id, (None, None))
        out[row.pledge_id].append({
            "indicator": row.indicator_code, "target_value": row.target_value, "target_year": row.target_year,
            "baseline": row.baseline, "note": safe_text(row.note or ""), "achieved_value": achieved,
            "achieved_period": period,
        })
    return out


def milestones_done(ids: list[int], latest: dict[int, Any] | None = None) -> dict[int, bool]:
    """Per milestone id: done or not, as its pledge's latest approved report says (the same report as the
    `targets` column's achieved values; a milestone that report leaves out is not in the dict)."""
    latest = latest_reports(ids) if latest is None else latest
    report_ids = [row.id for row in latest.values()]
    if not report_ids:
        return {}
    stmt = (select(ProgressMilestone.milestone_id, ProgressMilestone.done)
            .where(ProgressMilestone.report_id.in_(report_ids)))
    return {milestone_id: bool(done) for milestone_id, done in _execute(stmt)}


def _milestones(ids: list[int], reports: dict[int, Any]) -> dict[int, list[dict[str, Any]]]:
    """Per pledge id: its milestones by due date (then id, so ties keep one order), with `done`."""
    done = milestones_done(ids, reports)
    stmt = (select(PledgeMilestone.id, PledgeMilestone.pledge_id, PledgeMilestone.kind,
                   PledgeMilestone.description, PledgeMilestone.due_on)
            .where(pledge_in(PledgeMilestone.pledge_id, ids))
            .order_by(PledgeMilestone.pledge_id, PledgeMilestone.due_on, PledgeMilestone.id))
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in _execute(stmt):
        out[row.pledge_id].append({"kind": row.kind, "description": safe_text(row.description),
                                   "due_on": row.due_on, "done": done.get(row.id)})
    return out


def disbursed_to_date(ids: list[int], latest: dict[int, Any] | None = None) -> dict[int, Decimal]:
    """Per pledge id: USD disbursed to date, as its latest approved progress report states it.

    The form asks for a running total ("USD disbursed to date"), so reports never add up. The latest
    report is the one of `implementation.latest`, the same as for the figures on /progress; when it
    leaves the field empty, the pledge has no disbursed value there either.
    """
    latest = latest_reports(ids) if latest is None else latest
    return {pid: row.usd_disbursed for pid, row in latest.items() if row.usd_disbursed is not None}


def evidence_links(ids: list[int]) -> dict[int, list[str]]:
    """Per pledge id: the public addresses of the evidence files of its approved progress reports."""
    from urllib.parse import quote

    from p2c.core.tokens import absolute_url

    stmt = (select(ProgressReport.pledge_id, EvidenceFile.id, EvidenceFile.filename)
            .join(ProgressReport, ProgressReport.id == EvidenceFile.report_id)
            .where(pledge_in(ProgressReport.pledge_id, ids), is_approved(ProgressReport.status))
            .order_by(ProgressReport.pledge_id, EvidenceFile.id))
    out: dict[int, list[str]] = defaultdict(list)
    for pledge_id, file_id, filename in _execute(stmt):
        out[pledge_id].append(absolute_url(f"/evidence/{file_id}/{quote(filename)}"))
    return out


def achieved_levels(ids: list[int], latest: dict[int, Any] | None = None) -> dict[int, str]:
    """Per pledge id: the figure level of its latest approved progress report (the one whose values the
    `targets` and `usd_disbursed` columns give), as on /progress."""
    latest = latest_reports(ids) if latest is None else latest
    return {pid: str(getattr(row.level, "value", row.level)) for pid, row in latest.items()}


def _record(row: Any, links: dict[str, dict[int, list]], targets: dict, disbursed: dict,
            levels: dict[int, str] | None = None, milestones: dict | None = None) -> dict[str, Any]:
    pid = row.id
    return {
        "reference": row.reference, "title": safe_text(row.title), "description": safe_text(row.description or ""),
        "language": row.language, "lead_organization": safe_text(row.org_name),
        "lead_organization_acronym": safe_text(row.org_acronym or ""),
        "lead_organization_stakeholder_group": row.org_group, "lead_organization_country": row.org_country,
        "lead_organization_region": row.org_region,
        "partners": [safe_text(name) for name in links["partners"].get(pid, [])],
        "focus_area": row.focus_area_code, "pillars": links["pillars"].get(pid, []),
        "pledge_type": row.pledge_type_code, "amount": row.amount, "currency": row.currency_code,
        "usd_value": row.usd_value, "usd_rate": row.usd_rate, "usd_rate_year": row.usd_rate_year,
        "is_global": bool(row.is_global), "countries": links["countries"].get(pid, []),
        "targets_ldc": bool(row.targets_ldc), "targets_lldc": bool(row.targets_lldc),
        "targets_sids": bool(row.targets_sids), "beneficiary_groups": links["beneficiary_groups"].get(pid, []),
        "sdgs": links["sdgs"].get(pid, []), "wsis_lines": links["wsis_lines"].get(pid, []),
        "initiatives": links["initiatives"].get(pid, []),
        "start_date": row.start_date, "end_date": row.end_date, "start_year": row.start_year,
        "pledged_on": row.pledged_on, "approved_at": row.approved_at, "announced_at": row.event_code,
        "implementation_status": str(row.implementation_status) if row.implementation_status else None,
        "last_reported_at": row.last_reported_at, "usd_disbursed": disbursed.get(pid),
        "achieved_level": (levels or {}).get(pid),
        "targets": targets.get(pid, []),
        "evidence_files": links.get("evidence_files", {}).get(pid, []),
        "sdg_targets": links["sdg_targets"].get(pid, []), "gdc_objectives": links["gdc_objectives"].get(pid, []),
        "milestones": (milestones or {}).get(pid, []),
        "org_id": row.org_id,  # not columns: the IATI export needs them
        "pledge_id": pid,
    }


def iter_batches(pledge_filter: PledgeFilter | None = None, batch_size: int = BATCH_SIZE
                 ) -> Iterator[list[dict[str, Any]]]:
    """Approved pledges as lists of records, `batch_size` at a time, ordered by id."""
    last_id = 0
    while True:
        stmt = _base_select()
        if pledge_filter is not None:
            stmt = pledge_filter(stmt)
        rows = _execute(stmt.where(Pledge.id > last_id).order_by(Pledge.id).limit(batch_size)).all()
        if not rows:
            return
        ids = [r.id for r in rows]
        reports = latest_reports(ids)  # one read of the latest reports for the four columns that use them
        links, targets, disbursed = _links(ids), _targets(ids, reports), disbursed_to_date(ids, reports)
        levels = achieved_levels(ids, reports)
        links["evidence_files"] = evidence_links(ids)
        milestones = _milestones(ids, reports)
        yield [_record(r, links, targets, disbursed, levels, milestones) for r in rows]
        last_id = ids[-1]
        if len(rows) < batch_size:
            return


def iter_records(pledge_filter: PledgeFilter | None = None, batch_size: int = BATCH_SIZE
                 ) -> Iterator[dict[str, Any]]:
    """Approved pledges one record at a time (batched underneath)."""
    for batch in iter_batches(pledge_filter, batch_size):
        yield from batch


def has_records(pledge_filter: PledgeFilter | None = None) -> bool:
    """Whether an export holds at least one approved pledge (an IATI file must hold one activity)."""
    stmt = select(Pledge.id).where(approved_clause())
    if pledge_filter is not None:
        stmt = pledge_filter(stmt)
    return db.session.execute(stmt.limit(1)).first() is not None
