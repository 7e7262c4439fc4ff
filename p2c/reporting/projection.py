"""The rollup projection: the one writer of the rollup tables (`p2c.rollups`), kept in step with
approvals inside the same transaction. Wired by the app factory (`connect()`); nothing else writes.

How they stay right:
- Any flush that touches a pledge, its targets or a progress report marks the pledge "dirty"
  (an ORM event, so no service has to remember to call us); `submission_decided` does the same.
- Just before the transaction commits, every dirty pledge is re-counted: what the ledger
  (`rollup_pledge`) says it added is taken out, what it adds now is put in, and the ledger is
  updated. The same pledge can be re-counted any number of times with the same result.
- `bulk_loaded` (demo data, imports) rebuilds everything from the pledge tables.
- Every write bumps the data version (`RollupState.version`; a rebuild also changes its `epoch`),
  which is what caches key on, so a reader right after an approval never sees the old figures.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable
from itertools import chain

from flask import has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import delete, event, func, inspect, select, update

from p2c.core.bulk import insert_rows
from p2c.core.enums import ReviewStatus
from p2c.core.signals import bulk_loaded, organization_changed, organizations_merged, submission_decided
from p2c.extensions import db
from p2c.implementation.models import DisbursementEntry, ProgressReport, ProgressValue
from p2c.members.models import Organization
from p2c.pledges import visibility
from p2c.pledges.models import Pledge, PledgeMilestone, PledgeTarget, pledge_partner
from p2c.pledges.visibility import is_public, public_clause
from p2c.reference.initiatives import RegionalInitiative
from p2c.reference.models import (
    BeneficiaryGroup,
    Country,
    Event,
    FocusArea,
    GdcObjective,
    Pillar,
    PledgeType,
    Sdg,
    SdgTarget,
    StakeholderGroup,
    WsisLine,
)
from p2c.reporting.contributions import Batch, Entry, contributions, for_ids
from p2c.reporting.layout import LAYOUT
from p2c.reporting.models import Goal
from p2c.rollups.models import Rollup, RollupOrganization, RollupPledge, RollupState
from p2c.rollups.queries import STATE_ID

_DIRTY = "p2c_rollup_dirty"
_GOALS = "p2c_goals_changed"
_RENAMED = "p2c_organizations_renamed"
REBUILD_BATCH = 20_000


# -- encoding of the ledger ---------------------------------------------------------------------

def encode(lead: int, usd_cents: int, entries: list[Entry]) -> str:
    """Compact JSON of one pledge's contribution."""
    money = [[d, k] for d, k, u, a in entries if a == 0 and u == usd_cents]
    other = [[d, k, u, a] for d, k, u, a in entries if not (a == 0 and u == usd_cents)]
    return json.dumps([lead, usd_cents, money, other], separators=(",", ":"))


def decode(text: str) -> tuple[int, int, list[Entry]]:
    """The inverse of `encode`."""
    lead, usd_cents, money, other = json.loads(text)
    entries = [(d, k, usd_cents, 0) for d, k in money] + [(d, k, u, a) for d, k, u, a in other]
    return lead, usd_cents, entries


# -- writes -------------------------------------------------------------------------------------

def _upsert(model, index: list[str], rows: list[dict], add: list[str]) -> None:
    if not rows:
        return
    dialect = db.session.connection().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(model)
    stmt = stmt.on_conflict_do_update(
        index_elements=index, set_={c: getattr(model, c) + getattr(stmt.excluded, c) for c in add})
    db.session.execute(stmt, rows)


def _new_epoch() -> int:
    return random.randint(1, 2**31)  # noqa: S311 - only a cache namespace


def _add_to_state(*, version: int = 0, organizations: int = 0) -> None:
    """Add to the state row's counters (creating the row, with a fresh epoch, the first time)."""
    # Created with the current layout: the rollups were empty, so every row from now on is in it.
    _upsert(RollupState, ["id"], [{"id": STATE_ID, "epoch": _new_epoch(), "version": version,
                                   "organizations": organizations, "layout": LAYOUT}], ["version", "organizations"])


def _bump_version() -> None:
    _add_to_state(version=1)


