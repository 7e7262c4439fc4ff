"""The queue: every kind in one list, counts per status, filters, search, sorting, CSV, bulk approve."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.pledges.models import Pledge


def _refs(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_one_queue_for_every_kind_with_counts(client, login, builder):
    login("reviewer")
    eoi = builder.eoi()
    waiting = builder.pledge(status=ReviewStatus.SUBMITTED, title="Solar schools")
    approved = builder.pledge(status=ReviewStatus.APPROVED, title="Old news")
    db.session.commit()
    html = _refs(client.get("/review/"))
    assert eoi.reference in html and waiting.reference in html and approved.reference not in html
    assert "Waiting <span class=\"count\">2</span>" in html
    html = _refs(client.get("/review/?status=approved"))
    assert approved.reference in html and waiting.reference not in html


def test_filters_search_and_sort(client, login, builder):
    me = login("reviewer")
    org = builder.organization(name="Unique Telecom Ltd")
    a = builder.pledge(status=ReviewStatus.SUBMITTED, lead=org, focus_area="connect", countries=["KEN"],
                       title="Fiber to villages")
    b = builder.pledge(status=ReviewStatus.IN_REVIEW, focus_area="empower", countries=["FRA"],
                       title="Digital skills for girls", assignee_id=me.id)
    old = builder.pledge(status=ReviewStatus.SUBMITTED, title="Ancient pledge")
    old.submitted_at = utcnow() - timedelta(days=200)
    a.submitted_at = utcnow() - timedelta(days=2)
    b.submitted_at = utcnow() - timedelta(days=10)
    eoi = builder.eoi(submitted_at=utcnow() - timedelta(days=1))
    db.session.commit()

    def refs(query):
        html = _refs(client.get("/review/?" + query))
        return {r.reference for r in (a, b, old, eoi) if r.reference in html}

    assert refs("kind=pledge") == {a.reference, b.reference, old.reference}
    assert refs("kind=eoi") == {eoi.reference}
    assert refs("focus_area=empower") == {b.reference}
    assert refs("region=AFR&kind=pledge") == {a.reference, old.reference}
    assert refs("assignee=me") == {b.reference}
    assert refs("assignee=none&kind=pledge") == {a.reference, old.reference}
    assert refs("age=90%2B") == {old.reference}
    assert refs("age=0-7&kind=pledge") == {a.reference}
    assert refs("q=unique+telecom") == {a.reference}
    assert refs("q=" + b.reference.lower()) == {b.reference}
    assert refs("q=skills") == {b.reference}
    html = _refs(client.get("/review/?kind=pledge&sort=oldest"))
    assert html.index(old.reference) < html.index(b.reference) < html.index(a.reference)
    html = _refs(client.get("/review/?kind=pledge&sort=newest"))
    assert html.index(a.reference) < html.index(b.reference) < html.index(old.reference)
    assert client.get("/review/?sort=nonsense&page=x&status=bogus&age=zz").status_code == 200


def test_csv_download_includes_private_fields_and_is_staff_only(client, login, builder):
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED, title="=HYPERLINK(\"x\")")
    db.session.commit()
    assert client.get("/review/queue.csv").status_code == 302  # anonymous: to login
    login("reviewer")
    response = client.get("/review/queue.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    row = rows[0]
    assert row["reference"] == pledge.reference
    assert row["contact_email"] == pledge.focal_point.email and row["contact_name"] == pledge.focal_point.name
    assert row["title"].startswith("'=")  # no formula injection into spreadsheets


def test_bulk_approve_with_a_confirmation_step(client, login, builder, mail_to):
    login("reviewer")
    p1 = builder.pledge(status=ReviewStatus.SUBMITTED)
    p2 = builder.pledge(status=ReviewStatus.IN_REVIEW)
    db.session.commit()
    items = [f"pledge:{p1.id}:{p1.version}", f"pledge:{p2.id}:{p2.version}"]
    response = client.post("/review/bulk-approve", data={"items": items})
    html = _refs(response)
    assert "Approve these submissions?" in html and p1.reference in html and p2.reference in html
    db.session.expire_all()
    assert db.session.get(Pledge, p1.id).status == ReviewStatus.SUBMITTED  # nothing yet
    response = client.post("/review/bulk-approve", data={"items": items, "confirm": "yes"})
    assert response.status_code == 302
    db.session.expire_all()
    assert {p.status for p in db.session.scalars(select(Pledge))} == {ReviewStatus.APPROVED}
    assert len(mail_to.wait_for(2)) == 2


def test_bulk_approve_is_all_or_nothing(client, login, builder):
    login("reviewer")
    p1 = builder.pledge(status=ReviewStatus.SUBMITTED)
    p2 = builder.pledge(status=ReviewStatus.REJECTED)
    db.session.commit()
    items = [f"pledge:{p1.id}:{p1.version}", f"pledge:{p2.id}:{p2.version}"]
    response = client.post("/review/bulk-approve", data={"items": items, "confirm": "yes"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert p2.reference in html and "Nothing was approved" in html
    db.session.expire_all()
    assert db.session.get(Pledge, p1.id).status == ReviewStatus.SUBMITTED
    stale = [f"pledge:{p1.id}:{p1.version + 5}"]
    response = client.post("/review/bulk-approve", data={"items": stale, "confirm": "yes"}, follow_redirects=True)
    assert "Someone else changed this record" in response.get_data(as_text=True)


def test_unknown_kind_or_record_is_404(client, login):
    login("reviewer")
    assert client.get("/review/nonsense/1").status_code == 404
    assert client.get("/review/pledge/999999").status_code == 404
    assert client.post("/review/pledge/999999/decide", data={"action": "approve", "version": 1}).status_code == 404




def test_reporting_status_filter_lists_approved_pledges_in_that_status(client, login, builder):
    login("reviewer")
    current = builder.pledge(status=ReviewStatus.APPROVED, title="Reported lately")
    current.approved_at = utcnow() - timedelta(days=30)
    due = builder.pledge(status=ReviewStatus.APPROVED, title="Quiet for a while")
    due.approved_at = utcnow() - timedelta(days=500)
    builder.progress_report(current, status=ReviewStatus.APPROVED, submitted_at=utcnow() - timedelta(days=20))
    eoi = builder.eoi()
    db.session.commit()
    html = _refs(client.get("/review/?reporting=due"))
    assert due.reference in html and current.reference not in html and eoi.reference not in html
    assert 'option value="due" selected' in html
    html = _refs(client.get("/review/?reporting=current&status=all"))
    assert current.reference in html and due.reference not in html
    assert _refs(client.get("/review/?reporting=due&kind=eoi")).count(due.reference) == 0
    html = _refs(client.get("/review/?reporting=bogus"))  # ignored: the waiting queue
    assert eoi.reference in html and due.reference not in html
    rows = list(csv.reader(io.StringIO(client.get("/review/queue.csv?reporting=due").get_data(as_text=True))))
    assert [r[1] for r in rows[1:]] == [due.reference]


def test_assign_to_me_from_the_queue_row(client, login, builder):
    import re

    me = login("reviewer")
    waiting = builder.pledge(status=ReviewStatus.SUBMITTED, title="Waiting for someone")
    taken = builder.pledge(status=ReviewStatus.SUBMITTED, title="Already taken")
    taken.assignee_id = builder.user(email="other@example.org").id
    db.session.commit()
    html = client.get("/review/?status=submitted").get_data(as_text=True)
    assert f'form="assign-pledge-{waiting.id}"' in html and f'id="assign-pledge-{waiting.id}"' in html
    assert f'assign-pledge-{taken.id}' not in html  # someone already has it
    form = re.search(rf'<form id="assign-pledge-{waiting.id}".*?</form>', html, re.S).group(0)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    response = client.post(f"/review/pledge/{waiting.id}/assign", data=fields)
    assert response.status_code == 302 and response.headers["Location"].startswith("/review/?status=submitted")
    db.session.expire_all()
    assert db.session.get(Pledge, waiting.id).assignee_id == me.id
    # A "next" outside the back-office is not followed.
    fields["version"] = str(db.session.get(Pledge, waiting.id).version)
    fields["next"] = "//evil.example/review"
    client.post(f"/review/pledge/{waiting.id}/assign", data={**fields, "release": "1"})
    assert client.post(f"/review/pledge/{taken.id}/assign", data={
        "version": str(taken.version), "next": "https://evil.example"}).headers["Location"].endswith(
        f"/review/pledge/{taken.id}")
