"""The HTML form and the API input schema refuse the same bad input, under the same field names."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from p2c.pledges.forms import PledgeForm
from p2c.pledges.schemas import PledgeInputSchema
from tests.pledges.formdata import valid_pledge

VALID_JSON = {
    "lead_name": "Acme Telecom", "lead_acronym": "ACME", "lead_stakeholder_group": "private_sector",
    "lead_country": "KEN", "lead_website": "acme.example.org", "partners": ["Friends of Connectivity"],
    "title": "Connect 200 rural schools",
    "description": "Acme Telecom commits to connect 200 schools in Malawi reaching 80,000 students by 2028.",
    "language": "en", "focus_area": "connect", "pillars": ["connect.infrastructure"], "pledge_type": "programmatic",
    "amount": "1,500,000", "currency": "EUR", "countries": ["MWI", "ZMB"], "shortcuts": [],
    "beneficiary_groups": ["youth"], "sdgs": [4, 9], "wsis_lines": ["C2"], "start_date": "2026-01-01",
    "end_date": "2028-12-31", "targets": [{"indicator": "schools_connected", "value": "200", "year": 2028}],
    "event": None, "focal_name": "Jane Doe", "focal_title": "Director", "focal_email": "jane@example.org",
    "focal_phone": "+41 22 730 5111", "consent": True,
}

# (field, form change, JSON change): the same mistake in each input format.
CASES = [
    ("lead_name", {"lead_name": ""}, {"lead_name": ""}),
    ("lead_name", {"lead_name": "x" * 251}, {"lead_name": "x" * 251}),
    ("lead_stakeholder_group", {"lead_stakeholder_group": "aliens"}, {"lead_stakeholder_group": "aliens"}),
    ("lead_country", {"lead_country": "XXX"}, {"lead_country": "XXX"}),
    ("lead_website", {"lead_website": "not a website"}, {"lead_website": "not a website"}),
    ("title", {"title": "abc"}, {"title": "abc"}),
    ("description", {"description": "short"}, {"description": "short"}),
    ("language", {"language": "de"}, {"language": "de"}),
    ("focus_area", {"focus_area": "moon"}, {"focus_area": "moon"}),
    ("pillars", {"pillars": []}, {"pillars": []}),
    ("pillars", {"pillars": ["empower.skills"]}, {"pillars": ["empower.skills"]}),
    ("pledge_type", {"pledge_type": "bribe"}, {"pledge_type": "bribe"}),
    ("amount", {"amount": "-1"}, {"amount": -1}),
    ("amount", {"amount": "10000000000000"}, {"amount": 10**13}),
    ("amount", {"amount": "NaN"}, {"amount": "NaN"}),
    ("amount", {"amount": "", "pledge_type": "financial"}, {"amount": None, "pledge_type": "financial"}),
    ("currency", {"currency": "XYZ"}, {"currency": "XYZ"}),
    ("currency", {"currency": "AFN"}, {"currency": "AFN"}),
    ("countries", {"countries": []}, {"countries": []}),
    ("countries", {"countries": ["XXX"]}, {"countries": ["XXX"]}),
    ("sdgs", {"sdgs": ["18"]}, {"sdgs": [18]}),
    ("wsis_lines", {"wsis_lines": ["C99"]}, {"wsis_lines": ["C99"]}),
    ("beneficiary_groups", {"beneficiary_groups": ["cats"]}, {"beneficiary_groups": ["cats"]}),
    ("start_date", {"start_date": "1999-01-01"}, {"start_date": "1999-01-01"}),
    ("end_date", {"end_date": "2025-01-01"}, {"end_date": "2025-01-01"}),
    ("event", {"event": "party"}, {"event": "party"}),
    ("targets-0-indicator", {"targets-0-indicator": "happiness"},
     {"targets": [{"indicator": "happiness", "value": 1, "year": 2028}]}),
    ("targets-0-value", {"targets-0-value": "-3"}, {"targets": [{"indicator": "schools_connected", "value": -3,
                                                                 "year": 2028}]}),
    ("targets-0-year", {"targets-0-year": "2050"}, {"targets": [{"indicator": "schools_connected", "value": 3,
                                                                 "year": 2050}]}),
    ("focal_email", {"focal_email": "jane"}, {"focal_email": "jane"}),
    ("focal_phone", {"focal_phone": "call me"}, {"focal_phone": "call me"}),
    ("consent", {"consent": None}, {"consent": False}),
]


def form_errors(data: dict) -> set[str]:
    form = PledgeForm(formdata=MultiDict([(k, v) for k, vs in data.items()
                                          for v in (vs if isinstance(vs, list) else [vs])]))
    assert not form.validate()
    return {field_id for field_id, _ in form.error_list()}


def schema_errors(payload: dict) -> set[str]:
    with pytest.raises(ValidationError) as info:
        PledgeInputSchema().load(payload)
    flat: set[str] = set()
    for key, value in info.value.messages.items():
        if key == "targets" and isinstance(value, dict):
            for index, row in value.items():
                flat |= {f"targets-{index}-{sub}" for sub in row}
        else:
            flat.add(key)
    return flat


def test_valid_input_is_accepted_by_both_and_gives_the_same_data(app):
    with app.test_request_context():
        form = PledgeForm(formdata=MultiDict([(k, v) for k, vs in valid_pledge().items()
                                              for v in (vs if isinstance(vs, list) else [vs])]))
        assert form.validate(), form.errors
        loaded = PledgeInputSchema().load(VALID_JSON)
        from_form = form.cleaned
        for key in ("title", "pillars", "amount", "currency", "countries", "is_global", "start_date", "targets",
                    "focal_point"):
            assert loaded[key] == from_form[key], key


@pytest.mark.parametrize(("field", "form_change", "json_change"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_form_and_schema_refuse_the_same_input(app, field, form_change, json_change):
    with app.test_request_context():
        assert field in form_errors(valid_pledge(**form_change))
        assert field in schema_errors({**VALID_JSON, **json_change})