def _apply(deltas: dict[tuple[str, str], list[int]], org_deltas: dict[int, list[int]]) -> None:
    """Add signed deltas to the rollup rows and organization counters; keep the distinct count right."""
    rows = [{"dimension": d, "key": k, "pledges": v[0], "usd_cents": v[1], "amount_cents": v[2]}
            for (d, k), v in deltas.items() if any(v)]
    _upsert(Rollup, ["dimension", "key"], rows, ["pledges", "usd_cents", "amount_cents"])
    org_change = 0
    for org_id, (n, u) in org_deltas.items():
        if n == 0 and u == 0:
            continue
        _upsert(RollupOrganization, ["organization_id"],
                [{"organization_id": org_id, "pledges": n, "usd_cents": u}], ["pledges", "usd_cents"])
        now = db.session.scalar(select(RollupOrganization.pledges).where(RollupOrganization.organization_id == org_id))
        if n > 0 and now == n:
            org_change += 1  # went from 0 to n pledges: one more pledging organization
        elif n < 0 and now == 0:
            org_change -= 1
    db.session.execute(delete(RollupOrganization).where(RollupOrganization.pledges == 0))
    db.session.execute(delete(Rollup).where(Rollup.pledges == 0))
    _add_to_state(version=1, organizations=org_change)


def refresh(pledge_ids: Iterable[int]) -> int:
    """Re-count these pledges in the rollups (idempotent). Returns how many changed."""
    ids = sorted({int(i) for i in pledge_ids if i is not None})
    if not ids:
        return 0
    ledger = dict(db.session.execute(
        select(RollupPledge.pledge_id, RollupPledge.contribution).where(RollupPledge.pledge_id.in_(ids))).all())
    approved = set(db.session.scalars(
        select(Pledge.id).where(Pledge.id.in_(ids), public_clause())))
    relevant = [i for i in ids if i in ledger or i in approved]
    if not relevant:
        return 0
    now = for_ids(i for i in relevant if i in approved)
    deltas: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    org_deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    changed = 0
    for pid in relevant:
        old_text = ledger.get(pid)
        new = now.get(pid)
        new_text = encode(*new) if new else None
        if old_text == new_text:
            continue
        changed += 1
        if old_text is not None:
            lead, u, entries = decode(old_text)
            for d, k, eu, ea in entries:
                row = deltas[(d, k)]
                row[0] -= 1
                row[1] -= eu
                row[2] -= ea
            org_deltas[lead][0] -= 1
            org_deltas[lead][1] -= u
            db.session.execute(delete(RollupPledge).where(RollupPledge.pledge_id == pid))
        if new is not None:
            lead, u, entries = new
            for d, k, eu, ea in entries:
                row = deltas[(d, k)]
                row[0] += 1
                row[1] += eu
                row[2] += ea
            org_deltas[lead][0] += 1
            org_deltas[lead][1] += u
            db.session.execute(RollupPledge.__table__.insert().values(pledge_id=pid, contribution=new_text))
    if changed:
        _apply(deltas, org_deltas)
    return changed


def rebuild(batch_size: int = REBUILD_BATCH) -> int:
    """Recompute every rollup from the pledge tables (after bulk loads). Returns approved pledges counted."""
    for model in (Rollup, RollupOrganization, RollupPledge):
        db.session.execute(delete(model))
    lo, hi = db.session.execute(
        select(func.min(Pledge.id), func.max(Pledge.id)).where(public_clause())).one()
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    orgs: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    counted = 0
    if lo is not None:
        for start in range(lo, hi + 1, batch_size):
            found = contributions(Batch(id_range=(start, start + batch_size - 1)))
            ledger = []
            for pid, (lead, u, entries) in found.items():
                ledger.append((pid, encode(lead, u, entries)))
                for d, k, eu, ea in entries:
                    row = totals[(d, k)]
                    row[0] += 1
                    row[1] += eu
                    row[2] += ea
                orgs[lead][0] += 1
                orgs[lead][1] += u
            insert_rows(RollupPledge.__table__, ["pledge_id", "contribution"], ledger)
            counted += len(found)
    insert_rows(Rollup.__table__, ["dimension", "key", "pledges", "usd_cents", "amount_cents"],
                [(d, k, *v) for (d, k), v in totals.items()])
    insert_rows(RollupOrganization.__table__, ["organization_id", "pledges", "usd_cents"],
                [(o, *v) for o, v in orgs.items()])
    _bump_version()
    db.session.execute(update(RollupState).where(RollupState.id == STATE_ID)
                       .values(epoch=_new_epoch(), organizations=len(orgs), layout=LAYOUT))
    return counted


