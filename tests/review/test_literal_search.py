"""Every text search takes the reader's characters literally (p2c.core.search.contains).

`%`, `_` and `\\` are LIKE's wildcards (and PostgreSQL's default escape): a search for "50%" must not
find "500", "e_learning" not "e-learning", "a\\b" not "ab" (PostgreSQL's `\\b` is "b"), on both
databases, on the short-search LIKE path (under 3 characters) as on the trigram path. Each entry
point gets one record per text below and must find exactly the records whose text contains the search.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import select

from p2c.admin.queries import AuditFilters, audit_log
from p2c.core.enums import ReviewStatus
from p2c.core.models import AuditEvent
from p2c.extensions import db
from p2c.matchmaking.kinds import NEED
from p2c.matchmaking.models import Need
from p2c.members.queries import search_members
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
}

SEARCHES = [
    ("50%", {"percent"}),
    ("e_learning", {"underscore"}),
    ("E_LEARNING", {"underscore"}),  # case folded as before
    ("a\\b", {"backslash"}),
    ("%", {"percent"}),
    ("_", {"underscore"}),
    ("0%", {"percent"}),  # 2 characters: the LIKE path on SQLite too
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
