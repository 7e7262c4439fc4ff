"""Every text search takes the reader's characters literally (p2c.core.search.contains).

`%`, `_` and `\\` are LIKE's wildcards (and PostgreSQL's default escape): a search for "50%" must not
find "500", "e_learning" not "e-learning", "a\\b" not "ab" (PostgreSQL's `\\b` is "b"), on both
databases, on the short-search LIKE path (under 3 characters) as on the trigram path. Each entry
point gets one record per text below and must find exactly the records whose text contains the search.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import func, select

from p2c.admin.queries import AuditFilters, audit_log
from p2c.core import search
from p2c.core.enums import ReviewStatus
from p2c.core.models import AuditEvent
from p2c.extensions import db
from p2c.implementation.models import ProgressReport
from p2c.matchmaking.kinds import NEED
from p2c.members.models import Organization
from p2c.members.queries import search_members
from p2c.pledges.models import Pledge, PledgeAmendment
from p2c.pledges.queries import directory_page
from p2c.review.filters import QueueFilters
from p2c.review.organizations import list_organizations
from p2c.review.queries import default_select, queue
from tests.builders import Builder
from tests.matchmaking.helpers import make_need

# Each literal text has a decoy that a wildcard (or PostgreSQL's backslash escape) would also match;
# names differ in their letters and digits too (an organization's name_key is unique per country).
TEXTS = {
    "percent": "Growth 50% fund", "percent_decoy": "Growth 500 fund",
    "underscore": "The e_learning hub", "underscore_decoy": "The e-learning centre",
    "backslash": "Path a\\b here", "backslash_decoy": "Path ab there",
    "accent": "École 42 numérique",  # "numérique": "mé" occurs in no other text
}

SEARCHES = [
    ("50%", {"percent"}),
    ("e_learning", {"underscore"}),
    ("E_LEARNING", {"underscore"}),  # case folded as before
    ("a\\b", {"backslash"}),
    ("%", {"percent"}),
    ("_", {"underscore"}),
    ("0%", {"percent"}),  # 2 characters: the LIKE path on SQLite too
    ("ÉCOLE", {"accent"}),  # SQLite's lower() folds only "COLE" but does so on both sides
    ("NUMÉRIQUE", {"accent"}),  # a capital typed for a small letter stored: Python's folding on SQLite
    ("MÉ", {"accent"}),  # the same on the short (LIKE) path of every entry point
]


@dataclass
class EntryPoint:
    make: Callable[[Builder, str], int]  # one record carrying the text; its id
    find: Callable[[str], set[int]]  # ids found by a search
    min_length: int = 1  # shorter searches find nothing by design


def _queue(kind: str) -> Callable[[str], set[int]]:
    def find(text: str) -> set[int]:
        page = queue(QueueFilters(kind=kind, status="all", search=text))
        ids = {row.id for row in page.rows}
        assert page.total == len(ids)  # the count (its own query shape) agrees with the page
        return ids
    return find


def _submitted_pledge(builder: Builder, text: str) -> int:
    return builder.pledge(status=ReviewStatus.SUBMITTED, title=text).id


def _submitted_pledge_led_by(builder: Builder, text: str) -> int:
    return builder.pledge(status=ReviewStatus.SUBMITTED, lead=builder.organization(name=text)).id


def _report_on_pledge(builder: Builder, text: str) -> int:
    return builder.progress_report(builder.pledge(title=text), status=ReviewStatus.SUBMITTED).id


def _eoi_of(builder: Builder, text: str) -> int:
    return builder.eoi(builder.organization(name=text, is_member=False)).id


def _need(**fields: str) -> int:
    need = make_need(status=ReviewStatus.SUBMITTED)
    for name, value in fields.items():
        setattr(need, name, value)
    db.session.flush()
    return need.id


def _need_by_reference(text: str) -> set[int]:
    # default_select: the queue's rows of a kind that brings no SELECT of its own (search on reference)
    query = default_select(replace(NEED, queue_select=None), QueueFilters(status="all", search=text))
    return set(db.session.scalars(select(query.subquery().c.id)))


def _audit_event(builder: Builder, text: str) -> int:
    event = AuditEvent(actor_label=text, action="test", subject_type="literal_search")
    db.session.add(event)
    db.session.flush()
    return event.id


def _directory(text: str) -> set[int]:
    return {item.id for item in directory_page({"q": text, "limit": 100}).pledges}


ENTRY_POINTS = {
    "queue pledge title": EntryPoint(_submitted_pledge, _queue("pledge")),
    "queue pledge lead organization": EntryPoint(_submitted_pledge_led_by, _queue("pledge")),
    "queue progress report by pledge title": EntryPoint(_report_on_pledge, _queue("progress_report")),
    "queue EOI organization": EntryPoint(_eoi_of, _queue("eoi")),
    "queue need title": EntryPoint(lambda b, text: _need(title=text), _queue("need")),
    "queue need authority": EntryPoint(lambda b, text: _need(authority=text), _queue("need")),
    "queue default select (reference)": EntryPoint(lambda b, text: _need(reference=text), _need_by_reference),
    "directory title": EntryPoint(lambda b, text: b.pledge(title=text).id, _directory),
    "directory lead organization": EntryPoint(lambda b, text: b.pledge(lead=b.organization(name=text)).id,
                                              _directory),
    "members search (pledge form)": EntryPoint(lambda b, text: b.organization(name=text).id,
                                               lambda text: {o.id for o in search_members(text)}, min_length=2),
    "review organizations": EntryPoint(lambda b, text: b.organization(name=text).id,
                                       lambda text: {o.id for o in list_organizations(text).rows}),
    "admin audit log actor": EntryPoint(_audit_event, lambda text: {
        e.id for e in audit_log(AuditFilters(subject_type="literal_search", actor=text))[0]}),
}


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
@pytest.mark.parametrize(("search", "expected"), SEARCHES, ids=[s for s, _ in SEARCHES])
def test_search_is_literal(builder, entry, search, expected):
    point = ENTRY_POINTS[entry]
    key_of = {point.make(builder, text): key for key, text in TEXTS.items()}
    db.session.commit()
    found = {key_of.get(record_id, record_id) for record_id in point.find(search)}
    assert found == (expected if len(search) >= point.min_length else set())



def _plan(statement) -> str:
    compiled = statement.compile(db.session.get_bind())
    rows = db.session.connection().exec_driver_sql("EXPLAIN " + str(compiled), compiled.params)
    return "\n".join(row[0] for row in rows)


def _indexes(plan: str) -> set[str]:
    return set(re.findall(r"Index Scan on (\w+)", plan))


# (index, column, whether the planner reads it on this suite's near-empty tables: on pledge_amendment
# and progress_report it may scan their small queue index whole instead, as for the hand-built pattern)
TRIGRAM_COLUMNS = [("ix_pledge_reference_trgm", Pledge.reference, True), ("ix_pledge_title_trgm", Pledge.title, True),
                   ("ix_pledge_amendment_reference_trgm", PledgeAmendment.reference, False),
                   ("ix_progress_report_reference_trgm", ProgressReport.reference, False),
                   ("ix_organization_name_trgm", Organization.name, True),
                   ("ix_organization_acronym_trgm", Organization.acronym, True)]


@pytest.mark.parametrize(("index", "column", "read"), TRIGRAM_COLUMNS, ids=[i for i, _, _ in TRIGRAM_COLUMNS])
def test_escaped_search_reads_the_trigram_index_on_postgresql(index, column, read):
    """The escaped pattern (`lower(:pattern) ESCAPE '/'`) is folded to a constant, which pg_trgm's
    GIN index on lower(column) answers as it did the pattern built by hand (0009's benchmarks)."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite answers 3 characters or more from its FTS5 tables (p2c.core.search.fts_ids)")
    db.session.connection().exec_driver_sql("SET LOCAL enable_seqscan = off")
    escaped = _plan(select(column.class_.id).where(search.contains(column, "50%_a\\b")))
    by_hand = _plan(select(column.class_.id).where(func.lower(column).like("%50%_a\\b%")))
    db.session.rollback()
    assert "'%50\\%\\_a\\\\b%'" in escaped, escaped  # the constant: wildcards and backslash escaped
    assert _indexes(escaped) == _indexes(by_hand)
    if read:
        assert index in _indexes(escaped), escaped
