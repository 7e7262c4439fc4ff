"""Drafts of the pledge and progress-report forms: saved as typed, resumed from the mailed link, not a
submission (no review, no figure, no rate-limit count), deleted on submit, by the owner, or after 60 days."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from p2c.core.db import utcnow
from p2c.core.tokens import make_token
from p2c.drafts import services as drafts
from p2c.drafts.models import Draft
from p2c.extensions import db
from p2c.implementation.models import ProgressReport
from p2c.operations.jobs import purge_drafts
from p2c.pledges.models import Pledge
from tests.pledges.formdata import valid_pledge


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _half_pledge(**changes) -> dict:
    """Half a form: no description, no dates, no consent; a number that would not pass the check."""
    data = valid_pledge(description="", start_date="", end_date="", consent=None, amount="1,2,3",
                        action="save_draft")
    data.update(changes)
    return data


def _link_in(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"http://\S+/pledges/drafts/\S+", body).group()


def test_pledge_draft_saved_mailed_resumed_and_submitted(client, mail_to):
    response = client.post("/pledges/new", data=_half_pledge())
    assert response.status_code == 200
    assert "Your draft is saved" in response.text and "j•••@example.org" in response.text
    draft = db.session.scalars(select(Draft)).one()
    # Stored exactly as typed, nothing checked: the unreadable amount and the empty description are kept.
    assert draft.data["amount"] == ["1,2,3"] and draft.data["description"] == [""]
    assert draft.data["countries"] == ["MWI", "ZMB"]
    assert "csrf_token" not in draft.data and "form_nonce" not in draft.data and "action" not in draft.data
    assert (draft.expires_at - draft.created_at) == timedelta(days=60)
    assert _count(Pledge) == 0  # not a submission: nothing to review, nothing in any figure
    (message,) = mail_to.wait_for(1)
    assert message["To"] == "jane@example.org"
    link = _link_in(message)
    path = link.split("127.0.0.1:5000", 1)[-1] if "127.0.0.1:5000" in link else "/" + link.split("/", 3)[3]

    page = client.get(path)  # another device: no session, only the link
    assert page.status_code == 200
    assert 'value="1,2,3"' in page.text and "You are continuing a draft" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    token = path.rsplit("/", 1)[-1]
    assert f'name="draft_token" value="{token}"' in page.text

    done = client.post("/pledges/new", data=valid_pledge(draft_token=token))
    assert done.status_code == 302
    assert _count(Pledge) == 1 and _count(Draft) == 0  # the draft goes once the pledge is in
    assert client.get(path).status_code == 410


def test_saving_again_updates_the_draft_without_another_mail(client, mail_to):
    client.post("/pledges/new", data=_half_pledge())
    draft = db.session.scalars(select(Draft)).one()
    token = make_token("draft", draft.id, draft.email)
    mail_to.wait_for(1)
    response = client.post("/pledges/new", data=_half_pledge(title="Connect 300 rural schools", draft_token=token,
                                                             focal_email="other@example.org"))
    assert response.status_code == 200 and "still opens it" in response.text
    db.session.expire_all()
    assert _count(Draft) == 1
    kept = db.session.scalars(select(Draft)).one()
    assert kept.data["title"] == ["Connect 300 rural schools"] and kept.email == "jane@example.org"
    assert len(mail_to.messages) == 1


def test_a_draft_needs_a_valid_address_and_saves_nothing_without(client):
    response = client.post("/pledges/new", data=_half_pledge(focal_email="not an address"))
    assert response.status_code == 422
    assert "To save a draft, enter the focal point" in response.text
    assert "the link to continue goes there" in response.text
    assert _count(Draft) == 0


def test_drafts_do_not_count_against_the_submission_limit(app):
    from p2c import create_app
    from p2c.extensions import limiter

    limited = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         RATELIMIT_ENABLED=True, SUBMISSION_RATE_LIMIT="2 per hour")
    client = limited.test_client()
    try:
        for _ in range(4):
            assert client.post("/pledges/new", data=_half_pledge()).status_code == 200
        assert client.post("/pledges/new", data=valid_pledge()).status_code == 302
        assert client.post("/pledges/new", data=valid_pledge()).status_code == 302
        assert client.post("/pledges/new", data=valid_pledge()).status_code == 429
    finally:
        limiter.reset()
        limiter.enabled = False


def test_owner_deletes_a_draft_and_tampered_links_open_nothing(client):
    client.post("/pledges/new", data=_half_pledge())
    draft = db.session.scalars(select(Draft)).one()
    token = make_token("draft", draft.id, draft.email)
    assert client.get(f"/pledges/drafts/{make_token('draft', draft.id, 'eve@example.org')}").status_code == 403
    assert client.get(f"/pledges/drafts/{make_token('pledge', draft.id, draft.email)}").status_code == 403
    assert client.get(f"/pledges/drafts/{token[:-3]}xyz").status_code == 403
    assert client.get(f"/pledges/drafts/{token}/delete").status_code == 200
    assert client.post(f"/pledges/drafts/{token}/delete").status_code == 302
    assert _count(Draft) == 0
    assert client.get(f"/pledges/drafts/{token}").status_code == 410


def test_expired_drafts_do_not_open_and_the_worker_purges_them(client):
    client.post("/pledges/new", data=_half_pledge())
    client.post("/pledges/new", data=_half_pledge(focal_email="ana@example.org"))
    old, new = db.session.scalars(select(Draft).order_by(Draft.id)).all()
    old.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/pledges/drafts/{make_token('draft', old.id, old.email)}").status_code == 410
    assert purge_drafts() == "deleted 1"
    assert [d.id for d in db.session.scalars(select(Draft))] == [new.id]


def test_report_draft_resumes_through_the_private_link_and_goes_on_submit(client, builder, mail_to):
    pledge = builder.pledge(amount=1_000_000, currency="USD")
    db.session.commit()
    link = f"/my/{make_token('pledge', pledge.id, pledge.focal_point.email)}/report"
    target = f"target_{pledge.targets[0].id}"
    half = {"period": "2025", "implementation_status": "on_track", "narrative": "Half written",
            target: "12 000 000 000 000 000 000", "action": "save_draft"}
    assert client.post(link, data=half).status_code == 302
    assert _count(ProgressReport) == 0
    draft = db.session.scalars(select(Draft)).one()
    assert draft.pledge_id == pledge.id and draft.data[target] == ["12 000 000 000 000 000 000"]
    (message,) = mail_to.wait_for(1)
    assert "/report" in message.get_body(("plain",)).get_content()
    page = client.get(link)
    assert "Half written" in page.text and "You are continuing a draft" in page.text
    full = {"period": "2025", "implementation_status": "on_track",
            "narrative": "We connected 40 schools in Turkana county this year.", target: "400"}
    assert client.post(link, data=full).status_code == 302
    assert _count(ProgressReport) == 1 and _count(Draft) == 0


def test_snapshot_keeps_every_value_and_drops_one_time_fields():
    from werkzeug.datastructures import MultiDict

    data = drafts.snapshot(MultiDict([("countries", "MWI"), ("countries", "ZMB"), ("csrf_token", "x"),
                                      ("homepage", "spam"), ("title", "  as typed  ")]))
    assert data == {"countries": ["MWI", "ZMB"], "title": ["  as typed  "]}


def test_at_most_five_draft_mails_an_hour_to_one_address(client, mail_to):
    for _ in range(6):
        assert client.post("/pledges/new", data=_half_pledge()).status_code == 200
    last = client.post("/pledges/new", data=_half_pledge())
    assert "no e-mail was sent this time" in last.text
    assert _count(Draft) == 7
    assert len(mail_to.wait_for(5)) == 5


def test_a_draft_save_needs_the_forms_own_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/pledges/new", data=_half_pledge())
        assert response.status_code == 422
        assert "Your session expired" in response.text and 'value="Connect 200 rural schools"' in response.text
        assert _count(Draft) == 0
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
