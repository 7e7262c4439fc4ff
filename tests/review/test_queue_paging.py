"""Queue paging across kinds: each kind and status is read from its index and cut to the page, then
merged; the pages must be the same rows, in the same order, as sorting the whole queue."""

from __future__ import annotations

from datetime import datetime

import pytest

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.review import queries

S, R, A = ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW, ReviewStatus.APPROVED


@pytest.fixture()
def mixed(builder, monkeypatch):
    """Pledges, EOIs and progress reports of three statuses with interleaved dates and ties."""
    monkeypatch.setattr(queries, "PER_PAGE", 3)
    day = [datetime(2026, 1, d) for d in range(1, 8)]
    records = []
    for when, status in ((day[3], S), (day[1], R), (day[3], S), (day[5], A), (day[0], S), (day[1], S)):
        records.append(builder.pledge(status=status, submitted_at=when, title=f"T{when.day}{status.value}"))
    for when, status in ((day[3], S), (day[2], R), (day[6], A), (day[1], S)):
        records.append(builder.eoi(status=status, submitted_at=when))
    for when, status in ((day[3], R), (day[4], S), (day[0], A)):
        records.append(builder.progress_report(records[3], status=status, submitted_at=when,
                                               period=2020 + len(records)))
    db.session.commit()
    return records


def _pages(f: queries.QueueFilters) -> list[tuple[str, int]]:
    rows, page = [], 1
    while True:
        f.page = page
        result = queries.queue(f)
        rows += [(r.kind, r.id) for r in result.rows]
        if page >= result.pages:
            return rows
        page += 1


def test_open_queue_pages_are_oldest_first_across_kinds(app, mixed):
    p, e, r = mixed[:6], mixed[6:10], mixed[10:]
    expected = [("pledge", p[4].id),                                          # 1 Jan
                ("eoi", e[3].id), ("pledge", p[1].id), ("pledge", p[5].id),   # 2 Jan: kind, then id
                ("eoi", e[1].id),                                             # 3 Jan
                ("eoi", e[0].id), ("pledge", p[0].id), ("pledge", p[2].id),   # 4 Jan
                ("progress_report", r[0].id),
                ("progress_report", r[1].id)]                                 # 5 Jan
    assert _pages(queries.QueueFilters()) == expected
    assert queries.queue(queries.QueueFilters(page=2)).total == 10
    assert [(x.kind, x.id) for x in queries.queue(queries.QueueFilters(page=4)).rows] == expected[9:]


@pytest.mark.parametrize("status", ["open", "all", "approved", "submitted"])
@pytest.mark.parametrize("sort", ["oldest", "newest", "title", "reference", "organization", "status"])
def test_every_page_matches_sorting_the_whole_queue(app, mixed, status, sort):
    f = queries.QueueFilters(status=status, sort=sort)
    whole = [(row.kind, row.id) for row in db.session.execute(queries.queue_select(f)).all()]
    assert _pages(f) == whole
    assert queries.queue(f).total == len(whole)


def test_filters_page_the_same_way(app, mixed):
    for f in (queries.QueueFilters(kind="pledge", status="all"), queries.QueueFilters(status="all", search="t4"),
              queries.QueueFilters(status="all", region="AFR"),
              queries.QueueFilters(status="all", focus_area="connect"),
              queries.QueueFilters(status="all", assignee="none", sort="newest")):
        whole = [(row.kind, row.id) for row in db.session.execute(queries.queue_select(f)).all()]
        assert whole and _pages(f) == whole
        counts = queries.status_counts(f)  # each kind grouped alone, summed
        assert counts["all"] == len(whole)
        assert counts["open"] == len(db.session.execute(queries.queue_select(
            queries.QueueFilters(kind=f.kind, search=f.search, region=f.region, focus_area=f.focus_area))).all())


def test_rows_of_reports_show_their_own_pledge_and_organization(app, builder):
    first = builder.pledge(lead=builder.organization(name="First Org"), title="First pledge")
    second = builder.pledge(lead=builder.organization(name="Second Org"), title="Second pledge")
    reports = [builder.progress_report(pledge, status=S) for pledge in (first, second)]
    db.session.commit()
    rows = {r.id: r for r in queries.queue(queries.QueueFilters(kind="progress_report")).rows}
    assert [(rows[r.id].title, rows[r.id].organization, rows[r.id].organization_id) for r in reports] == [
        ("First pledge", "First Org", first.lead_organization_id),
        ("Second pledge", "Second Org", second.lead_organization_id)]