def due_for_release_query(now=None):
    """SELECT of the pledges whose embargo is over ("to be announced" until `public_from`) that the
    rollups do not count yet. Few rows: only pledges that ever had an announcement time (indexed)."""
    # The candidates come from the public_from index alone: given the status test directly, SQLite's
    # planner chose the (status, focus area, submitted) index and read every approved pledge (5 s at 1M,
    # on every request's embargo look, p2c.reporting.embargo).
    announced = select(Pledge.id).where(Pledge.public_from.is_not(None),
                                        Pledge.public_from <= (now or visibility.now()))
    return select(Pledge.id).where(
        Pledge.id.in_(announced), public_clause(now),
        ~select(RollupPledge.pledge_id).where(RollupPledge.pledge_id == Pledge.id).exists())


def due_for_release(now=None) -> list[int]:
    """The ids `due_for_release_query` finds."""
    return list(db.session.scalars(due_for_release_query(now)))


def release_due(now=None) -> int:
    """Count the pledges announced since the last look (the embargo's end is a moment, not a write)."""
    ids = due_for_release(now)
    return refresh(ids) if ids else 0


# -- wiring: ORM events and signals -------------------------------------------------------------

def mark_dirty(session, pledge_id: int | None) -> None:
    """Re-count this pledge before the session commits."""
    if pledge_id is not None:
        session.info.setdefault(_DIRTY, set()).add(pledge_id)


# Reference rows whose names, regions or flags the cached pages and the open data show (a reviewer's finding:
# focus areas, types, groups, SDGs, WSIS lines and countries were missing, so a rename or a country's new
# region left the directory's cached pages as they were).
_SHOWN_REFERENCE = (Goal, Event, RegionalInitiative, SdgTarget, GdcObjective, Pillar, FocusArea, PledgeType,
                    StakeholderGroup, BeneficiaryGroup, Sdg, WsisLine, Country)


def _after_flush(session, flush_context) -> None:
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Pledge):
            mark_dirty(session, obj.id)
        elif isinstance(obj, ProgressReport | PledgeTarget | DisbursementEntry):
            mark_dirty(session, obj.pledge_id)
        elif isinstance(obj, ProgressValue) and obj.report is not None:
            mark_dirty(session, obj.report.pledge_id)
        elif isinstance(obj, _SHOWN_REFERENCE):
            # Goals are part of the figures, and /progress shows event and initiative names (an admin's
            # new translation); the directory's dropdowns (cached per data version) name SDG targets and GDC
            # objectives: the cached pages and API must move on. Pillars: an admin's new name is in the
            # directory's dropdown and on /progress.
            session.info[_GOALS] = True
        elif isinstance(obj, Organization) and obj not in session.new and _renamed(obj):
            # A lead organization's name is in the directory's list (its pages are cached whole per data
            # version) and in /progress's finance table; the rollups, which count by its id, stay the
            # same. Looked at before the commit: only an organization leading a public pledge matters.
            session.info.setdefault(_RENAMED, set()).add(obj.id)
        if isinstance(obj, Pledge | PledgeTarget | PledgeMilestone) and _public_change(session, obj):
            # What the rollups do not count (a title, a note, milestones, SDG targets) is in the pages and
            # the open-data files written ahead (p2c.opendata.snapshots): the version moves on, so neither
            # a cache nor a written file is ever older than the data.
            session.info[_GOALS] = True
        if isinstance(obj, ProgressReport | ProgressValue):
            # The rollups hold what the 2030 forecast reads (every approved report's period), but a report's
            # other public fields (narrative, open-data files written ahead) are not in them: a report
            # change must move the caches on even when the pledge's rollup contribution stays the same.
            session.info[_GOALS] = True


def _renamed(org: Organization) -> bool:
    """Whether this flush changed the organization's name or acronym (what public lists show of it)."""
    state = inspect(org)
    return any(state.attrs[key].history.has_changes() for key in ("name", "acronym"))


# Pledge attributes no public output shows (the review workflow, contact data, bookkeeping): a flush that
# changes only these (a hand-over, a reviewer picking the pledge up, a reminder sent) moves no page, API
# answer or open-data file, so the data version stays and the /progress caches and the files written ahead
# (40 minutes at a million pledges) are not thrown away for nothing.
_PRIVATE = frozenset({"focal_point", "focal_point_id", "assignee_id", "decided_at", "submitted_at",
                      "last_reminded_at", "consent_public", "created_at", "updated_at", "version"})


