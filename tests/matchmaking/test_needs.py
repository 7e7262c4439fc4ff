"""Needs end to end (test client): the form, the review queue, the public pages and API (no contact),
introductions asked by either side, the team's introduction e-mails, the outcome, /progress."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from p2c.core.enums import ReviewStatus
from p2c.core.models import AuditEvent, OutboxMessage
from p2c.core.tokens import make_token
from p2c.extensions import db
from p2c.matchmaking.constants import IntroductionStatus, Side
from p2c.matchmaking.models import Introduction, Need
from tests.matchmaking.helpers import make_need, need_form
from tests.smtp import LocalSmtpServer

LINK = re.compile(r"https?://\S+(/my/\S+/need)\b")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_bad_input_is_refused_with_messages_and_nothing_saved(client):
    for change, message in [
        ({"country": ""}, "Choose the country."),
        ({"quantity": "lots"}, None),
        ({"quantity": "500", "quantity_unit": ""}, "Say what the number counts, e.g. schools to connect."),
        ({"start_year": "2028", "end_year": "2026"}, "The last year cannot be before the first year."),
        ({"pillars": ["empower.skills"]}, "Choose pillars of the focus area you chose."),
        ({"consent": ""}, "Please confirm to submit the need."),
        ({"submitter_kind": "company"}, None),
    ]:
        response = client.post("/needs/new", data=need_form(**change))
        assert response.status_code == 422, change
        if message:
            assert message in response.get_data(as_text=True), change
    assert _count(Need) == 0


def test_a_ministry_submits_a_need_and_follows_it_with_its_private_link(client, mail_to):
    response = client.post("/needs/new", data=need_form())
    assert response.status_code == 302
    need = db.session.scalars(select(Need)).one()
    assert (need.status, need.country_iso3, need.quantity, need.quantity_unit) == \
        (ReviewStatus.SUBMITTED, "KEN", 500, "schools to connect")
    assert [p.code for p in need.pillars] == ["connect.infrastructure"] and need.contact.email == "amina@ict.go.ke"
    assert client.get(response.headers["Location"]).status_code == 200
    text = LocalSmtpServer.text_of(mail_to.wait_for(1)[0])
    path = LINK.search(text).group(1)
    page = client.get(path)
    assert page.status_code == 200 and need.reference in page.get_data(as_text=True)
    assert client.get(path.replace("/need", "x/need")).status_code == 403
    # A pledge's link does not open a need page, nor a need's link the access dashboard.
    assert client.get(path.replace("/need", "")).status_code == 403
    # Not public before approval.
    assert client.get(f"/needs/{need.id}").status_code == 404
    assert client.get("/api/v1/needs").get_json()["needs"] == []


def _decide(client, need, action):
    return client.post(f"/review/need/{need.id}/decide",
                       data={"action": action, "message": "", "version": need.version})


def test_the_team_approves_a_need_in_the_review_queue_and_it_is_public_without_contact(client, login, builder):
    pledge = builder.pledge(countries=["KEN"], pillars=["connect.infrastructure"], title="Kenya schools online")
    need = make_need(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    login("reviewer")
    queue = client.get("/review/?kind=need").get_data(as_text=True)
    assert need.reference in queue and "Ministry of ICT" in queue
    record = client.get(f"/review/need/{need.id}").get_data(as_text=True)
    assert "amina@ict.go.ke" in record  # the team sees the contact
    assert _decide(client, need, "approve").status_code == 302
    db.session.refresh(need)
    assert need.status == ReviewStatus.APPROVED and need.approved_at is not None
    anonymous = client.application.test_client()
    page = anonymous.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "Connect 500 rural schools" in page and "Kenya schools online" in page
    assert "Works in the same country (+40)" in page and "Same focus area (+25)" in page
    assert "amina@ict.go.ke" not in page and "+254" not in page
    assert pledge.focal_point.email not in page
    listing = anonymous.get("/needs").get_data(as_text=True)
    assert "Connect 500 rural schools" in listing
    body = anonymous.get("/api/v1/needs").get_json()
    assert [n["reference"] for n in body["needs"]] == [need.reference]
    one = anonymous.get(f"/api/v1/needs/{need.id}").get_json()
    assert (one["country"], one["quantity"], one["met"]) == ("KEN", "500.00", False)
    assert "amina" not in str(body) + str(one) and "contact" not in one
    assert anonymous.get("/api/v1/needs/999999").status_code == 404


def test_a_pledger_asks_the_team_introduces_and_records_a_pledge_made(client, login, builder, mail_to):
    pledge = builder.pledge(countries=["KEN"], pillars=["connect.infrastructure"], title="Kenya schools online")
    need = make_need()
    db.session.commit()
    token = make_token("pledge", pledge.id, pledge.focal_point.email)
    pledger = client.application.test_client()
    page = pledger.get(f"/my/{token}/needs").get_data(as_text=True)
    assert "Connect 500 rural schools" in page and "Works in the same country (+40)" in page
    # Without consent: refused, nothing saved.
    refused = pledger.post(f"/my/{token}/needs/{need.id}/introduction", data={"message": "We can help."})
    assert refused.status_code == 422 and _count(Introduction) == 0
    asked = pledger.post(f"/my/{token}/needs/{need.id}/introduction", data={"message": "We can help.", "consent": "y"})
    assert asked.status_code == 302
    again = pledger.post(f"/my/{token}/needs/{need.id}/introduction", data={"consent": "y"})
    assert again.status_code == 409 and _count(Introduction) == 1
    intro = db.session.scalars(select(Introduction)).one()
    assert (intro.requested_by, intro.status, intro.message) == (Side.PLEDGE, IntroductionStatus.REQUESTED,
                                                                  "We can help.")
    # The team sees the request in its queue and introduces them.
    login("reviewer")
    assert "Introduction requests (1)" in client.get("/review/").get_data(as_text=True)
    listing = client.get("/review/introductions").get_data(as_text=True)
    assert need.reference in listing and "We can help." in listing
    stale = client.post(f"/review/introductions/{intro.id}/introduce", data={"version": "99"})
    assert stale.status_code == 409
    done = client.post(f"/review/introductions/{intro.id}/introduce", data={"version": str(intro.version)})
    assert done.status_code == 302
    messages = mail_to.wait_for(2)
    by_recipient = {m["To"]: LocalSmtpServer.text_of(m) for m in messages}
    assert set(by_recipient) == {"amina@ict.go.ke", pledge.focal_point.email}
    assert pledge.focal_point.email in by_recipient["amina@ict.go.ke"]
    assert "amina@ict.go.ke" in by_recipient[pledge.focal_point.email]
    assert "+254 20 000000" in by_recipient[pledge.focal_point.email]
    db.session.refresh(intro)
    assert intro.status == IntroductionStatus.INTRODUCED
    # The outcome: a pledge was made; the need is met and /progress counts it.
    assert "Needs met: 0. Open needs: 1." in client.get("/progress").get_data(as_text=True)
    bad = client.post(f"/review/introductions/{intro.id}/outcome",
                      data={"version": str(intro.version), "outcome": "pledge_made", "pledge_reference": "P2C-0"})
    assert bad.status_code == 422 and "No pledge has this reference." in bad.get_data(as_text=True)
    recorded = client.post(f"/review/introductions/{intro.id}/outcome",
                           data={"version": str(intro.version), "outcome": "pledge_made",
                                 "pledge_reference": pledge.reference, "note": "Signed in Nairobi"})
    assert recorded.status_code == 302
    db.session.refresh(need)
    db.session.refresh(intro)
    assert intro.status == IntroductionStatus.PLEDGE_MADE and intro.outcome_pledge_id == pledge.id
    assert need.met_at is not None
    assert "Needs met: 1. Open needs: 0." in client.application.test_client().get("/progress").get_data(as_text=True)
    assert client.get("/api/v1/needs?state=met").get_json()["needs"][0]["met"] is True
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_type == "introduction")
                                      .order_by(AuditEvent.id)))
    assert actions == ["introduction.requested", "introduction.introduced", "introduction.outcome"]


def test_a_request_from_the_need_side_waits_for_the_pledgers_agreement(client, login, builder):
    pledge = builder.pledge(countries=["KEN"], pillars=["connect.infrastructure"])
    need = make_need()
    db.session.commit()
    token = make_token("need", need.id, need.contact.email)
    submitter = client.application.test_client()
    page = submitter.get(f"/my/{token}/need").get_data(as_text=True)
    assert "Ask for an introduction" in page
    assert submitter.post(f"/my/{token}/need", data={"pledge_id": str(pledge.id)}).status_code == 422
    assert submitter.post(f"/my/{token}/need", data={"pledge_id": "abc", "consent": "y"}).status_code == 422
    assert submitter.post(f"/my/{token}/need", data={"pledge_id": str(pledge.id), "consent": "y"}).status_code == 302
    intro = db.session.scalars(select(Introduction)).one()
    assert intro.requested_by == Side.NEED
    login("reviewer")
    refused = client.post(f"/review/introductions/{intro.id}/introduce", data={"version": str(intro.version)})
    assert refused.status_code == 422 and "Confirm first that the pledger agreed" in refused.get_data(as_text=True)
    assert _count(OutboxMessage) == 0
    ok = client.post(f"/review/introductions/{intro.id}/introduce",
                     data={"version": str(intro.version), "confirmed": "y"})
    assert ok.status_code == 302 and _count(OutboxMessage) == 2
    declined = client.post(f"/review/introductions/{intro.id}/outcome",
                           data={"version": str(intro.version + 1), "outcome": "declined"})
    assert declined.status_code == 302
    db.session.refresh(need)
    assert need.met_at is None


def test_the_open_data_file_lists_approved_needs_without_contacts(client, builder):
    need = make_need()
    make_need(status=ReviewStatus.SUBMITTED, email="other@example.org")
    need.title = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    response = client.get("/data/needs.csv")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = text.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("reference,country,submitter_kind")
    assert need.reference in lines[1] and ",KEN,government," in lines[1] and "'=HYPERLINK" in lines[1]
    assert "amina" not in text and "other@example.org" not in text
    assert "/data/needs.csv" in client.get("/data").get_data(as_text=True)


def test_changes_requested_the_submitter_reads_the_message_changes_and_resubmits(client, login, builder):
    need = make_need(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    login("reviewer")
    asked = client.post(f"/review/need/{need.id}/decide",
                        data={"action": "request_changes", "message": "Please give the number of schools.",
                              "version": need.version})
    assert asked.status_code == 302
    db.session.refresh(need)
    token = make_token("need", need.id, need.contact.email)
    submitter = client.application.test_client()
    page = submitter.get(f"/my/{token}/need").get_data(as_text=True)
    assert "Please give the number of schools." in page and f"/my/{token}/need/edit" in page
    form = submitter.get(f"/my/{token}/need/edit").get_data(as_text=True)
    assert 'value="Connect 500 rural schools"' in form
    stale = submitter.post(f"/my/{token}/need/edit", data=need_form(version="99", title="Connect 650 schools"))
    assert stale.status_code == 409
    done = submitter.post(f"/my/{token}/need/edit",
                          data=need_form(version=str(need.version), title="Connect 650 schools", quantity="650",
                                         focal_email="someone.else@example.org"))
    assert done.status_code == 302
    db.session.refresh(need)
    assert (need.status, need.title, need.quantity) == (ReviewStatus.SUBMITTED, "Connect 650 schools", 650)
    assert need.contact.email == "amina@ict.go.ke"  # the link's address stays
    # Not open for changes any more: back to the need's page.
    assert submitter.get(f"/my/{token}/need/edit").status_code == 302


def test_the_need_page_follows_a_new_approval_despite_its_cache(client, builder, login):
    need = make_need()
    db.session.commit()
    first = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "No approved pledge matches this need yet." in first
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED, countries=["KEN"], title="Late but close")
    db.session.commit()
    login("reviewer")
    client.post(f"/review/pledge/{pledge.id}/decide", data={"action": "approve", "version": pledge.version})
    later = client.application.test_client().get(f"/needs/{need.id}").get_data(as_text=True)
    assert "Late but close" in later and "Works in the same country (+40)" in later
    french = client.application.test_client().get(f"/needs/{need.id}?lang=fr").get_data(as_text=True)
    assert "Agit dans le même pays (+40)" in french


def test_access_sends_the_needs_private_link_with_the_others(client, builder):
    need = make_need(email="Amina@ict.go.ke")
    db.session.commit()
    assert client.post("/access", data={"email": "amina@ict.go.ke"}).status_code == 200
    message = db.session.scalars(select(OutboxMessage)).one()
    assert need.reference in message.body_text
    path = LINK.search(message.body_text).group(1)
    assert client.get(path).status_code == 200
