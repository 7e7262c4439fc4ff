"""Hand-over to a successor (confirmed from their own address), staff reassigning or attaching a contact,
one private page per person, partners' contacts (told of approvals, read-only page), the organization page."""

from __future__ import annotations

import re

from sqlalchemy import select

from p2c.core.enums import ReviewStatus
from p2c.core.models import AuditEvent, OutboxMessage
from p2c.core.tokens import make_token
from p2c.extensions import db
from p2c.pledges.models import Handover, PartnerContact, Pledge
from tests.smtp import LocalSmtpServer

LINK = re.compile(r"https?://\S+(/my/\S+)")


def _links(message) -> list[str]:
    return LINK.findall(LocalSmtpServer.text_of(message))


def test_hand_over_waits_for_the_successor_then_moves_the_link(client, builder, mail_to):
    pledge = builder.pledge(focal_point=builder.contact(email="old@example.org", name="Old Focal"))
    db.session.commit()
    old = f"/my/{make_token('pledge', pledge.id, 'old@example.org')}"
    assert "Hand over to a successor" in client.get(old).get_data(as_text=True)
    # Bad input: a clear message, nothing saved.
    bad = client.post(f"{old}/hand-over", data={"name": "New", "email": "not an address", "language": "fr"})
    assert bad.status_code == 422 and db.session.scalars(select(Handover)).first() is None
    same = client.post(f"{old}/hand-over", data={"name": "Me", "email": "OLD@example.org", "language": "en"})
    assert same.status_code == 422 and "already the focal point" in same.get_data(as_text=True)

    response = client.post(f"{old}/hand-over", data={"name": "Nadia Successor", "email": "new@example.org",
                                                     "language": "fr"})
    assert response.status_code == 302
    request = mail_to.wait_for(1)[-1]
    assert request["To"] == "new@example.org" and request["Content-Language"] == "fr"
    confirm = _links(request)[0]
    assert confirm.endswith("/take-over?lang=fr")  # the page opens in the successor's language
    # Nothing changed hands yet: the old link works, the confirmation link opens no pledge page.
    assert client.get(old).status_code == 200
    assert client.get(confirm.removesuffix("/take-over?lang=fr")).status_code == 403
    assert "Je reprends cet engagement" in client.get(confirm).get_data(as_text=True)

    taken = client.post(confirm)
    assert taken.status_code == 302
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).focal_point.email == "new@example.org"
    assert client.get(taken.headers["Location"]).status_code == 200
    assert client.get(old).status_code == 403  # the former focal point's link stops working
    assert client.post(confirm).status_code == 403  # a confirmation works once
    mails = mail_to.wait_for(3)
    by_recipient = {m["To"]: m for m in mails[1:]}
    assert set(by_recipient) == {"new@example.org", "old@example.org"}
    new_link = _links(by_recipient["new@example.org"])[0]
    assert client.get(new_link).status_code == 200
    assert not _links(by_recipient["old@example.org"])
    assert db.session.scalar(select(AuditEvent.actor_label).where(AuditEvent.action == "handover")) == "focal point"


def test_staff_reassign_or_attach_a_contact_audited(client, builder, login, mail_to):
    # The import's shared placeholder focal point (p2c.opendata.imports).
    imported = builder.pledge(focal_point=builder.contact(email="noreply@invalid", name="imported (no focal point)"))
    db.session.commit()
    user = login("reviewer")
    page = client.get(f"/review/pledge/{imported.id}/contact")
    assert page.status_code == 200 and "cannot report until one is attached" in page.get_data(as_text=True)
    bad = client.post(f"/review/pledge/{imported.id}/contact", data={"name": "", "email": "x", "language": "en"})
    assert bad.status_code == 422
    response = client.post(f"/review/pledge/{imported.id}/contact",
                           data={"name": "Ali Reporter", "email": "ali@example.org", "language": "ar"})
    assert response.status_code == 302
    message = mail_to.wait_for(1)[0]
    assert message["To"] == "ali@example.org" and message["Content-Language"] == "ar"
    assert not db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "noreply@invalid")).all()
    link = _links(message)[0]
    assert client.get(link).status_code == 200
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reassign_contact")).one()
    assert event.actor_user_id == user.id and event.subject_id == imported.id
    assert client.post("/review/pledge/999999/contact", data={}).status_code == 404


def test_one_private_page_lists_every_record_of_an_address(client, builder, mail_to):
    me = "multi@example.org"
    first = builder.pledge(focal_point=builder.contact(email=me), title="First pledge")
    second = builder.pledge(status=ReviewStatus.SUBMITTED, focal_point=builder.contact(email=me), title="Second")
    partner_org = builder.organization(name="Partner Org")
    joint = builder.pledge(partners=[partner_org], title="Joint pledge")
    builder.pledge(title="Someone else's")
    db.session.flush()
    db.session.add(PartnerContact(pledge_id=joint.id, organization_id=partner_org.id,
                                  contact_id=builder.contact(email=me).id))
    db.session.commit()
    assert client.post("/access", data={"email": me}).status_code == 200
    message = mail_to.wait_for(1)[0]
    links = _links(message)
    assert len(links) == 1
    html = client.get(links[0]).get_data(as_text=True)
    for p in (first, second, joint):
        assert p.reference in html
    assert "Someone else" not in html and html.count("contact (read only)") == 1


