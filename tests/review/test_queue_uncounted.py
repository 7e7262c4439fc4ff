"""A queue page never waits for its counts (issue 19: a review page under 250 ms at 1M records).

`status_counts(f, budget_ms)` leaves the counts out (None, shown as "not counted" with a link that counts
them however long it takes), never showing a smaller number: for a broad search (at least
p2c.pledges.search.COMMON matching pledges; patched to 3 here) and when counting takes longer than the
budget (p2c.core.timebox, tested against the real database: SQLite's progress handler, PostgreSQL's
statement_timeout in a savepoint).
"""

from __future__ import annotations

import re
import time
from datetime import datetime

import pytest
from sqlalchemy import exc, text

from p2c.core import timebox
from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.pledges import search as pledge_search
from p2c.review import counts, queries
from p2c.review.filters import QueueFilters

S, A = ReviewStatus.SUBMITTED, ReviewStatus.APPROVED


@pytest.fixture()
def common(monkeypatch):
    monkeypatch.setattr(pledge_search, "COMMON", 3)
    monkeypatch.setattr(pledge_search, "_COMMON", {})


@pytest.fixture()
def schools(app, builder, common):
    """Three pledges with "school" in the title (2 submitted, 1 approved), one "zanzibar"; a report on
    the approved school pledge."""
    made = []
    for day, (status, title) in enumerate([(S, "Connect every school"), (S, "School meals online"),
                                           (A, "Schools in Kisumu"), (S, "Zanzibar ferries")], start=1):
        made.append(builder.pledge(status=status, title=title, submitted_at=datetime(2026, 1, day)))
    builder.progress_report(made[2], status=S)
    db.session.commit()
    return made


def test_a_broad_search_is_not_counted_with_its_page(app, schools):
    f = QueueFilters(search="school")
    assert queries.status_counts(f, budget_ms=10_000) is None
    page = queries.queue(f, None, uncounted=True)
    assert page.total is None and page.pages is None and not page.has_next
    assert sorted(r.title for r in page.rows) == ["Connect every school", "School meals online",
                                                  "Schools in Kisumu"]  # the submitted report, with its pledge's title
    # Without a budget (the "count them" link), counted exactly.
    counted = queries.status_counts(f)
    assert (int(counted["submitted"]), int(counted["approved"]), int(counted["all"])) == (3, 1, 4)
    # A rare word is counted with its page.
    rare = queries.status_counts(QueueFilters(search="zanzibar"), budget_ms=10_000)
    assert rare is not None and int(rare["submitted"]) == 1 and int(rare["all"]) == 1


def test_is_common_counts_each_pledge_once_and_follows_new_pledges(app, builder, common, monkeypatch):
    lead = builder.organization(name="Rural School Network")
    builder.pledge(title="School buses", lead=lead)  # matches by its title and by its lead: one pledge
    builder.pledge(title="Fibre backbone", lead=lead)
    db.session.commit()
    assert pledge_search.is_common("school") is False  # 2 pledges
    builder.pledge(title="Community school hubs")
    db.session.commit()
    assert pledge_search.is_common("school") is False  # remembered for COMMON_TTL
    monkeypatch.setattr(pledge_search, "COMMON_TTL", 0)
    assert pledge_search.is_common("school") is True   # 3 pledges


def test_the_page_says_not_counted_and_links_to_the_counts(app, schools, client, login):
    app.config["QUEUE_COUNT_BUDGET_MS"] = 10_000
    login("reviewer")
    body = client.get("/review/?q=school&lang=en").get_data(as_text=True)
    assert '<span class="count">' not in body
    assert "<caption>Matching submissions (not counted)</caption>" in body
    assert "The records were not counted" in body
    assert 'href="/review/?count=all&amp;status=open&amp;q=school&amp;sort=oldest"' in body
    assert body.count('class="ref"') == 3  # the open ones: 2 pledges and the report
    counted = client.get("/review/?count=all&status=open&q=school&sort=oldest&lang=en").get_data(as_text=True)
    assert "The records were not counted" not in counted
    assert "<caption>3 submissions</caption>" in counted
    assert '<span class="count">3</span>' in counted  # Waiting: 2 pledges and the report
    # Counts asked for stay asked for on the tabs (and the pager), not on a new search.
    assert 'href="/review/?status=all&amp;q=school&amp;sort=oldest&amp;count=all"' in counted
    assert 'href="/review/?status=all&amp;q=school&amp;sort=oldest"' in body
    body = client.get("/review/?q=school&lang=fr").get_data(as_text=True)
    assert "<caption>Soumissions correspondantes (non comptées)</caption>" in body
    rare = client.get("/review/?q=zanzibar&lang=en").get_data(as_text=True)
    assert "<caption>1 submission</caption>" in rare and "The records were not counted" not in rare