def _public_change(session, obj: Pledge | PledgeTarget | PledgeMilestone) -> bool:
    """Whether this flushed pledge, target or milestone changed something the public sees: its pledge is
    public (`p2c.pledges.visibility`) now or was before this flush, and the object is new, deleted, or has
    an attribute outside `_PRIVATE` whose value really changed (setting the same value is no change).

    Histories are read without loading anything (`AttributeState.history`); called from `after_flush`,
    where they still hold the flush's changes. A target or milestone taken out of its pledge's list has no
    pledge any more: the pledge's own changed list answers for it."""
    pledge = obj if isinstance(obj, Pledge) else obj.pledge
    if pledge is None or not (is_public(pledge) or _was_public(pledge)):
        return False
    if obj in session.new or obj in session.deleted:
        return True
    state = inspect(obj)
    return any(state.attrs[key].history.has_changes() for key in state.mapper.attrs.keys() if key not in _PRIVATE)


def _was_public(pledge: Pledge) -> bool:
    """Whether the pledge was public with the values it had before this flush (approval withdrawn, or an
    announcement time moved into the future: the public outputs lose it)."""
    state = inspect(pledge)

    def before(key: str):
        history = state.attrs[key].history
        return history.deleted[0] if history.deleted else getattr(pledge, key)

    if before("status") != ReviewStatus.APPROVED:
        return False
    public_from = before("public_from")
    return public_from is None or public_from <= visibility.now()


def _before_commit(session) -> None:
    if not has_app_context() or session is not db.session():
        return
    for _ in range(3):  # refreshing writes with Core only, so one round normally suffices
        session.flush()
        ids = session.info.pop(_DIRTY, None)
        if not ids:
            break
        refresh(ids)
    renamed = session.info.pop(_RENAMED, None)
    if renamed and db.session.scalar(select(Pledge.id).where(
            Pledge.lead_organization_id.in_(renamed), public_clause()).limit(1)) is not None:
        session.info[_GOALS] = True
    if session.info.pop(_GOALS, None):
        _bump_version()


def discard_pending(session) -> None:
    """Forget the re-counts and version bump this session would do at its commit (the migration tests write
    data at an old revision, whose schema today's rollup tables do not match, and rebuild afterwards)."""
    for key in (_DIRTY, _RENAMED, _GOALS):
        session.info.pop(key, None)


def _after_transaction_end(session, transaction) -> None:
    # The outermost transaction only: `after_rollback` also fires for a savepoint rolled back, which
    # would drop the pending work of the changes flushed before it that the outer transaction then
    # commits. After a commit nothing is pending any more (taken by `_before_commit`).
    if transaction.parent is None:
        discard_pending(session)


def _on_decided(sender, kind=None, record=None, old=None, new=None, **extra) -> None:
    pledge_id = getattr(record, "pledge_id", None) if not isinstance(record, Pledge) else record.id
    mark_dirty(db.session(), pledge_id)


def _on_bulk_loaded(sender, **extra) -> None:
    db.session.info.pop(_DIRTY, None)
    rebuild()


def _on_organization_changed(sender, organization_id: int, **extra) -> None:
    # The rollups notice changed Pledge objects only; an organization edit or a merge (bulk UPDATEs)
    # does not touch one, so the pledges it leads are re-counted by hand.
    for pledge_id in db.session.scalars(select(Pledge.id).where(Pledge.lead_organization_id == organization_id)):
        mark_dirty(db.session, pledge_id)


def _on_organizations_merged(sender, keep_id: int, merged_id: int, **extra) -> None:
    # A merge rewrites partner links with bulk statements the ORM does not see: a public pledge that had the
    # merged organization as a partner now shows another partner list (the directory, the open data).
    if db.session.scalar(select(Pledge.id).join(pledge_partner, pledge_partner.c.pledge_id == Pledge.id)
                         .where(pledge_partner.c.organization_id == keep_id, public_clause()).limit(1)) is not None:
        db.session.info[_GOALS] = True


_ORM_EVENTS = (("after_flush", _after_flush), ("before_commit", _before_commit),
               ("after_transaction_end", _after_transaction_end))


def connect() -> None:
    """Wire the projection: session events on every Flask-SQLAlchemy session, and the signals that
    say which pledges to re-count. Called once by the app factory (idempotent)."""
    for name, fn in _ORM_EVENTS:
        if not event.contains(FlaskSession, name, fn):
            event.listen(FlaskSession, name, fn)
    submission_decided.connect(_on_decided)
    bulk_loaded.connect(_on_bulk_loaded)
    organization_changed.connect(_on_organization_changed)
    organizations_merged.connect(_on_organizations_merged)
