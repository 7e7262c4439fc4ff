"""Organizations change only through review (issue 18, item 1).

Before: /join linked a stranger's expression of interest to the existing organization of that name,
and the focal point's edit form (/my/<token>/edit) wrote name, acronym, website, group and country
straight onto that shared record. Now the details are a proposal stored on the submission, applied
only when staff approve a submission that created its organization.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from p2c.core.enums import ReviewStatus
from p2c.core.tokens import make_token
from p2c.extensions import db
from p2c.members.models import CallForInterest, ExpressionOfInterest, Organization
from tests.pledges.formdata import valid_eoi


def _open_call() -> None:
    db.session.add(CallForInterest(title="Call", opens_on=date.today() - timedelta(days=1),
                                   closes_on=date.today() + timedelta(days=30)))
    db.session.commit()


def _decide(client, eoi, action, message=""):
    db.session.expire_all()
    eoi = db.session.get(ExpressionOfInterest, eoi.id)
    return client.post(f"/review/eoi/{eoi.id}/decide",
                       data={"action": action, "message": message, "version": eoi.version})


def _join_then_edit(client, login, name, edits):
    """A person joins as `name`, the team requests changes, the person edits through the private link."""
    _open_call()
    assert client.post("/join", data=valid_eoi(org_name=name, org_country="SEN")).status_code == 302
    eoi = db.session.scalars(select(ExpressionOfInterest)).one()
    login("reviewer")
    assert _decide(client, eoi, "request_changes", "Please give your website.").status_code == 302
    db.session.expire_all()
    path = f"/my/{make_token('eoi', eoi.id, eoi.contact.email)}"
    data = {"org_name": name, "org_acronym": "", "org_stakeholder_group": "foundation", "org_country": "SEN",
            "org_website": "", "focal_name": "Awa Diop", "focal_email": eoi.contact.email, "focal_phone": "",
            "focus_areas": ["connect"], "contribution": "We fund community networks in West Africa.",
            "version": str(eoi.version), **edits}
    response = client.post(path + "/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    db.session.expire_all()
    return db.session.get(ExpressionOfInterest, eoi.id)


def test_a_stranger_editing_after_request_changes_cannot_rename_an_existing_member(client, login, builder):
    member = builder.organization(name="Connect Foundation", country_iso3="SEN", website="https://cf.example.org",
                                  stakeholder_group_code="foundation")
    pledges = [builder.pledge(lead=member, status=ReviewStatus.APPROVED) for _ in range(2)]
    db.session.commit()
    eoi = _join_then_edit(client, login, "CONNECT FOUNDATION",
                          {"org_name": "Evil Corp", "org_website": "https://phish.example",
                           "org_stakeholder_group": "private_sector", "org_country": "FRA"})
    assert eoi.organization_id == member.id and not eoi.creates_organization
    assert (eoi.proposed_name, eoi.proposed_website) == ("Evil Corp", "https://phish.example")
    org = db.session.get(Organization, member.id)
    assert (org.name, org.website, org.country_iso3, org.stakeholder_group_code) == (
        "Connect Foundation", "https://cf.example.org", "SEN", "foundation")
    for url in (f"/pledges/{pledges[0].reference}", f"/api/v1/pledges/{pledges[0].reference}",
                "/api/v1/organizations", "/pledges"):
        body = client.get(url).get_data(as_text=True)
        assert "Connect Foundation" in body and "Evil Corp" not in body and "phish" not in body, url
    # The reviewer sees the proposal; approving leaves the shared record as it is.
    page = client.get(f"/review/eoi/{eoi.id}").get_data(as_text=True)
    assert "Evil Corp" in page and "approving does not change it" in page
    assert _decide(client, eoi, "approve").status_code == 302
    db.session.expire_all()
    org = db.session.get(Organization, member.id)
    assert (org.name, org.website) == ("Connect Foundation", "https://cf.example.org")


def test_a_new_organization_gets_its_proposed_details_only_when_approved(client, login):
    eoi = _join_then_edit(client, login, "Brand New Network",
                          {"org_name": "Brand New Network International", "org_website": "bnn.example.org",
                           "org_stakeholder_group": "civil_society"})
    assert eoi.creates_organization
    org = db.session.get(Organization, eoi.organization_id)
    assert (org.name, org.website, org.stakeholder_group_code) == (
        "Brand New Network", "https://cf.example.org", "foundation")
    assert _decide(client, eoi, "approve").status_code == 302
    db.session.expire_all()
    org = db.session.get(Organization, eoi.organization_id)
    assert (org.name, org.website, org.stakeholder_group_code, org.is_member) == (
        "Brand New Network International", "https://bnn.example.org", "civil_society", True)
    assert org.name_key == "brandnewnetworkinternational"


def test_a_proposal_that_takes_another_organizations_name_is_refused_at_approval(client, login, builder):
    other = builder.organization(name="Taken Name", country_iso3="SEN")
    db.session.commit()
    eoi = _join_then_edit(client, login, "Fresh Org", {"org_name": "TAKEN NAME"})
    response = _decide(client, eoi, "approve")
    assert response.status_code == 400
    assert f"no. {other.id}" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ExpressionOfInterest, eoi.id).status == ReviewStatus.SUBMITTED
    assert db.session.get(Organization, eoi.organization_id).name == "Fresh Org"
