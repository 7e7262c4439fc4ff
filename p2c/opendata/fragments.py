"""Each public pledge's rendered open-data bytes, kept in `opendata_row` and refreshed for the pledges that
changed, so the full downloads are written by concatenating rows (issue 19; `p2c.opendata.snapshots`).

A row holds what the live writers (`CsvTable`, `JsonTable`, `XlsxTable`, `IatiDocument`) write for that
pledge in each file, with the parts that depend on its place in the file left out (the JSON separator)
or left as placeholders (the XLSX row number and date style ids, `XlsxSplice`). `refresh_rows()`:
- renders every row again (`full`) when there is no state yet, when a bulk load asked for it, or when the
  rows' key changed: `render_key()` hashes the rendering layout (`LAYOUT`, change it with any change to
  the writers or columns), the settings the rows read (base URL, IATI identifiers) and every reference
  table (countries, focus areas, indicators, exchange rates...: a new country name or region re-renders all);
- else renders the pledges marked stale in the transactions that changed them (`p2c.opendata.tracking`)
  and those whose embargo ended since the last run (a moment, not a write), dropping the rows of pledges
  that are no longer public.
`tests/opendata/test_opendata_rows.py` checks that files written after incremental refreshes are the
bytes of files written from rows all rendered from scratch.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, insert, or_, select, union, update

from p2c.core.bulk import insert_rows
from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.implementation.models import ProgressReport
from p2c.opendata.columns import COLUMNS
from p2c.opendata.exports import CsvTable, JsonTable
from p2c.opendata.iati import _Lookups
from p2c.opendata.iati_stream import activity_fragments
from p2c.opendata.models import OpenDataRow, OpenDataRowState, OpenDataStale
from p2c.opendata.records import iter_batches
from p2c.opendata.stale_marks import public_top, read_marks, remove_marks
from p2c.opendata.xlsx_rows import XlsxTable
from p2c.pledges import visibility
from p2c.pledges.models import Pledge

# The rendering layout: change it with any change to what a row holds (a column, a format's writer), so
# that every database renders its rows again on the worker's next run.
LAYOUT = "2026-11-30-odrows-1"
STATE_ID = 1
RENDER_BATCH = 1000
# One writer at a time (two workers): the lease it holds, renewed with every batch of rows. A writer that
# died leaves it to run out.
LEASE = timedelta(minutes=10)
BUSY = "another writer is rendering the rows"  # refresh_rows' answer then: no file may be written from them
# Reference tables the rows read (names, codes, regions, units, rates): hashed whole into the key.
REFERENCE_TABLES = ("country", "focus_area", "pillar", "pledge_type", "stakeholder_group", "beneficiary_group",
                    "sdg", "wsis_line", "indicator", "currency", "exchange_rate", "event", "sdg_target",
                    "gdc_objective", "regional_initiative")
SETTINGS = ("BASE_URL", "IATI_IDENTIFIER_PREFIX", "IATI_REPORTING_ORG_REF")
ROW_NUMBER, DATE_STYLE, DATETIME_STYLE = b"\x00", b"\x01", b"\x02"  # never in sheet XML (illegal characters)

Checkpoint = Callable[[], None]


@functools.cache
def _rendering_source() -> bytes:
    """The source files of the modules that render a row: a release that changes any of them (a writer's
    encoding, a column's rule) renders every row again, `LAYOUT` bumped or not, so a file never mixes two
    renderings. Read once per process (a release restarts the processes)."""
    from p2c.core import cells, counts, enums, text, tokens
    from p2c.implementation import evidence, latest, ledger
    from p2c.opendata import columns, exports, iati, iati_stream, records, xlsx_rows
    from p2c.pledges import visibility
    from p2c.reference import catalog

    # The opendata modules and those whose rules decide a row's bytes or which rows exist (a reviewer's list):
    # cell and text cleaning, counts, enum values, absolute URLs, the ledger's finance types, the latest
    # report, accepted evidence, the reference catalog, what is public.
    modules = (columns, exports, iati, iati_stream, records, xlsx_rows, sys.modules[__name__], cells, counts, enums,
               text, tokens, evidence, latest, ledger, visibility, catalog)
    return b"".join(Path(m.__file__).read_bytes() for m in modules)


def render_key() -> str:
    """SHA-256 (hex) of what every row depends on besides its own pledge's rows: `LAYOUT`, the columns, the
    source of the rendering modules, the settings in `SETTINGS` and the content of `REFERENCE_TABLES` (a few
    thousand small rows)."""
    digest = hashlib.sha256(repr((LAYOUT, [c.name for c in COLUMNS],
                                  [current_app.config.get(k) for k in SETTINGS])).encode())
    digest.update(_rendering_source())
    for name in REFERENCE_TABLES:
        table = db.metadata.tables[name]
        for row in db.session.execute(select(table).order_by(*table.primary_key.columns)):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


class _SheetRows(XlsxTable):
    """`XlsxTable`'s rows with placeholders for what depends on the file (`ROW_NUMBER`, the date styles)."""

    def _date_style(self, value: Any) -> str:  # type: ignore[override]
        return (DATETIME_STYLE if isinstance(value, datetime) else DATE_STYLE).decode()


class _Renderer:
    """Renders records into row tuples (pledge_id, csv, json, xlsx, iati); `close()` when done."""

    def __init__(self) -> None:
        self.csv, self.json = CsvTable(COLUMNS), JsonTable(COLUMNS)
        self.sheet = _SheetRows("pledges", COLUMNS)
        self.lookups = _Lookups()

    def render(self, records: list[dict[str, Any]]) -> list[tuple]:
        lines, activities = self.csv.lines(records), activity_fragments(records, self.lookups)
        placeholder, obj, row_xml = ROW_NUMBER.decode(), self.json.object, self.sheet.row_xml
        return [(rec["pledge_id"], line, obj(rec).encode("utf-8"), row_xml(rec, placeholder).encode("ascii"), act)
                for rec, line, act in zip(records, lines, activities, strict=True)]

    def close(self) -> None:
        self.sheet.discard()


_COLUMNS = ["pledge_id", "csv", "json", "xlsx", "iati"]


def _store(rows: list[tuple], replace: Iterable[int] | None = None) -> None:
    if replace is not None:
        db.session.execute(delete(OpenDataRow).where(OpenDataRow.pledge_id.in_(list(replace))))
    insert_rows(OpenDataRow.__table__, _COLUMNS, rows)


def _render_all(renderer: _Renderer, checkpoint: Checkpoint) -> int:
    """Every public pledge, range by range in id order. A range (last, top] ends at the `RENDER_BATCH`-th
    public pledge above `last`, or sooner at the `RENDER_BATCH`-th mark (so no read holds more than
    `RENDER_BATCH` marks); when no public pledge is left, the range has no top (the marks above the last
    public pledge). For each range, in one transaction: its marks are read, then its pledges are read and
    rendered (so what is rendered is at least as new as every mark read), its rows are replaced (rows of
    pledges no longer public go too), the marks read are removed if unchanged, and `checkpoint` commits (a
    long write would hold SQLite's lock). The marks of pledges that are not public go with their range."""
    last, count = 0, 0
    while True:
        top = public_top(last, RENDER_BATCH)
        marks = read_marks(last, top, RENDER_BATCH)
        if len(marks) == RENDER_BATCH:
            top = marks[-1][0]
        in_range = [Pledge.id > last] if top is None else [Pledge.id > last, Pledge.id <= top]
        rows_in_range = [OpenDataRow.pledge_id > last] + ([] if top is None else [OpenDataRow.pledge_id <= top])
        db.session.execute(delete(OpenDataRow).where(*rows_in_range))
        for batch in iter_batches(lambda s, r=in_range: s.where(*r), RENDER_BATCH):
            _store(renderer.render(batch))
            count += len(batch)
        remove_marks(marks)
        checkpoint()
        if top is None:
            return count
        last = top


def _render_ids(renderer: _Renderer, ids: list[int], checkpoint: Checkpoint) -> list[int]:
    """These pledges: rendered if public, their rows dropped otherwise. Returns the ids rendered."""
    rendered: list[int] = []
    for start in range(0, len(ids), RENDER_BATCH):
        chunk = ids[start:start + RENDER_BATCH]
        rows = [row for batch in iter_batches(lambda s, c=chunk: s.where(Pledge.id.in_(c)), RENDER_BATCH)
                for row in renderer.render(batch)]
        _store(rows, replace=chunk)
        rendered += [row[0] for row in rows]
        checkpoint()
    return rendered


def _render_changed(renderer: _Renderer, extra: set[int], checkpoint: Checkpoint) -> tuple[int, int]:
    """The marked pledges, a page of `RENDER_BATCH` marks at a time in pledge-id order: the page's pledges
    are read after its marks (so rendered at least as new), rendered or dropped (`_render_ids`), the page's
    marks removed if unchanged, and `checkpoint` commits. Then the `extra` pledges (few: released or dated
    since the last run); one both marked and extra is rendered twice, counted once. Returns (rows
    rendered, pledges)."""
    last, rendered, pledges = 0, 0, 0
    while marks := read_marks(last, None, RENDER_BATCH):
        ids = [pledge_id for pledge_id, _mark in marks]
        pledges += sum(1 for i in ids if i not in extra)
        rendered += sum(1 for i in _render_ids(renderer, ids, lambda: None) if i not in extra)
        remove_marks(marks)
        checkpoint()
        last = ids[-1]
    rendered += len(_render_ids(renderer, sorted(extra), checkpoint))
    return rendered, pledges + len(extra)


def _released_since(since: str, now: datetime) -> list[int]:
    """Pledges whose announcement time fell in (since, now]: public now, not at the last run (the
    public_from index; few rows)."""
    if not since:
        return []
    return list(db.session.scalars(select(Pledge.id).where(
        Pledge.public_from.is_not(None), Pledge.public_from > datetime.fromisoformat(since),
        Pledge.public_from <= now)))


def _dated_since(since: str, now: datetime) -> list[int]:
    """Pledges whose rendering reads today's date (p2c.opendata.iati), when the date moved since the last
    run: an IATI actual start date (type 2) appears once the start date is reached, so the pledges whose
    start (or pledge) date fell in (last run's day, today]; and the few whose IATI dates fall back on
    today for a missing approval time (a pledge's or an approved report's). Read once a day."""
    if not since:
        return []
    last_day, today = datetime.fromisoformat(since).date(), now.date()
    if today <= last_day:
        return []
    start = func.coalesce(Pledge.start_date, Pledge.pledged_on)
    approved = Pledge.status == ReviewStatus.APPROVED  # only approved pledges have rows (not every draft)
    return sorted(set(db.session.scalars(union(
        select(Pledge.id).where(approved, start > last_day, start <= today),
        select(Pledge.id).where(approved, Pledge.approved_at.is_(None)),
        select(ProgressReport.pledge_id).where(ProgressReport.approved_at.is_(None),
                                               ProgressReport.status == ReviewStatus.APPROVED)))))


def _take_lease(now: datetime, checkpoint: Checkpoint) -> bool:
    """The writer's lease on the rows (committed at once, so another worker sees it); False when another
    writer holds one that has not run out. Two writers would each store what they read: one that read a
    pledge before a change and stores after another wrote it afterwards would leave an old row unmarked."""
    until, now_text = (now + LEASE).isoformat(), now.isoformat()
    taken = db.session.execute(update(OpenDataRowState).where(
        OpenDataRowState.id == STATE_ID,
        or_(OpenDataRowState.lease_until == "", OpenDataRowState.lease_until < now_text))
        .values(lease_until=until)).rowcount
    if not taken and db.session.get(OpenDataRowState, STATE_ID) is None:
        db.session.execute(insert(OpenDataRowState).values(id=STATE_ID, key="", full=True, rendered_at="",
                                                           lease_until=until))
        taken = 1
    checkpoint()
    return bool(taken)


def _renew_lease(checkpoint: Checkpoint) -> Checkpoint:
    def renewed() -> None:
        db.session.execute(update(OpenDataRowState).where(OpenDataRowState.id == STATE_ID)
                           .values(lease_until=(visibility.now() + LEASE).isoformat()))
        checkpoint()
    return renewed


def refresh_rows(checkpoint: Checkpoint | None = None) -> str:
    """Bring `opendata_row` up to date with the committed data; returns a one-line summary.

    `checkpoint` is called after each batch of rows written (the worker passes its commit); the caller
    commits the end. The stale marks are read a page at a time (`p2c.opendata.stale_marks`: constant memory
    after an import of a million pledges), each page before the pledges it covers are read, and removed
    once they are rendered only if unchanged (`OpenDataStale.mark`), so a pledge changed meanwhile is
    rendered again by the next run.
    """
    checkpoint = checkpoint or (lambda: None)
    now = visibility.now()
    if not _take_lease(now, checkpoint):
        return BUSY
    commit_only, checkpoint = checkpoint, _renew_lease(checkpoint)
    db.session.expire_all()
    state = db.session.get(OpenDataRowState, STATE_ID)
    key = render_key()
    renderer = _Renderer()
    try:
        if state.full or state.key != key:
            why = "first" if not state.key else ("asked" if state.full else "new key")
            summary = f"rendered all {_render_all(renderer, checkpoint)} rows ({why})"
        else:
            extra = set(_released_since(state.rendered_at, now)) | set(_dated_since(state.rendered_at, now))
            rendered, changed = _render_changed(renderer, extra, checkpoint)
            summary = f"rendered {rendered} of {changed} changed pledges"
    finally:
        renderer.close()
    db.session.execute(update(OpenDataRowState).where(OpenDataRowState.id == STATE_ID).values(
        key=key, full=False, rendered_at=now.isoformat(), lease_until=""))
    # Committed before the files are written (each page's marks went with its checkpoint): the state row
    # would otherwise hold SQLite's write lock (and PostgreSQL's row lock) from the web processes while five
    # files are written.
    commit_only()
    return summary


def clear_rows() -> None:
    """Forget every row (the rollup rebuild of a restored database): the next run renders them all."""
    db.session.execute(delete(OpenDataRow))
    db.session.execute(delete(OpenDataStale))
    db.session.execute(delete(OpenDataRowState))


class XlsxSplice:
    """Puts the sheet rows of `opendata_row` into an `XlsxTable`: numbers them and gives their date cells the
    style ids openpyxl registers in the order the file first meets each type (`XlsxTable._date_style`)."""

    # Only their types matter (openpyxl picks the number format by type); naive like the export's values.
    _SAMPLES = {DATE_STYLE: date(2000, 1, 1), DATETIME_STYLE: datetime(2000, 1, 1)}  # noqa: DTZ001

    def __init__(self, table: XlsxTable) -> None:
        self.table = table
        self.styles: dict[bytes, bytes] = {}

    def _register(self, fragment: bytes) -> None:
        found = sorted((fragment.find(p), p) for p in self._SAMPLES if p not in self.styles and p in fragment)
        for _pos, placeholder in found:
            self.styles[placeholder] = str(self.table._date_style(self._SAMPLES[placeholder])).encode()

    def add(self, fragments: list[bytes]) -> None:
        number, parts, complete = self.table.row, [], len(self.styles) == len(self._SAMPLES)
        for fragment in fragments:
            number += 1
            if not complete and (DATE_STYLE in fragment or DATETIME_STYLE in fragment):
                self._register(fragment)
                complete = len(self.styles) == len(self._SAMPLES)
            parts.append(fragment.replace(ROW_NUMBER, str(number).encode()))
        data = b"".join(parts)
        for placeholder, style in self.styles.items():
            data = data.replace(placeholder, style)
        self.table.add_rows(data, len(fragments))
