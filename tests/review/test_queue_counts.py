"""Capped counts (p2c/review/counts.py): each kind and status is counted up to COUNT_CAP, exact at or
below it, "N+" above it; sums with a capped part are capped; the pager works without the exact total;
the CSV download is never cut. The cap is patched to 3 here."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.review import counts, queries

S, R, A = ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW, ReviewStatus.APPROVED


@pytest.fixture()
def capped(builder, monkeypatch):
    """Cap 3, pages of 2. Pledges: 4 submitted (3 "connect", 1 "empower"), 2 in review, 3 approved;
    EOIs: 1 submitted. Submitted pledges (4) pass the cap; approved pledges (3) reach it."""
    monkeypatch.setattr(counts, "COUNT_CAP", 3)
    monkeypatch.setattr(queries, "PER_PAGE", 2)
    for day, (status, focus) in enumerate([(S, "connect"), (S, "connect"), (S, "empower"), (S, "connect"),
                                           (R, "connect"), (R, "connect"), (A, "connect"), (A, "connect"),
                                           (A, "connect")], start=1):
        builder.pledge(status=status, focus_area=focus, submitted_at=datetime(2026, 1, day), title=f"Title {day}")
    builder.eoi(status=S, submitted_at=datetime(2026, 2, 1))
    db.session.commit()


def _plain(result: dict) -> dict:
    return {k: (int(v), v.capped) for k, v in result.items()}


def test_counts_are_exact_up_to_the_cap_and_marked_past_it(app, capped):
    assert _plain(queries.status_counts(queries.QueueFilters())) == {
        "submitted": (4, True),            # pledges capped at 3, plus 1 EOI (exact)
        "in_review": (2, False), "changes_requested": (0, False),
        "approved": (3, False),            # exactly at the cap: still exact
        "rejected": (0, False), "withdrawn": (0, False),
        "open": (6, True), "all": (9, True)}
    # A filter that keeps every part under the cap gives exact counts (the non-index path: focus area).
    assert _plain(queries.status_counts(queries.QueueFilters(kind="pledge", focus_area="connect"))) == {
        "submitted": (3, False), "in_review": (2, False), "changes_requested": (0, False),
        "approved": (3, False), "rejected": (0, False), "withdrawn": (0, False),
        "open": (5, False), "all": (8, False)}
    assert _plain(queries.status_counts(queries.QueueFilters(kind="pledge", focus_area="empower")))["all"] == (1, False)


@pytest.mark.parametrize(("status", "expected"), [("open", (6, True)), ("all", (9, True)), ("submitted", (4, True)),
                                                  ("in_review", (2, False)), ("approved", (3, False)),
                                                  ("rejected", (0, False))])
def test_total_per_status(app, capped, status, expected):
    total = queries.total(queries.QueueFilters(status=status))
    assert (int(total), total.capped) == expected
    assert queries.queue(queries.QueueFilters(status=status)).total == expected[0]


def test_the_default_cap_counts_exactly(app, builder):
    assert counts.COUNT_CAP == 1_000
    for _ in range(4):
        builder.pledge(status=S)
    db.session.commit()
    assert _plain({"open": queries.total(queries.QueueFilters())}) == {"open": (4, False)}


def test_pages_of_a_capped_queue_follow_one_another_to_the_end(app, capped):
    f = queries.QueueFilters(status="open")
    whole = [(row.kind, row.id) for row in db.session.execute(queries.queue_select(f)).all()]
    assert len(whole) == 7
    seen, nexts = [], []
    for page in (1, 2, 3, 4):
        f.page = page
        result = queries.queue(f)
        assert (result.page, result.pages) == (page, None)
        seen += [(r.kind, r.id) for r in result.rows]
        nexts.append(result.has_next)
    assert seen == whole
    assert nexts == [True, True, True, False]
    f.page = 9  # past the end: an empty page, no next
    result = queries.queue(f)
    assert (result.rows, result.page, result.has_next) == ([], 9, False)


def test_an_exact_queue_still_clamps_its_pages(app, capped):
    result = queries.queue(queries.QueueFilters(status="approved", page=5))
    assert (result.page, result.pages, len(result.rows), result.has_next) == (2, 2, 1, False)


def test_the_page_shows_capped_counts_in_english(app, capped, client, login):
    login("reviewer")
    body = client.get("/review/?lang=en").get_data(as_text=True)
    assert '<span class="count">6+</span>' in body      # Waiting
    assert '<span class="count">9+</span>' in body      # All
    assert '<span class="count">4+</span>' in body      # Submitted
    assert '<span class="count">3</span>' in body       # Approved, at the cap
    assert "<caption>6+ submissions · page 1</caption>" in body
    assert 'rel="next" href="/review/?status=open&amp;sort=oldest&amp;page=2"' in body
    assert 'rel="prev"' not in body
    last = client.get("/review/?page=4").get_data(as_text=True)
    assert "<caption>6+ submissions · page 4</caption>" in last
    assert 'rel="next"' not in last and 'rel="prev" href="/review/?status=open&amp;sort=oldest&amp;page=3"' in last
    exact = client.get("/review/?status=approved").get_data(as_text=True)
    assert "<caption>3 submissions · page 1 of 2</caption>" in exact
    assert 'rel="next" href="/review/?status=approved&amp;sort=oldest&amp;page=2"' in exact


def test_the_page_shows_capped_counts_in_french_and_russian(app, capped, client, login):
    login("reviewer")
    body = client.get("/review/?lang=fr").get_data(as_text=True)
    assert '<span class="count">6+</span>' in body
    assert "<caption>6+ soumissions · page 1</caption>" in body
    body = client.get("/review/?lang=ru&status=submitted").get_data(as_text=True)
    assert "<caption>4+ заявки · страница 1</caption>" in body


def test_the_csv_download_is_not_cut_by_the_cap(app, capped, client, login):
    login("reviewer")
    rows = list(csv.reader(io.StringIO(client.get("/review/queue.csv?status=all").get_data(as_text=True))))
    assert len(rows) == 1 + 10
