"""/join: calls for interest (open, closed, rolling), the expression of interest, abuse."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from p2c.core.enums import ReviewStatus
from p2c.core.models import AuditEvent, OutboxMessage
from p2c.extensions import db
from p2c.members.models import CallForInterest, Contact, ExpressionOfInterest, Organization
from tests.pledges.formdata import nonce, valid_eoi

TODAY = date.today()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def add_call(**kw) -> CallForInterest:
    values = {"title": "Call 2026", "opens_on": TODAY - timedelta(days=10), "closes_on": TODAY + timedelta(days=10)}
    values.update(kw)
    call = CallForInterest(**values)
    db.session.add(call)
    db.session.commit()
    return call


@pytest.fixture
def open_call():
    return add_call()


def test_no_call_says_closed(client):
    html = client.get("/join").get_data(as_text=True)
    assert "is closed" in html and 'name="org_name"' not in html
    assert "No date is set yet" in html


def test_closed_call_says_when_the_next_opens(client):
    add_call(title="Call 2021", opens_on=date(2021, 9, 1), closes_on=date(2021, 10, 31))
    add_call(title="Call 2027", opens_on=TODAY + timedelta(days=40), closes_on=TODAY + timedelta(days=80))
    html = client.get("/join").get_data(as_text=True)
    assert "Call 2021" in html and "October 31, 2021" in html
    # The call title is the team's text, marked with its language: compare the words, not the markup.
    assert "The next call, Call 2027, opens on" in re.sub(r"<[^>]+>", "", html)
    # Posting while closed saves nothing.
    client.post("/join", data=valid_eoi())
    assert count(ExpressionOfInterest) == 0


def test_rolling_call_accepts_after_its_close_date(client):
    call = add_call(title="Rolling", opens_on=date(2024, 1, 1), closes_on=date(2024, 12, 31), rolling=True)
    assert 'name="org_name"' in client.get("/join").get_data(as_text=True)
    assert client.post("/join", data=valid_eoi()).status_code == 302
    assert db.session.scalars(select(ExpressionOfInterest)).one().call_id == call.id


def test_valid_eoi_end_to_end(client, open_call):
    response = client.post("/join?lang=es", data=valid_eoi())
    assert response.status_code == 302
    eoi = db.session.scalars(select(ExpressionOfInterest)).one()
    assert re.fullmatch(r"EOI-\d{4}-\d{5}", eoi.reference)
    assert eoi.status == ReviewStatus.SUBMITTED and eoi.call_id == open_call.id
    assert sorted(fa.code for fa in eoi.focus_areas) == ["connect", "empower"]
    assert eoi.organization.name == "Connect Foundation" and not eoi.organization.is_member
    assert eoi.contact.email == "awa@example.org" and eoi.contact.language == "es"
    assert eoi.consent_public and eoi.organization.public_listing
    assert {e.action for e in db.session.scalars(select(AuditEvent))} == {"create"}
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.recipient == "awa@example.org" and mail.language == "es" and eoi.reference in mail.subject
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert eoi.reference in page and "awa@example.org" not in page


def test_existing_organization_is_linked(client, open_call, builder):
    # The identity is the name key with the country (issue 12): the record is in the form's country.
    org = builder.organization(name="Connect Foundation", is_member=False, country_iso3="SEN")
    db.session.commit()
    client.post("/join", data=valid_eoi(org_name="CONNECT FOUNDATION "))
    assert db.session.scalars(select(ExpressionOfInterest)).one().organization_id == org.id
    assert count(Organization) == 1


INVALID = [
    ("org_name", {"org_name": ""}), ("org_name", {"org_name": "x" * 251}),
    ("org_acronym", {"org_acronym": "x" * 41}),
    ("org_stakeholder_group", {"org_stakeholder_group": ""}),
    ("org_stakeholder_group", {"org_stakeholder_group": "martians"}),
    ("org_country", {"org_country": "ZZZ"}),
    ("org_website", {"org_website": "ftp://x"}), ("org_website", {"org_website": "no spaces allowed.org x"}),
    ("focal_name", {"focal_name": ""}), ("focal_title", {"focal_title": "x" * 201}),
    ("focal_email", {"focal_email": ""}), ("focal_email", {"focal_email": "not-an-address"}),
    ("focal_phone", {"focal_phone": "phone me"}),
    ("focus_areas", {"focus_areas": []}), ("focus_areas", {"focus_areas": ["moon"]}),
    ("contribution", {"contribution": ""}), ("contribution", {"contribution": "short"}),
    ("contribution", {"contribution": "x" * 3001}),
]


@pytest.mark.parametrize(("field", "change"), INVALID, ids=[f"{f}-{i}" for i, (f, _) in enumerate(INVALID)])
def test_invalid_field_is_reported_and_nothing_saved(client, open_call, field, change):
    response = client.post("/join", data=valid_eoi(**change))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#{field}"' in html and f'id="{field}-error"' in html
    assert count(ExpressionOfInterest) == 0 and count(Organization) == 0 and count(Contact) == 0
    assert count(OutboxMessage) == 0


def test_values_come_back(client, open_call):
    html = client.post("/join", data=valid_eoi(focal_email="bad", org_name="Keep me")).get_data(as_text=True)
    assert 'value="Keep me"' in html and "We fund community networks" in html
    assert re.search(r'value="empower"[^>]*checked', html)


def test_honeypot_and_double_submit(client, open_call):
    assert client.post("/join", data=valid_eoi(homepage="spam")).status_code == 400
    assert count(ExpressionOfInterest) == 0
    data = valid_eoi(form_nonce=nonce())
    first, second = client.post("/join", data=data), client.post("/join", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert count(ExpressionOfInterest) == 1


def test_member_search_returns_public_members_only(client, builder):
    builder.organization(name="Alpha Networks", acronym="AN", is_member=True)
    builder.organization(name="Alpha Hidden", is_member=True, public_listing=False)
    builder.organization(name="Alpha Applicant", is_member=False)
    db.session.commit()
    results = client.get("/organizations/search?q=alpha").get_json()["results"]
    assert [r["name"] for r in results] == ["Alpha Networks"]
    assert client.get("/organizations/search?q=%25").get_json()["results"] == []
