"""The private page shows the whole record (every field, targets, countries, partners, reports, messages,
status history) in the reader's language; contact data only there."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from p2c.core import audit
from p2c.core.enums import ReviewStatus
from p2c.core.tokens import make_token
from p2c.extensions import db
from p2c.pledges.models import Pledge
from tests.pledges.formdata import valid_pledge


def test_the_private_page_shows_the_whole_record_in_the_readers_language(app, client, builder, login):
    assert client.post("/pledges/new", data=valid_pledge()).status_code == 302
    pledge = db.session.scalars(select(Pledge)).one()
    reviewer = app.test_client()
    user = builder.user()
    db.session.commit()
    with reviewer.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    assert reviewer.post(f"/review/pledge/{pledge.id}/decide", data={
        "action": "approve", "message": "Welcome aboard.", "version": pledge.version}).status_code == 302
    report = builder.progress_report(db.session.get(Pledge, pledge.id), period=2026, status=ReviewStatus.SUBMITTED)
    db.session.commit()
    token = make_token("pledge", pledge.id, "jane@example.org")

    html = client.get(f"/my/{token}?lang=fr").get_data(as_text=True)
    for shown in ("Connect 200 rural schools", "Acme Telecom", "Friends of Connectivity", "SchoolNet Africa",
                  "Malawi", "Zambie", "Écoles connectées", "1 500 000", "C2", "Welcome aboard.", report.reference,
                  "jane@example.org", "+41 22 730 5111", "Acme Telecom commits to connect 200 schools"):
        assert shown in html.replace("\u202f", " ").replace("\xa0", " "), shown
    with force_locale("fr"):
        created, approved = audit.action_title("create"), audit.action_title("approve")
    history = html[html.index('id="history"'):]
    assert created in history and approved in history and history.index(created) < history.index(approved)
    # The same page in Arabic runs right to left.
    arabic = client.get(f"/my/{token}?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in arabic and "ملاوي" in arabic
    # Contact data stays on the private page.
    public = app.test_client().get(f"/pledges/{pledge.reference}").get_data(as_text=True)
    assert "jane@example.org" not in public and "+41 22 730 5111" not in public
