"""Reads for the back-office: the queue (all kinds in one list), counts, records, history, CSV rows.

The queue is a UNION ALL of one SELECT per registered kind, each giving the same labelled columns
(kind, id, reference, title, organization, organization_id, status, submitted_at, assignee_id,
version). A kind supplies its SELECT as `queue_select(filters)` (applying the kind-specific
filters: focus area, region, search); kinds without one get a plain SELECT on their model. Status,
assignee and age filters go inside each kind's SELECT. A page reads each kind and status apart, in
the queue's order from its (status, submitted_at) index and cut to the page, and sorts only those
rows (`queue_select(f, first=...)`); the total counts each kind and status alone, up to a cap
(counts.py). A kind's SELECT gives the
organization's columns as correlated subqueries, not joins, so counting it reads its own table only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import Integer, Select, String, cast, literal_column, null, or_, select, text, union_all

from p2c.accounts.models import User
from p2c.core import search, timebox
from p2c.core import submissions as registry
from p2c.core.db import utcnow
from p2c.core.enums import ReportingStatus, ReviewStatus, UserRole
from p2c.extensions import db
from p2c.review import counts

# The filters and constants live in filters.py; names re-exported for the views and tests.
from p2c.review.filters import (  # noqa: F401
    AGE_BUCKETS,
    MAX_ID,
    OPEN_STATUSES,
    PER_PAGE,
    SORTS,
    QueueFilters,
    parse_id,
    queue_query_string,
)

# The record page's reads live in records.py; re-exported for the views.
from p2c.review.records import comments, get_record, history, possible_duplicates  # noqa: F401


def default_select(stype: registry.SubmissionType, f: QueueFilters) -> Select:
    """Queue rows of a kind that brings no SELECT of its own: reference as title, search on reference."""
    m = stype.model
    query = select(
        literal_column(f"'{stype.kind.value}'").label("kind"), m.id.label("id"), m.reference.label("reference"),
        m.reference.label("title"), cast(null(), String).label("organization"),
        cast(null(), Integer).label("organization_id"),
        m.status.label("status"), m.submitted_at.label("submitted_at"), m.assignee_id.label("assignee_id"),
        m.version.label("version"),
    )
    if f.focus_area or f.region:
        return query.where(False)  # this kind cannot be filtered that way: leave it out
    if f.search:
        query = query.where(search.contains(m.reference, f.search))
    return query


def _kind_select(stype: registry.SubmissionType, f: QueueFilters) -> Select:
    builder = stype.queue_select
    return default_select(stype, f) if builder is None else builder(f)


def _types(f: QueueFilters) -> list[registry.SubmissionType]:
    types = [t for t in registry.all_types() if not f.kind or t.kind.value == f.kind]
    if f.reporting:  # only kinds whose SELECT applies the reporting-status filter (pledges)
        types = [t for t in types if t.reporting_filter]
    return types


def _countable_alone(f: QueueFilters) -> bool:
    """True when only status, assignee and age filter the queue: then each kind's table can be counted
    alone, from its (status, ...) indexes. The kinds' SELECTs join only along NOT NULL foreign keys
    (a record's organization, a report's pledge), so the joins never change a count."""
    return not (f.focus_area or f.region or f.search or f.reporting)


def _union(f: QueueFilters, *, with_status: bool = True):
    """The kinds' SELECTs as one subquery, each already filtered by status, assignee and age.

    The filters go inside each SELECT, not on the union, so each kind's table is searched through its
    (status, submitted_at) index: databases do not reliably push a WHERE into a UNION ALL (SQLite
    scanned every pledge of a million for the default "open" queue).
    """
    types = _types(f)
    if not types:
        return default_select(registry.all_types()[0], f).where(False).subquery("queue")
    selects = [(s := _kind_select(t, f)).where(*_where(s.selected_columns, f, with_status=with_status))
               for t in types]
    return union_all(*selects).subquery("queue") if len(selects) > 1 else selects[0].subquery("queue")


def _where(q, f: QueueFilters, *, with_status: bool = True) -> list:
    """The status, assignee and age conditions on columns `q` (a SELECT's selected_columns)."""
    conditions = []
    if with_status and f.status == "open":
        conditions.append(q.status.in_([s.value for s in OPEN_STATUSES]))
    elif with_status and f.status != "all":
        conditions.append(q.status == f.status)
    if f.assignee == "me":
        conditions.append(q.assignee_id == f.user_id)
    elif f.assignee == "none":
        conditions.append(q.assignee_id.is_(None))
    elif f.assignee.isdigit():
        conditions.append(q.assignee_id == int(f.assignee))
    if f.age:
        _code, low, high = next(b for b in AGE_BUCKETS if b[0] == f.age)
        now = utcnow()
        conditions.append(q.submitted_at <= now - timedelta(days=low))
        if high is not None:
            conditions.append(q.submitted_at > now - timedelta(days=high + 1))
    return conditions


def _order(columns, f: QueueFilters, *, tie_kind: bool = True) -> list:
    column, descending = SORTS[f.sort]
    first = columns[column].desc() if descending else columns[column].asc()
    return [first, columns.kind, columns.id] if tie_kind else [first, columns.id]


def _statuses(f: QueueFilters) -> list[str]:
    if f.status == "open":
        return [s.value for s in OPEN_STATUSES]
    return [s.value for s in ReviewStatus] if f.status == "all" else [f.status]


# Built statements by filters. Building the queue's SELECT (a part per kind and status, each with its
# correlated subqueries) costs more Python time than running it on an index (20-40 ms against 2-10 ms
# at 1k): a statement is immutable and holds no connection, so one built for the same filters is
# reused. Not for age or reporting-status filters, whose conditions hold today's date.
_STATEMENTS: dict[tuple, Any] = {}


def _memo(f: QueueFilters, what: str, build: Any) -> Any:
    if f.age or f.reporting:
        return build()
    key = (what, f.kind, f.status, f.focus_area, f.region, f.assignee, f.user_id, f.search, f.sort,
           tuple(id(t) for t in registry.all_types()))
    statement = _STATEMENTS.get(key)
    if statement is None:
        if len(_STATEMENTS) > 500:
            _STATEMENTS.clear()
        statement = _STATEMENTS[key] = build()
    return statement


def queue_select(f: QueueFilters, first: int | None = None) -> Select:
    """The filtered, sorted queue as one SELECT (rows plus the assignee's e-mail), in the order
    (sort column, kind, id).

    With `first` (how many rows from the start the caller will read: the page's offset plus its
    length), each kind and status is read on its own, sorted and cut to `first` rows, and only these
    are merged and sorted: the top `first` rows of the whole queue are among them, since a part's
    order is the queue's order within that part. Each part is `WHERE status = ? ORDER BY
    submitted_at, id LIMIT n`, which its table's (status, submitted_at) index answers in order
    without reading the rest (a million approved pledges for the approved tab's first page). The
    merge is done by the database, so strings and NULLs sort by its own rules, as before.
    """
    return _memo(f, f"select:{first}", lambda: _queue_select(f, first))


def _queue_select(f: QueueFilters, first: int | None) -> Select:
    if first is None:
        q = _union(f)
    else:
        parts = []
        for stype in _types(f):
            for status in _statuses(f):
                part = (s := _kind_select(stype, f)).where(s.selected_columns.status == status,
                                                           *_where(s.selected_columns, f, with_status=False))
                part = part.order_by(*_order(part.selected_columns, f, tie_kind=False)).limit(first).subquery()
                parts.append(select(*part.c))
        if not parts:
            return queue_select(f)
        q = union_all(*parts).subquery("queue") if len(parts) > 1 else parts[0].subquery("queue")
    return (
        select(q, User.email.label("assignee_email"), User.name.label("assignee_name"))
        .outerjoin(User, User.id == q.c.assignee_id)
        .order_by(*_order(q.c, f))
    )


@dataclass
class QueuePage:
    """One page of the queue. `total` is a capped Count (counts.py), or None when not counted: when
    `total.capped` or None, the number of pages is unknown (`pages` is None) and `has_next` says
    whether a row follows this page."""

    rows: list
    total: counts.Count | None
    page: int
    pages: int | None
    has_next: bool = False

    @property
    def past_the_end(self) -> bool:
        """An empty page after the first: the list ends before it. Only when the number of pages is
        unknown (not counted, or capped): a known one clamps the page asked for to the last."""
        return self.pages is None and self.page > 1 and not self.rows


def _without_jit() -> None:
    """On PostgreSQL, no JIT compilation for the rest of this transaction (the queue's reads).

    The queue's statements are many small parts (a kind and status each, cut by a LIMIT), but the
    planner adds up their costs as if each were read to the end, so the counts' statement passed
    `jit_above_cost` and was compiled: 671 ms of JIT for 1.6 s at 200,000 pledges (EXPLAIN ANALYZE,
    687 functions), more than the work it compiled. `SET LOCAL` ends with the transaction, so other
    readers keep the server's setting."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def _count_parts(f: QueueFilters, statuses: list[str]) -> list[tuple[str, Select]]:
    """(status, capped count) for each kind and status: each kind's SELECT cut to COUNT_CAP + 1 rows
    (its index answers the status, focus-area and assignee conditions; the organization columns are
    not read, nor, when only status, assignee and age filter, the kind's joins)."""
    parts = []
    f = replace(f, shared_search=True)
    for t in _types(f):
        for status in statuses:
            if _countable_alone(f):
                part = select(t.model.id).where(t.model.status == status, *_where(t.model, f, with_status=False))
            else:
                # Not `counting=True` (a kind's filter set read once, IN): a part cut at the cap is best
                # served, like a page, by a lookup per record (EXISTS), and the IN set would be built
                # again for each status (focus area at 200,000 pledges: 382 ms against 62 ms).
                s = _kind_select(t, f)
                part = s.where(s.selected_columns.status == status, *_where(s.selected_columns, f, with_status=False))
            parts.append((status, counts.capped(part, counts.COUNT_CAP)))
    return parts


def _counts(f: QueueFilters, statuses: list[str], budget_ms: int | None = None) -> dict[str, counts.Count] | None:
    """{status: Count} summed over the kinds, in one statement (one round trip, not one per part); None
    when the statement took longer than `budget_ms` and was stopped (p2c.core.timebox)."""
    key = f"counts:{','.join(statuses)}:{counts.COUNT_CAP}"
    parts = _memo(f, key, lambda: _count_parts(f, statuses))
    result: dict[str, list[counts.Count]] = {s: [] for s in statuses}
    if parts:
        _without_jit()
        row = timebox.first_row(select(*(p.scalar_subquery() for _s, p in parts)), budget_ms)
        if row is None:
            return None
        for (status, _p), value in zip(parts, row, strict=True):
            result[status].append(counts.read(value, counts.COUNT_CAP))
    return {s: counts.add(values) for s, values in result.items()}


def total(f: QueueFilters) -> counts.Count:
    """How many records match `f`, each kind and status counted up to COUNT_CAP (counts.py): exact below
    the cap, else a lower bound marked `capped`."""
    return counts.add(_counts(f, _statuses(f)).values())


def queue(f: QueueFilters, counted: dict[str, counts.Count] | None = None, *, uncounted: bool = False) -> QueuePage:
    """A page of the queue (PER_PAGE rows) and the total matching (taken from `status_counts` when the
    caller has them, from `status_counts(f)`: they count the same records). With `uncounted` (the
    page's counts were left out: `status_counts` gave None) the total is None, the number of pages
    unknown, and the pager says whether a next page exists."""
    matching = None if uncounted else counted[f.status] if counted is not None else total(f)
    if matching is None or matching.capped:  # the last page is unknown: any page may be asked for, empty past the end
        page, pages = min(f.page, MAX_ID // (2 * PER_PAGE)), None  # its LIMIT stays within 64 bits
    else:
        pages = max(1, -(-matching // PER_PAGE))
        page = min(f.page, pages)
    offset = (page - 1) * PER_PAGE
    # One row past the page tells whether another page follows, without the exact total.
    query = queue_select(f, first=offset + PER_PAGE + 1)
    _without_jit()
    rows = db.session.execute(query.limit(PER_PAGE + 1).offset(offset)).all()
    return QueuePage(rows=rows[:PER_PAGE], total=matching, page=page, pages=pages,
                     has_next=len(rows) > PER_PAGE)


def queue_details(rows: list) -> dict[tuple[str, int], dict]:
    """{(kind, id): {"focus_area", "usd_value", "countries", "is_global"}} for the rows of a queue page,
    from each kind's `queue_details` (kinds without one show no details line)."""
    by_kind: dict[str, list[int]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row.id)
    details: dict[tuple[str, int], dict] = {}
    for kind, ids in by_kind.items():
        stype = registry.get(kind)
        reader = getattr(stype, "queue_details", None) if stype else None
        if reader is not None:
            details.update({(kind, rid): d for rid, d in reader(ids).items()})
    return details


def next_in_queue(f: QueueFilters, kind: str, record_id: int, scan: int = 2000) -> Any | None:
    """The row after (kind, record_id) in the queue `f` (same filters and order), or its first row when
    the record is not (or no longer) in it; None when nothing else waits. Scans at most `scan` rows."""
    _without_jit()
    rows = db.session.execute(queue_select(f, first=scan).limit(scan)).all()
    for index, row in enumerate(rows):
        if row.kind == kind and row.id == record_id:
            return rows[index + 1] if index + 1 < len(rows) else None
    return next((r for r in rows if not (r.kind == kind and r.id == record_id)), None)


def status_counts(f: QueueFilters, budget_ms: int | None = None) -> dict[str, counts.Count] | None:
    """How many records per status (and "open", "all"), with every filter but the status one applied,
    each kind and status counted up to COUNT_CAP: a sum with a capped part is itself capped.

    With `budget_ms` (a page's counts: config QUEUE_COUNT_BUDGET_MS) they may be left out, and then
    the result is None ("not counted", never a smaller number): for a search that a kind calls broad
    (`SubmissionType.broad_search`: pledges and progress reports, at least p2c.pledges.search.COMMON
    matching pledges of any status, by title or lead organization), whose counts read every match of
    each status below the cap (1.4-1.7 s at 1M pledges on PostgreSQL, issue 19), whatever the other
    filters; and when counting takes longer than `budget_ms` milliseconds (p2c.core.timebox). Without
    a budget (None, 0 or less) they are counted however long it takes (the "count them" link, tests)."""
    if (budget_ms or 0) > 0 and search.indexed(f.search) and any(t.broad_search and t.broad_search(f.search)
                                                                 for t in _types(f)):
        return None
    by_status = _counts(f, [s.value for s in ReviewStatus], budget_ms)
    if by_status is None:
        return None
    by_status["open"] = counts.add(by_status[s.value] for s in OPEN_STATUSES)
    by_status["all"] = counts.add(by_status[s.value] for s in ReviewStatus)
    return by_status


def iter_queue(f: QueueFilters, batch: int = 500) -> Iterator[tuple[Any, Any]]:
    """Every (queue row, record) of the filtered queue, loaded in batches (for the CSV download)."""
    query = queue_select(f)
    offset = 0
    while True:
        rows = db.session.execute(query.limit(batch).offset(offset)).all()
        if not rows:
            return
        records: dict[tuple[str, int], Any] = {}
        for kind in {r.kind for r in rows}:
            model = registry.get(kind).model
            ids = [r.id for r in rows if r.kind == kind]
            for record in db.session.scalars(select(model).where(model.id.in_(ids))):
                records[(kind, record.id)] = record
        for row in rows:
            yield row, records.get((row.kind, row.id))
        db.session.expunge_all()  # constant memory however long the queue
        offset += batch


def staff_users(active_only: bool = True) -> list[User]:
    """Accounts of the review back-office (reviewers and administrators; not verifiers, who see none of
    the queue: no digest, not an assignee), by e-mail."""
    query = select(User).where(User.role != UserRole.VERIFIER).order_by(User.email)
    if active_only:
        query = query.where(User.active.is_(True))
    return list(db.session.scalars(query))


def waiting_for(user: User) -> dict[str, dict[str, int]]:
    """Open records unassigned or assigned to `user`: {kind: {age bucket: count}}."""
    q = _union(QueueFilters(status="open"))
    now = utcnow()
    rows = db.session.execute(
        select(q.c.kind, q.c.submitted_at)
        .where(q.c.status.in_([s.value for s in OPEN_STATUSES]),
               or_(q.c.assignee_id.is_(None), q.c.assignee_id == user.id))).all()
    result: dict[str, dict[str, int]] = {}
    for kind, submitted_at in rows:
        days = (now - submitted_at).days if submitted_at else 0
        bucket = next(code for code, low, high in AGE_BUCKETS if days >= low and (high is None or days <= high))
        per_kind = result.setdefault(kind, {code: 0 for code, _l, _h in AGE_BUCKETS})
        per_kind[bucket] += 1
    return result


def filter_choices() -> dict[str, list]:
    """Options of the queue filters: kinds, focus areas, ITU regions, staff."""
    from p2c.reference.models import Country, FocusArea

    return {
        "kinds": [t.kind for t in registry.all_types()],
        "focus_areas": list(db.session.scalars(select(FocusArea).order_by(FocusArea.position))),
        "regions": list(db.session.scalars(select(Country.itu_region).distinct().order_by(Country.itu_region))),
        "staff": staff_users(),
        "reporting": list(ReportingStatus),
    }


def get_user(user_id: int | None) -> User | None:
    """A staff user by id (None for None)."""
    return db.session.get(User, user_id) if user_id else None
