"""Which pledges' open-data rows (`p2c.opendata.models.OpenDataRow`) a transaction made stale.

Marked in the transaction of the change itself, so a committed change is never without its mark:
- every flushed object that is a pledge, or names one (`pledge_id`: targets, milestones, reports,
  ledger entries) or a progress report (`report_id`: values, milestones, beneficiaries, evidence
  files) marks that pledge, whatever attribute changed (a spare re-render costs milliseconds, a missed
  one leaves a wrong row in the open data);
- a changed organization marks the pledges it leads and those it is a partner of (its name, acronym,
  group and country are in their rows); the organization signals (edits and merges done with bulk
  statements the ORM does not see) mark the same;
- a bulk load asks for a full render (`OpenDataRowState.full`).
What no transaction writes is found by the writer itself (`p2c.opendata.fragments`): an embargo that
ended (by time), and reference tables or settings (their hash is part of the rows' key).
"""

from __future__ import annotations

import random
from itertools import chain

from flask import has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, insert, select, union, update

from p2c.core.signals import bulk_loaded, organization_changed, organizations_merged
from p2c.extensions import db
from p2c.implementation.models import ProgressReport
from p2c.members.models import Organization
from p2c.opendata.models import OpenDataRowState, OpenDataStale
from p2c.pledges.models import Pledge, pledge_partner

_PLEDGES, _REPORTS, _ORGS, _FULL = ("p2c_od_pledges", "p2c_od_reports", "p2c_od_orgs", "p2c_od_full")


def _after_flush(session, flush_context) -> None:
    info = session.info
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Pledge):
            info.setdefault(_PLEDGES, set()).add(obj.id)
        elif isinstance(obj, Organization):
            if obj not in session.new:  # a new organization leads nothing yet
                info.setdefault(_ORGS, set()).add(obj.id)
        else:
            pledge_id = getattr(obj, "pledge_id", None)
            if isinstance(pledge_id, int):
                info.setdefault(_PLEDGES, set()).add(pledge_id)
            report_id = getattr(obj, "report_id", None)
            if isinstance(report_id, int):
                info.setdefault(_REPORTS, set()).add(report_id)


def _organization_pledges(org_ids: set[int]):
    """SELECT of the pledges these organizations lead or are partners of."""
    return union(select(Pledge.id).where(Pledge.lead_organization_id.in_(org_ids)),
                 select(pledge_partner.c.pledge_id).where(pledge_partner.c.organization_id.in_(org_ids)))


def mark(pledge_ids) -> None:
    """Mark these pledges' rows stale, in the session's transaction (a new mark for an id already marked)."""
    ids = sorted({int(i) for i in pledge_ids if i is not None})
    if not ids:
        return
    dialect = db.session.connection().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    value = random.getrandbits(62)
    for start in range(0, len(ids), 5000):
        stmt = upsert(OpenDataStale)
        stmt = stmt.on_conflict_do_update(index_elements=["pledge_id"], set_={"mark": stmt.excluded.mark})
        db.session.execute(stmt, [{"pledge_id": i, "mark": value} for i in ids[start:start + 5000]])


def ask_full_render() -> None:
    """Have the next run render every row again (in the session's transaction)."""
    if db.session.execute(update(OpenDataRowState).where(OpenDataRowState.id == 1).values(full=True)).rowcount == 0:
        db.session.execute(insert(OpenDataRowState).values(id=1, key="", full=True, rendered_at=""))


def _before_commit(session) -> None:
    if not has_app_context() or session is not db.session():
        return
    session.flush()
    info = session.info
    pledges, reports, orgs = (info.pop(k, None) or set() for k in (_PLEDGES, _REPORTS, _ORGS))
    if reports:
        pledges |= set(session.scalars(select(ProgressReport.pledge_id).where(ProgressReport.id.in_(reports))))
    if orgs:
        pledges |= set(session.scalars(_organization_pledges(orgs)))
    if info.pop(_FULL, None):
        ask_full_render()
    if pledges:
        mark(pledges)


def discard_pending(session) -> None:
    """Forget the marks this session would write at its commit (the migration tests write data at an old
    revision, which has no `opendata_stale` table yet; like `p2c.reporting.projection.discard_pending`)."""
    for key in (_PLEDGES, _REPORTS, _ORGS, _FULL):
        session.info.pop(key, None)


def _after_transaction_end(session, transaction) -> None:
    # The outermost transaction only: `after_rollback` also fires for a savepoint rolled back, which
    # would drop the pending work of the changes flushed before it that the outer transaction then
    # commits. After a commit nothing is pending any more (taken by `_before_commit`).
    if transaction.parent is None:
        discard_pending(session)


def _on_organization(sender, organization_id: int | None = None, keep_id: int | None = None, **extra) -> None:
    org = organization_id if organization_id is not None else keep_id
    if org is not None:
        db.session.info.setdefault(_ORGS, set()).add(org)


def _on_bulk_loaded(sender, **extra) -> None:
    db.session.info[_FULL] = True


def connect() -> None:
    """Wire the marks: session events on every Flask-SQLAlchemy session and the organization and bulk-load
    signals. Called once by the app factory (idempotent)."""
    for name, fn in (("after_flush", _after_flush), ("before_commit", _before_commit),
                     ("after_transaction_end", _after_transaction_end)):
        if not event.contains(FlaskSession, name, fn):
            event.listen(FlaskSession, name, fn)
    organization_changed.connect(_on_organization)
    organizations_merged.connect(_on_organization)
    bulk_loaded.connect(_on_bulk_loaded)