def test_counts_over_the_budget_are_left_out(app, schools, client, login, monkeypatch):
    app.config["QUEUE_COUNT_BUDGET_MS"] = 150
    monkeypatch.setattr(queries.timebox, "first_row", lambda statement, budget_ms: None)  # as if it ran out
    login("reviewer")
    body = client.get("/review/?status=approved&lang=en").get_data(as_text=True)
    assert '<span class="count">' not in body and "<caption>Matching submissions (not counted)</caption>" in body
    assert "Schools in Kisumu" in body


def _slow_statement():
    if db.session.get_bind().dialect.name == "postgresql":
        return text("SELECT pg_sleep(5)")
    return text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000)"
                " SELECT count(*) FROM c")


# A read of some 300,000 SQLite instructions (300 calls of a progress handler), quick on both databases.
BUSY_READ = text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 30000)"
                 " SELECT count(*) FROM c")


def _timeout() -> str | None:
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    return db.session.execute(text("SHOW statement_timeout")).scalar_one()


def test_timebox_stops_a_slow_read_and_the_transaction_goes_on(app, builder):
    pledge = builder.pledge(title="Before the read")
    db.session.flush()
    before = _timeout()
    started = datetime.now()
    assert timebox.first_row(_slow_statement(), 100) is None
    assert (datetime.now() - started).total_seconds() < 3
    assert _timeout() == before  # in the same transaction: the budget ended with its statement
    # The same transaction still reads and writes, and commits what was flushed before.
    assert timebox.first_row(text("SELECT 41 + 1"), 1000)[0] == 42
    assert _timeout() == before
    pledge.title = "After the read"
    db.session.commit()
    assert db.session.execute(text("SELECT title FROM pledge WHERE id = :id"), {"id": pledge.id}).scalar_one() \
        == "After the read"


def test_the_budget_ends_with_its_read(app):
    """After a read that finished within its budget, the deadline no longer applies to the connection: a
    later statement running past it is not stopped (SQLite: the progress handler was removed; PostgreSQL:
    the timeout is the one in force before, checked in the same transaction)."""
    before = _timeout()
    assert timebox.first_row(BUSY_READ, 50)[0] == 30000
    assert _timeout() == before
    time.sleep(0.1)  # past the deadline
    assert db.session.execute(BUSY_READ).scalar_one() == 30000
    if db.session.get_bind().dialect.name == "postgresql":
        assert db.session.execute(text("SELECT 1 FROM pg_sleep(0.2)")).scalar_one() == 1


def test_a_stricter_timeout_in_force_is_kept(app):
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    db.session.execute(text("SET LOCAL statement_timeout = '50ms'"))
    started = time.monotonic()
    assert timebox.first_row(text("SELECT pg_sleep(0.5)"), 5000) is None  # stopped at 50 ms, not 5 s
    assert time.monotonic() - started < 0.4
    assert _timeout() == "50ms"
    db.session.rollback()


def test_timebox_raises_other_errors(app):
    with pytest.raises(exc.DBAPIError):
        timebox.first_row(text("SELECT * FROM no_such_table"), 1000)
    db.session.rollback()