def test_partner_contact_is_told_and_reads_the_page(client, builder, login, mail_to):
    partner = builder.organization(name="SchoolNet Africa")
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED, partners=[partner])
    db.session.commit()
    token = make_token("pledge", pledge.id, pledge.focal_point.email)
    bad = client.post(f"/my/{token}/partners", data={"organization": str(partner.id), "name": "",
                                                     "email": "p@example.org", "language": "es"})
    assert bad.status_code == 422 and db.session.scalars(select(PartnerContact)).first() is None
    other = builder.organization(name="Not a partner")
    db.session.commit()
    refused = client.post(f"/my/{token}/partners", data={"organization": str(other.id), "name": "X",
                                                         "email": "x@example.org", "language": "es"})
    assert refused.status_code == 422 and "not a partner" in refused.get_data(as_text=True)
    saved = client.post(f"/my/{token}/partners", data={"organization": str(partner.id), "name": "Pat Partner",
                                                       "email": "pat@example.org", "language": "es"})
    assert saved.status_code == 302
    login("reviewer")
    version = db.session.get(Pledge, pledge.id).version
    approved = client.post(f"/review/pledge/{pledge.id}/decide",
                           data={"action": "approve", "message": "", "version": version})
    assert approved.status_code == 302
    mails = mail_to.wait_for(2)
    told = next(m for m in mails if m["To"] == "pat@example.org")
    assert told["Content-Language"] == "es" and pledge.reference in told["Subject"]
    link = _links(told)[0]
    view = client.get(link)
    html = view.get_data(as_text=True)
    # The link opens the page in the language the partner's contact was given (Spanish).
    assert view.status_code == 200 and pledge.title in html and "solo lectura" in html and 'lang="es"' in html
    assert "/amend" not in html and "/withdraw" not in html and "/hand-over" not in html
    assert pledge.focal_point.email not in html  # the focal point's address stays with the focal point
    # A progress report approved later is told too.
    report = builder.progress_report(db.session.get(Pledge, pledge.id), status=ReviewStatus.SUBMITTED)
    db.session.commit()
    assert client.post(f"/review/progress_report/{report.id}/decide",
                       data={"action": "approve", "message": "", "version": report.version}).status_code == 302
    kinds = list(db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.recipient == "pat@example.org")))
    assert kinds == ["pledge_partner_approved", "implementation_partner_report"]
    # Removing the contact ends the partner's view.
    token2 = make_token("pledge", pledge.id, pledge.focal_point.email)
    client.post(f"/my/{token2}/partners", data={"organization": str(partner.id), "name": "", "email": "",
                                                "language": "en"})
    assert client.get(link).status_code == 403


def test_organization_page_lists_lead_and_partner_pledges_with_totals(client, builder):
    org = builder.organization(name="Acme Telecom")
    other = builder.organization(name="Other Lead")
    builder.pledge(lead=org, amount=1000, title="Lead one")
    builder.pledge(lead=org, amount=2500, title="Lead two")
    builder.pledge(lead=org, amount=99999, status=ReviewStatus.SUBMITTED, title="Not public")
    builder.pledge(lead=other, partners=[org], amount=400, title="Joint")
    db.session.commit()
    html = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "Lead one" in html and "Lead two" in html and "Joint" in html and "Not public" not in html
    assert "2 pledges · <bdi>$3,500</bdi>" in html and "1 pledge · <bdi>$400</bdi>" in html
    assert client.get("/organizations/999999").status_code == 404
    page = client.get(f"/pledges/{db.session.scalars(select(Pledge.reference).where(Pledge.title == 'Joint')).one()}")
    assert f'href="/organizations/{org.id}"' in page.get_data(as_text=True)


def test_a_partner_contributes_to_the_yearly_report(client, builder, mail_to):
    partner = builder.organization(name="SchoolNet Africa")
    pledge = builder.pledge(partners=[partner], focal_point=builder.contact(email="lead@example.org", language="fr"))
    db.session.flush()
    db.session.add(PartnerContact(pledge_id=pledge.id, organization_id=partner.id,
                                  contact_id=builder.contact(email="pat@example.org").id))
    db.session.commit()
    partner_link = f"/my/{make_token('partner', pledge.id, 'pat@example.org')}"
    focal_link = f"/my/{make_token('pledge', pledge.id, 'lead@example.org')}"
    assert client.post(f"{partner_link}/contribution", data={"body": ""}).status_code == 422
    assert client.post(f"{focal_link}/contribution", data={"body": "Not a partner"}).status_code == 403
    sent = client.post(f"{partner_link}/contribution", data={"body": "We trained 320 teachers in 2026."})
    assert sent.status_code == 302
    message = mail_to.wait_for(1)[0]
    assert message["To"] == "lead@example.org" and message["Content-Language"] == "fr"
    assert "We trained 320 teachers in 2026." in LocalSmtpServer.text_of(message)
    focal_page = client.get(focal_link).get_data(as_text=True)
    assert "We trained 320 teachers in 2026." in focal_page and "SchoolNet Africa" in focal_page
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.subject_id == pledge.id)) == \
        "partner_contribution"
