"""The public pledge form: the valid path end to end, every field's invalid cases, values kept, abuse."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from p2c.core.enums import ReviewStatus
from p2c.core.models import AuditEvent, IdempotencyKey, OutboxMessage
from p2c.extensions import db
from p2c.members.models import Contact, Organization
from p2c.pledges.models import Pledge
from tests.pledges.formdata import nonce, valid_pledge


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def summary_links(html: str) -> dict[str, str]:
    """Error summary entries: field id -> message."""
    return dict(re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', html))


def test_form_page_shows_every_section(client):
    html = client.get("/pledges/new").get_data(as_text=True)
    for needle in ('name="lead_name"', 'name="partners"', 'name="title"', 'name="description"', 'name="language"',
                   'name="focus_area"', 'name="pillars"', 'name="pledge_type"', 'name="amount"',
                   'name="currency"', 'name="shortcuts"', 'name="countries"', 'name="beneficiary_groups"',
                   'name="sdgs"', 'name="wsis_lines"', 'name="start_date"', 'name="end_date"',
                   'name="targets-2-indicator"', 'name="event"', 'name="focal_email"', 'name="consent"',
                   'name="form_nonce"', 'name="homepage"', "commits to [action] in [countries]"):
        assert needle in html, needle
    # Pillars of every area are on the page, grouped, so they work without JavaScript.
    assert html.count('class="pillar-group"') == 4
    assert 'data-rates="{' in html and "&#34;EUR&#34;" in html


def test_valid_pledge_is_saved_with_usd_value_flags_and_mail(client):
    response = client.post("/pledges/new", data=valid_pledge())
    assert response.status_code == 302
    pledge = db.session.scalars(select(Pledge)).one()
    assert response.headers["Location"].endswith(f"/pledges/submitted/{pledge.reference}")
    assert re.fullmatch(r"P2C-\d{4}-\d{5}", pledge.reference)
    assert pledge.status == ReviewStatus.SUBMITTED
    assert pledge.amount == Decimal("1500000.00") and pledge.currency_code == "EUR"
    assert pledge.usd_value == (pledge.amount * pledge.usd_rate).quantize(Decimal("0.01"))
    assert pledge.usd_rate_year == pledge.pledged_on.year
    assert sorted(c.iso3 for c in pledge.countries) == ["MWI", "ZMB"]
    assert pledge.targets_ldc and pledge.targets_lldc and not pledge.targets_sids
    assert pledge.start_year == 2026 and pledge.focus_area_code == "connect"
    assert [p.code for p in pledge.pillars] == ["connect.infrastructure"]
    assert sorted(s.number for s in pledge.sdgs) == [4, 9]
    assert [(t.indicator_code, t.target_value, t.target_year) for t in pledge.targets] == [
        ("schools_connected", Decimal("200.00"), 2028)]
    assert sorted(o.name for o in pledge.partners) == ["Friends of Connectivity", "SchoolNet Africa"]
    assert pledge.lead_organization.website == "https://acme.example.org"
    assert pledge.focal_point.email == "jane@example.org" and pledge.focal_point.language == "en"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "pledge")).all()
    assert [e.action for e in events] == ["create"]
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.recipient == "jane@example.org" and pledge.reference in mail.subject
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert pledge.reference in page and "Submitted" in page
    assert "jane@example.org" not in page  # only a masked address


def test_confirmation_page_is_only_for_the_browser_that_submitted(client, app):
    response = client.post("/pledges/new", data=valid_pledge())
    other = app.test_client()
    assert other.get(response.headers["Location"]).status_code == 404


def test_ui_language_goes_to_the_contact_and_text_language_to_the_pledge(client):
    client.post("/pledges/new?lang=fr", data=valid_pledge(language="es"))
    pledge = db.session.scalars(select(Pledge)).one()
    assert pledge.language == "es"
    assert pledge.focal_point.language == "fr"
    assert db.session.scalars(select(OutboxMessage)).one().language == "fr"


def test_existing_member_is_linked_not_duplicated(client, builder):
    member = builder.organization(name="Global Connect Alliance")
    db.session.commit()
    response = client.post("/pledges/new", data=valid_pledge(lead_name="global connect alliance",
                                                             lead_stakeholder_group="", lead_country=""))
    assert response.status_code == 302
    pledge = db.session.scalars(select(Pledge)).one()
    assert pledge.lead_organization_id == member.id


def test_shortcuts_resolve_server_side(client):
    response = client.post("/pledges/new", data=valid_pledge(countries=[], shortcuts=["sids", "region:ARB"]))
    assert response.status_code == 302
    pledge = db.session.scalars(select(Pledge)).one()
    codes = {c.iso3 for c in pledge.countries}
    assert {"FJI", "EGY", "SAU"} <= codes and pledge.targets_sids and not pledge.is_global


def test_global_pledge_needs_no_country(client):
    assert client.post("/pledges/new", data=valid_pledge(countries=[], shortcuts=["global"])).status_code == 302
    pledge = db.session.scalars(select(Pledge)).one()
    assert pledge.is_global and pledge.countries == []


def test_advocacy_pledge_without_amount(client):
    assert client.post("/pledges/new", data=valid_pledge(amount="", pledge_type="advocacy")).status_code == 302
    pledge = db.session.scalars(select(Pledge)).one()
    assert pledge.amount is None and pledge.usd_value is None and pledge.currency_code is None


def test_preview_checks_without_saving_and_shows_usd(client):
    response = client.post("/pledges/new", data=valid_pledge(action="preview"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Everything looks right" in html and "at the 20" in html and "average exchange rate" in html
    assert count(Pledge) == 0 and count(OutboxMessage) == 0


INVALID = [
    ("lead_name", {"lead_name": ""}),
    ("lead_name", {"lead_name": "x" * 251}),
    ("lead_acronym", {"lead_acronym": "x" * 41}),
    ("lead_stakeholder_group", {"lead_stakeholder_group": ""}),
    ("lead_stakeholder_group", {"lead_stakeholder_group": "aliens"}),
    ("lead_country", {"lead_country": "XXX"}),
    ("lead_website", {"lead_website": "not a website"}),
    ("lead_website", {"lead_website": "javascript:alert(1)"}),
    ("partners", {"partners": "\n".join(f"Partner {i}" for i in range(21))}),
    ("title", {"title": ""}),
    ("title", {"title": "abc"}),
    ("title", {"title": "x" * 301}),
    ("description", {"description": ""}),
    ("description", {"description": "too short"}),
    ("description", {"description": "x" * 5001}),
    ("language", {"language": "de"}),
    ("focus_area", {"focus_area": ""}),
    ("focus_area", {"focus_area": "moon"}),
    ("pillars", {"pillars": []}),
    ("pillars", {"pillars": ["empower.skills"]}),
    ("pillars", {"pillars": ["nope"]}),
    ("pledge_type", {"pledge_type": ""}),
    ("pledge_type", {"pledge_type": "bribe"}),
    ("amount", {"amount": "-5"}),
    ("amount", {"amount": "10000000000000"}),
    ("amount", {"amount": "1e9"}),
    ("amount", {"amount": "NaN"}),
    ("amount", {"amount": "lots"}),
    ("amount", {"amount": "", "pledge_type": "financial"}),
    ("currency", {"currency": "XYZ"}),
    ("currency", {"currency": "AFN"}),  # a real currency without an exchange rate
    ("countries", {"countries": []}),
    ("countries", {"countries": ["XXX"]}),
    ("countries", {"countries": [], "shortcuts": ["region:MARS"]}),
    ("beneficiary_groups", {"beneficiary_groups": ["cats"]}),
    ("sdgs", {"sdgs": ["18"]}),
    ("sdgs", {"sdgs": ["abc"]}),
    ("wsis_lines", {"wsis_lines": ["C99"]}),
    ("start_date", {"start_date": ""}),
    ("start_date", {"start_date": "2026-02-30"}),
    ("start_date", {"start_date": "1999-01-01"}),
    ("end_date", {"end_date": "2025-12-31"}),
    ("end_date", {"end_date": "2041-01-01"}),
    ("targets-0-indicator", {"targets-0-indicator": ""}),
    ("targets-0-indicator", {"targets-0-indicator": "happiness"}),
    ("targets-0-indicator", {"targets-0-indicator": "", "targets-0-value": "", "targets-0-year": ""}),
    ("targets-0-value", {"targets-0-value": ""}),
    ("targets-0-value", {"targets-0-value": "-1"}),
    ("targets-0-value", {"targets-0-value": "1" * 17}),
    ("targets-0-year", {"targets-0-year": "2019"}),
    ("targets-0-year", {"targets-0-year": "soon"}),
    ("targets-0-baseline", {"targets-0-baseline": "some"}),
    ("event", {"event": "party"}),
    ("focal_name", {"focal_name": ""}),
    ("focal_title", {"focal_title": "x" * 201}),
    ("focal_email", {"focal_email": ""}),
    ("focal_email", {"focal_email": "jane"}),
    ("focal_email", {"focal_email": "jane@"}),
    ("focal_email", {"focal_email": "a@b@c.org"}),
    ("focal_phone", {"focal_phone": "call me maybe"}),
    ("focal_phone", {"focal_phone": "1" * 41}),
    ("consent", {"consent": None}),
]


@pytest.mark.parametrize(("field", "change"), INVALID, ids=[f"{f}-{i}" for i, (f, _) in enumerate(INVALID)])
def test_invalid_field_is_reported_next_to_it_and_nothing_saved(client, field, change):
    data = valid_pledge(**change)
    response = client.post("/pledges/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    links = summary_links(html)
    assert field in links, (field, links)
    assert len(links) <= 2, links  # only the broken field (and at most one rule that follows from it)
    # The message is next to the field too.
    assert f'id="{field}-error"' in html or f'id="{field}"' in html
    assert count(Pledge) == 0 and count(Organization) == 0 and count(Contact) == 0
    assert count(OutboxMessage) == 0 and count(IdempotencyKey) == 0 and count(AuditEvent) == 0


def test_every_value_comes_back_after_an_error(client):
    data = valid_pledge(focal_email="broken", title="My unique title 123", amount="2 500,50",
                        partners="Alpha\nBeta", shortcuts=["ldc"], countries=["KEN"],
                        **{"targets-1-indicator": "people_trained", "targets-1-value": "5000",
                           "targets-1-year": "2027"})
    html = client.post("/pledges/new", data=data).get_data(as_text=True)
    assert 'value="My unique title 123"' in html
    assert 'value="2 500,50"' in html
    assert "Alpha\nBeta" in html
    assert re.search(r'value="connect.infrastructure"[^>]*checked', html)
    assert re.search(r'name="pledge_type" value="programmatic"[^>]*checked', html)
    assert re.search(r'value="KEN"[^>]*checked', html)
    # The LDC shortcut came back as the countries it stands for (Malawi is an LDC).
    assert re.search(r'value="MWI"[^>]*checked', html)
    assert re.search(r'<option selected value="people_trained">', html)
    assert 'value="5000"' in html and 'value="2026-01-01"' in html
    assert "About" in html and "2,500.50" not in html  # USD estimate shown for 2500.50 EUR
    assert count(Pledge) == 0


def test_hostile_text_is_stored_as_text_and_escaped(client):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    data = valid_pledge(title="Pledge " + script, description="We commit " + script + " to connect people.",
                        lead_name="Org " + script, focal_name="\x00Jane" + script)
    response = client.post("/pledges/new", data=data)
    assert response.status_code == 302
    pledge = db.session.scalars(select(Pledge)).one()
    assert pledge.title == "Pledge " + script
    assert "\x00" not in pledge.focal_point.name
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_honeypot_saves_nothing(client):
    response = client.post("/pledges/new", data=valid_pledge(homepage="http://spam.example"))
    assert response.status_code == 400
    assert count(Pledge) == 0 and count(OutboxMessage) == 0


def test_double_submit_creates_one_pledge(client):
    data = valid_pledge(form_nonce=nonce())
    first = client.post("/pledges/new", data=data)
    second = client.post("/pledges/new", data=data)
    third = client.post("/pledges/new", data={**data, "title": "Changed after going back"})
    assert first.status_code == second.status_code == third.status_code == 302
    assert first.headers["Location"] == second.headers["Location"] == third.headers["Location"]
    assert count(Pledge) == 1 and count(OutboxMessage) == 1


def test_tampered_nonce_is_replaced_not_an_error(client):
    assert client.post("/pledges/new", data=valid_pledge(form_nonce="<bad>")).status_code == 302
    assert count(Pledge) == 1


def test_request_too_large_gets_a_clear_page(client, app):
    response = client.post("/pledges/new", data=valid_pledge(description="x" * (app.config["MAX_CONTENT_LENGTH"] + 10)))
    assert response.status_code == 413
    assert "larger than we accept" in response.get_data(as_text=True)
    assert count(Pledge) == 0


def test_csrf_failure_keeps_the_form_and_saves_nothing(client, app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/pledges/new", data=valid_pledge(title="Kept after CSRF"))
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Your session expired" in html and 'value="Kept after CSRF"' in html
        assert count(Pledge) == 0
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        assert client.post("/pledges/new", data=valid_pledge(csrf_token=token)).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert count(Pledge) == 1


def test_arabic_form_is_right_to_left_with_translated_attributes(client):
    html = client.get("/pledges/new?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert '<option selected value="ar">' in html  # the text language defaults to the reader's


def test_simultaneous_double_submit_keeps_the_first(client, monkeypatch):
    """Two requests with one nonce at the same moment: the second's insert of the nonce collides at the
    database, is rolled back, and the person sees the first pledge."""
    data = valid_pledge(form_nonce=nonce())
    first = client.post("/pledges/new", data=data)
    # The second request does not see the first one's nonce in time (as in a real race).
    monkeypatch.setattr("p2c.members.queries.idempotent_result", lambda scope, key: None)
    second = client.post("/pledges/new", data=data)
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    assert count(Pledge) == 1 and count(OutboxMessage) == 1


def test_largest_allowed_amount_in_a_strong_currency_is_saved(client):
    # Just below 10^13 EUR is more than 10^13 USD: the USD column must hold it (PostgreSQL refused it once).
    response = client.post("/pledges/new", data=valid_pledge(amount="9999999999999", currency="EUR"))
    assert response.status_code == 302
    pledge = db.session.scalars(select(Pledge)).one()
    assert pledge.usd_value > Decimal("10") ** 13
    assert pledge.usd_value == (pledge.amount * pledge.usd_rate).quantize(Decimal("0.01"))
