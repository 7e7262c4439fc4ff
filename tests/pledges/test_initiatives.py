"""A pledge aligned with WTDC-25 regional initiatives: the form offers them (the regions of the target
countries first, open), saves them, refuses unknown or retired codes like the API schema, and the
focal point's edit form keeps them."""

from __future__ import annotations

import re

from marshmallow import ValidationError
from sqlalchemy import select

from p2c.extensions import db
from p2c.pledges.models import Pledge
from p2c.pledges.prefill import initial_data
from p2c.pledges.schemas import PledgeInputSchema
from p2c.reference.initiatives import RegionalInitiative
from tests.pledges.formdata import valid_pledge
from tests.pledges.test_form_schema import VALID_JSON


def _open_regions(html: str) -> list[str]:
    return re.findall(r'<details class="initiative-group" data-region="([A-Z]{3})" open>', html)


def _regions(html: str) -> list[str]:
    return re.findall(r'<details class="initiative-group" data-region="([A-Z]{3})"', html)


def test_form_offers_every_active_initiative_grouped_by_region(client):
    html = client.get("/pledges/new?lang=en").get_data(as_text=True)
    assert html.count('name="initiatives"') == 31
    assert _regions(html) == ["AFR", "AMS", "ARB", "ASP", "CIS", "EUR"] and _open_regions(html) == []
    assert ('<strong><bdi>ARB6</bdi></strong> <span class="user-text" lang="en" dir="ltr">Innovation ecosystems and '
            'emerging technologies</span>') in html


def test_regions_of_the_target_countries_come_first_after_a_refused_post(client):
    # Malawi and Zambia (AFR) plus France (EUR); the post is refused (no title) and shown again.
    html = client.post("/pledges/new?lang=en", data=valid_pledge(
        title="", countries=["MWI", "ZMB", "FRA"], initiatives=["EUR3"])).get_data(as_text=True)
    assert _regions(html)[:2] == ["AFR", "EUR"] and _open_regions(html) == ["AFR", "EUR"]
    assert 'value="EUR3" id="initiatives-EUR3" checked' in html


def test_initiatives_are_saved_shown_to_the_reviewer_and_again_for_editing(client, login):
    response = client.post("/pledges/new", data=valid_pledge(initiatives=["AFR1", "AFR4"]))
    assert response.status_code == 302
    pledge = db.session.scalars(select(Pledge)).one()
    assert [i.code for i in pledge.initiatives] == ["AFR1", "AFR4"]
    assert initial_data(pledge)["initiatives"] == ["AFR1", "AFR4"]
    login("reviewer")
    page = client.get(f"/review/pledge/{pledge.id}?lang=en").get_data(as_text=True)
    assert "<dt>WTDC-25 regional initiatives</dt><dd>AFR1, AFR4</dd>" in page


def test_unknown_and_retired_initiatives_are_refused_by_form_and_schema(client, app):
    retired = db.session.get(RegionalInitiative, "CIS5")
    retired.active = False
    db.session.commit()
    try:
        for codes in (["XYZ9"], ["CIS5"]):
            response = client.post("/pledges/new?lang=en", data=valid_pledge(initiatives=codes))
            assert response.status_code == 422
            assert "Choose from the list." in response.get_data(as_text=True)
            with app.test_request_context():
                try:
                    PledgeInputSchema().load({**VALID_JSON, "initiatives": codes})
                except ValidationError as exc:
                    assert exc.messages["initiatives"] == ["Choose regional initiatives from the list."]
                else:
                    raise AssertionError("accepted")
        assert db.session.scalar(select(db.func.count()).select_from(Pledge)) == 0
        with app.test_request_context():
            assert PledgeInputSchema().load({**VALID_JSON, "initiatives": ["AMS2"]})["initiatives"] == ["AMS2"]
    finally:
        db.session.get(RegionalInitiative, "CIS5").active = True
        db.session.commit()
