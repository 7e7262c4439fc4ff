"""Organizations: edit with optimistic lock, merge duplicates (pledges, partner links, EOIs, API tokens)."""

from __future__ import annotations

from sqlalchemy import select

from p2c.api.models import ApiToken
from p2c.core.enums import ReviewStatus
from p2c.core.models import AuditEvent
from p2c.extensions import db
from p2c.members.models import ExpressionOfInterest, Organization
from p2c.pledges.models import Pledge


def test_edit_an_organization_and_the_second_editor_gets_a_conflict(client, login, builder):
    login("reviewer")
    org = builder.organization(name="Acme Telecom")
    db.session.commit()
    version = org.version
    form = {"name": "ACME Telecom Ltd", "acronym": "ACME", "stakeholder_group_code": "private_sector",
            "country_iso3": "KEN", "website": "https://acme.example", "version": version}
    assert client.post(f"/review/organizations/{org.id}/edit", data=form).status_code == 302
    response = client.post(f"/review/organizations/{org.id}/edit", data={**form, "name": "Stale"},
                           follow_redirects=True)
    assert "Someone else changed this record" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organization, org.id).name == "ACME Telecom Ltd"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "edit"))
    assert event.before["name"] == "Acme Telecom" and event.after["name"] == "ACME Telecom Ltd"
    bad = client.post(f"/review/organizations/{org.id}/edit", data={**form, "name": "", "version": version + 1})
    assert bad.status_code == 400


def test_merge_moves_pledges_partner_links_eois_and_tokens(client, login, builder):
    login("reviewer")
    keep = builder.organization(name="Global Connect Foundation")
    # No country: the same name in the same country is one identity and cannot be stored twice.
    dupe = builder.organization(name="Global Connect Foundation.", is_member=True, country_iso3=None)
    other = builder.organization()
    led = builder.pledge(lead=dupe)
    partnered = builder.pledge(lead=other, partners=[dupe])
    both = builder.pledge(lead=other, partners=[dupe, keep])
    self_partner = builder.pledge(lead=keep, partners=[dupe])
    eoi = builder.eoi(organization=dupe, status=ReviewStatus.APPROVED)
    token = ApiToken(organization_id=dupe.id, name="t", token_hash="1" * 64, prefix="p2c_1")
    db.session.add(token)
    keep.is_member = False
    db.session.commit()

    page = client.get(f"/review/organizations/{keep.id}/edit").get_data(as_text=True)
    assert "Global Connect Foundation." in page  # near-identical name suggested
    assert client.post(f"/review/organizations/{dupe.id}/merge", data={"keep_id": keep.id}).status_code == 400
    assert client.post(f"/review/organizations/{dupe.id}/merge",
                       data={"keep_id": dupe.id, "confirm": "y"}).status_code == 400
    response = client.post(f"/review/organizations/{dupe.id}/merge", data={"keep_id": keep.id, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Pledge, led.id).lead_organization_id == keep.id
    assert [o.id for o in db.session.get(Pledge, partnered.id).partners] == [keep.id]
    assert [o.id for o in db.session.get(Pledge, both.id).partners] == [keep.id]  # no duplicate link
    assert db.session.get(Pledge, self_partner.id).partners == []  # the lead is not its own partner
    assert db.session.get(ExpressionOfInterest, eoi.id).organization_id == keep.id
    assert db.session.get(ApiToken, token.id).organization_id == keep.id
    merged, kept = db.session.get(Organization, dupe.id), db.session.get(Organization, keep.id)
    assert merged.merged_into_id == keep.id and kept.is_member
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "merge")).all()
    assert {e.subject_id for e in events} == {keep.id, dupe.id}
    listing = client.get("/review/organizations").get_data(as_text=True)
    assert f"/review/organizations/{dupe.id}/edit" not in listing  # hidden
    assert client.post(f"/review/organizations/{dupe.id}/merge",
                       data={"keep_id": other.id, "confirm": "y"}).status_code == 400
