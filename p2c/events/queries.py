"""Reads for the event pages. Every count goes through the public rule (p2c.pledges.visibility):
a pledge "to be announced" counts from its announcement time, never before."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from p2c.core.db import utcnow
from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.extensions import db
from p2c.implementation.latest import latest_approved_reports
from p2c.implementation.models import ProgressMilestone, ProgressReport, ProgressValue
from p2c.pledges.models import Pledge, PledgeMilestone, PledgeTarget
from p2c.pledges.visibility import public_clause
from p2c.reference.models import Event, FocusArea, Indicator
from p2c.reporting.projection import due_for_release_query
from p2c.rollups.models import Rollup

LIST_LIMIT = 50
# The event API lists at most this many references of the pledges announced at an event; the rest page
# through /api/v1/pledges?event=<code>.
REFERENCE_LIMIT = 1000
EVENT_STATUSES = ("upcoming", "ongoing", "past")


@dataclass
class EventRow:
    """An event with what was announced there (public pledges only)."""

    event: Event
    pledges: int = 0
    usd_value: Decimal = Decimal(0)


@dataclass
class EventFigures:
    """What was announced at one event and what has happened to those pledges since."""

    pledges: int = 0
    usd_value: Decimal = Decimal(0)
    by_focus_area: list = field(default_factory=list)  # (code, name, pledges, usd)
    reported: int = 0
    completed: int = 0
    usd_disbursed: Decimal = Decimal(0)
    indicators: list = field(default_factory=list)  # (name, unit, pledged, achieved)
    milestones: int = 0
    milestones_done: int = 0
    pledge_ids: list = field(default_factory=list)


def event_status(event: Event, today: date | None = None) -> str:
    """'upcoming', 'ongoing' or 'past' (an event without a date is 'past': a moment that happened)."""
    today = today or utcnow().date()
    if event.starts_on is None:
        return "past"
    if event.starts_on > today:
        return "upcoming"
    return "ongoing" if (event.ends_on or event.starts_on) >= today else "past"


def _rollup_counts(codes: list[str] | None = None) -> dict[str, tuple[int, Decimal]]:
    """{event code: (public pledges, USD)} from the rollups (dimension "event"): one small read at any
    number of pledges. The rollups count public pledges only (p2c.pledges.visibility) and take in an
    announced pledge within seconds of its time (p2c.reporting.embargo)."""
    stmt = select(Rollup.key, Rollup.pledges, Rollup.usd_cents).where(Rollup.dimension == "event")
    if codes is not None:
        stmt = stmt.where(Rollup.key.in_(codes))
    return {k: (int(n), Decimal(int(c)) / 100) for k, n, c in db.session.execute(stmt)}


def events_with_counts() -> list[EventRow]:
    """Every event, latest first (undated ones last), with its public pledges."""
    counts = _rollup_counts()
    events = db.session.scalars(select(Event)).all()
    events = sorted(events, key=lambda e: (e.starts_on is None, -(e.starts_on.toordinal() if e.starts_on else 0),
                                           e.position))
    return [EventRow(e, int(counts.get(e.code, (0, 0))[0]), Decimal(counts.get(e.code, (0, 0))[1] or 0))
            for e in events]


def event_by_slug(slug: str) -> Event | None:
    """The event whose page is /events/<slug>."""
    return db.session.scalar(select(Event).where(Event.slug == slug))


def counter(event: Event) -> dict:
    """The live counter: public pledges announced at the event and their USD value (the rollups)."""
    n, usd = _rollup_counts([event.code]).get(event.code, (0, Decimal(0)))
    return {"pledges": n, "usd_value": usd}


def figures(event: Event, now: datetime | None = None) -> EventFigures:
    """Announced there (count, value, by focus area) and since then (reported, completed, disbursed,
    achieved per indicator against pledged, milestones done), from public pledges only."""
    out = EventFigures()
    here = [public_clause(now), Pledge.event_code == event.code]
    rows = db.session.execute(
        select(Pledge.focus_area_code, FocusArea.name, func.count(), func.coalesce(func.sum(Pledge.usd_value), 0))
        .join(FocusArea, FocusArea.code == Pledge.focus_area_code).where(*here)
        .group_by(Pledge.focus_area_code, FocusArea.name, FocusArea.position).order_by(FocusArea.position)).all()
    out.by_focus_area = [(c, name, int(n), Decimal(v or 0)) for c, name, n, v in rows]
    out.pledges = sum(r[2] for r in out.by_focus_area)
    out.usd_value = sum((r[3] for r in out.by_focus_area), Decimal(0))
    ids = select(Pledge.id).where(*here)
    latest = latest_approved_reports(ProgressReport.pledge_id.in_(ids)).subquery()
    n_reported, disbursed = db.session.execute(
        select(func.count(), func.coalesce(func.sum(latest.c.usd_disbursed), 0)).select_from(latest)).one()
    out.reported, out.usd_disbursed = int(n_reported), Decimal(disbursed or 0)
    out.completed = int(db.session.scalar(select(func.count()).select_from(latest).where(
        latest.c.implementation_status == ImplementationStatus.COMPLETED.value)) or 0)
    pledged = dict(db.session.execute(
        select(PledgeTarget.indicator_code, func.sum(PledgeTarget.target_value))
        .where(PledgeTarget.pledge_id.in_(ids)).group_by(PledgeTarget.indicator_code)).all())
    achieved = dict(db.session.execute(
        select(PledgeTarget.indicator_code, func.sum(ProgressValue.achieved_value))
        .join(PledgeTarget, PledgeTarget.id == ProgressValue.target_id)
        .where(ProgressValue.report_id.in_(select(latest.c.id))).group_by(PledgeTarget.indicator_code)).all())
    for code, name, unit in db.session.execute(
            select(Indicator.code, Indicator.name, Indicator.unit).order_by(Indicator.position)):
        if code in pledged:
            out.indicators.append((name, unit, Decimal(pledged[code] or 0), Decimal(achieved.get(code) or 0)))
    out.milestones = int(db.session.scalar(
        select(func.count()).select_from(PledgeMilestone).where(PledgeMilestone.pledge_id.in_(ids))) or 0)
    out.milestones_done = int(db.session.scalar(
        select(func.count()).select_from(ProgressMilestone)
        .where(ProgressMilestone.report_id.in_(select(latest.c.id)), ProgressMilestone.done.is_(True))) or 0)
    out.pledge_ids = list(db.session.scalars(
        select(Pledge.id).where(*here).order_by(Pledge.usd_value.desc().nulls_last(), Pledge.id).limit(LIST_LIMIT)))
    return out


def to_be_announced(event: Event, now: datetime | None = None) -> list[Pledge]:
    """The team's list: pledges of this event with an announcement time still to come (approved or in
    review), by announcement time."""
    return list(db.session.scalars(
        select(Pledge).where(Pledge.public_from > (now or utcnow()), Pledge.event_code == event.code,
                             Pledge.status.not_in([ReviewStatus.REJECTED, ReviewStatus.WITHDRAWN]))
        .order_by(Pledge.public_from, Pledge.id)))


def find_events(kind: str | None = None, year: int | None = None, status: str | None = None,
                today: date | None = None) -> list[Event]:
    """Events matching the filters (`kind`: an EventKind value; `year`: of the start date, undated events
    never match; `status`: one of EVENT_STATUSES as `event_status` says on `today`), latest first (undated
    last), as /events lists them. Events are a short reference list (tens of rows): filtered in Python."""
    today = today or utcnow().date()
    found = [row.event for row in events_with_counts()]
    if kind is not None:
        found = [e for e in found if e.kind == kind]
    if year is not None:
        found = [e for e in found if e.starts_on is not None and e.starts_on.year == year]
    if status is not None:
        found = [e for e in found if event_status(e, today) == status]
    return found


def public_counts(codes: list[str], now: datetime | None = None) -> dict[str, tuple[int, Decimal]]:
    """{event code: (public pledges announced there, their USD value)} for these events; events without
    pledges are left out.

    The rollups (`_rollup_counts`, what /events reads: one small read at any number of pledges) plus the
    pledges public at `now` that the rollups have not taken in yet (an announcement time just passed:
    `projection.due_for_release_query`, few rows by an index), so a pledge counts from its announcement
    time to the second."""
    if not codes:
        return {}
    counts = _rollup_counts(codes)
    pending = db.session.execute(
        select(Pledge.event_code, func.count(), func.coalesce(func.sum(Pledge.usd_value), 0))
        .where(Pledge.id.in_(due_for_release_query(now)), Pledge.event_code.in_(codes)).group_by(Pledge.event_code))
    for code, n, usd in pending:
        had_n, had_usd = counts.get(code, (0, Decimal(0)))
        counts[code] = (had_n + int(n), had_usd + Decimal(str(usd or 0)))
    return counts


def announced_references(event: Event, now: datetime | None = None, limit: int = REFERENCE_LIMIT) -> list[str]:
    """References of the public pledges announced at the event, in reference order, at most `limit`."""
    return list(db.session.scalars(
        select(Pledge.reference).where(public_clause(now), Pledge.event_code == event.code)
        .order_by(Pledge.reference).limit(limit)))