def test_a_lock_timeout_is_raised_not_taken_for_the_budget(app, builder):
    """PostgreSQL: another OperationalError than query_canceled (here lock_not_available, 55P03) is raised."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("lock_timeout is PostgreSQL's")
    builder.pledge(title="Locked")
    db.session.commit()
    with db.engine.connect() as other:
        other.execute(text("LOCK TABLE pledge IN ACCESS EXCLUSIVE MODE"))
        db.session.execute(text("SET LOCAL lock_timeout = '50ms'"))
        with pytest.raises(exc.OperationalError) as raised:
            timebox.first_row(text("SELECT count(*) FROM pledge"), 5000)
        assert raised.value.orig.sqlstate == "55P03"
        db.session.rollback()
        other.rollback()


def test_a_budget_of_zero_or_less_counts_everything(app, schools):
    """P2C_QUEUE_COUNT_BUDGET_MS=0 (or a negative value typed by mistake) means no budget: counted, not a
    500 (PostgreSQL refuses a negative statement_timeout) and not "never counted" (SQLite's deadline past)."""
    for budget in (0, -5):
        counted = queries.status_counts(QueueFilters(status="approved"), budget)
        assert counted is not None and int(counted["approved"]) == 1
        assert timebox.first_row(text("SELECT 1"), budget)[0] == 1


def _next_link(html: str) -> str:
    return re.search(r'<a href="([^"]+)" rel="next">', html).group(1)


def test_a_record_opened_from_a_counted_list_keeps_it_counted(app, schools, client, login):
    """count=all travels with the other filters in the record page's `queue` argument: back to the list,
    and on to the next submission, the list is still counted; a list not counted stays without it."""
    app.config["QUEUE_COUNT_BUDGET_MS"] = 10_000
    login("reviewer")
    first = schools[0]
    counted = client.get("/review/?count=all&q=school&lang=en").get_data(as_text=True)
    link = f"/review/pledge/{first.id}?queue=q%3Dschool%26count%3Dall"
    assert f'href="{link}"' in counted
    record = client.get(link).get_data(as_text=True)
    assert 'href="/review/?q=school&amp;count=all"' in record  # back to the list
    following = _next_link(record)
    assert following.endswith("?queue=q%3Dschool%26count%3Dall") and following != link
    assert 'href="/review/?q=school&amp;count=all"' in client.get(following).get_data(as_text=True)
    back = client.get("/review/?q=school&count=all&lang=en").get_data(as_text=True)
    assert "<caption>3 submissions</caption>" in back and "The records were not counted" not in back
    # Not asked for: nothing is added to the links.
    body = client.get("/review/?q=school&lang=en").get_data(as_text=True)
    assert f'href="/review/pledge/{first.id}?queue=q%3Dschool"' in body
    record = client.get(f"/review/pledge/{first.id}?queue=q%3Dschool").get_data(as_text=True)
    assert 'href="/review/?q=school"' in record and "count%3Dall" not in record
    # A decision returns to the record with count=all still in its queue.
    page = client.get(link).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    response = client.post(f"{link.replace('?', '/decide?')}",
                           data={"action": "approve", "message": "", "version": str(first.version),
                                 **({"csrf_token": token.group(1)} if token else {})})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("?queue=q%3Dschool%26count%3Dall")


def test_a_page_past_the_end_of_an_uncounted_list_says_so(app, schools, client, login):
    """Past the end of a list whose length is unknown, the page says so and links to the first page (not
    "Nothing matches", not a "Previous" to another empty page); a counted list clamps to its last page."""
    app.config["QUEUE_COUNT_BUDGET_MS"] = 10_000
    login("reviewer")
    page = queries.queue(QueueFilters(search="school", page=999), None, uncounted=True)
    assert page.past_the_end and not queries.queue(QueueFilters(search="school"), None, uncounted=True).past_the_end
    body = client.get("/review/?q=school&page=999&lang=en").get_data(as_text=True)
    assert "Nothing matches these filters." not in body
    assert "Page 999 is past the end of this list." in body
    assert '<a href="/review/?status=open&amp;q=school&amp;sort=oldest">Go to the first page</a>' in body
    assert 'rel="prev"' not in body and 'rel="next"' not in body
    # Counted on demand: the total is known, so the last page is shown, as for any counted list.
    body = client.get("/review/?q=school&page=999&count=all&lang=en").get_data(as_text=True)
    assert "<caption>3 submissions</caption>" in body and body.count('class="ref"') == 3
    body = client.get("/review/?q=school&page=999&lang=fr").get_data(as_text=True)
    assert "La page 999 est au-delà de la fin de cette liste." in body and "Aller à la première page" in body
    # A first page with no rows still says that nothing matches, counted or not (a broad search on a status
    # without any of its matches).
    for url in ("/review/?q=school&status=rejected&lang=en", "/review/?q=zanzibar&status=rejected&lang=en"):
        body = client.get(url).get_data(as_text=True)
        assert "Nothing matches these filters." in body and "past the end" not in body


def test_a_counted_list_that_shrank_under_the_page_is_not_called_past_the_end():
    """Counted, then a record decided before the page was read: the page (clamped by the count) comes back
    empty, but its number of pages is known, so the message for an unknown end is not shown (review)."""
    assert not queries.QueuePage(rows=[], total=counts.Count(51), page=2, pages=2).past_the_end
    assert queries.QueuePage(rows=[], total=None, page=2, pages=None).past_the_end
    assert not queries.QueuePage(rows=[], total=None, page=1, pages=None).past_the_end
