"""The OpenAPI document states the enums and ranges the write API enforces, taken from the same
schemas and reference pools: every documented enum refuses a value outside it (422 on that field)
and accepts one inside it; every documented number range refuses its bound."""

from __future__ import annotations

import copy

from p2c.api.openapi import build_spec
from tests.api.test_write_api import PLEDGE, auth, token  # noqa: F401 - fixture

ENUM_OUTSIDE = {"string": "ZZZ-not-a-code", "integer": 999}
ERROR_FIELD = {"shortcuts": "countries"}  # a country shortcut is reported with the countries


def _spec(app):
    with app.test_request_context():
        return build_spec()


def _resolve(spec, schema):
    ref = schema.get("$ref")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def _place(payload: dict, name: str, value, array: bool, in_target: bool) -> dict:
    changed = copy.deepcopy(payload)
    container = changed["targets"][0] if in_target else changed
    container[name] = [value] if array else value
    return changed


def test_the_pledge_body_documents_every_reference_field(app):
    spec = _spec(app)
    body = spec["components"]["schemas"]["PledgeInput"]["properties"]
    with_enum = {name for name, prop in body.items() if "enum" in prop or "enum" in prop.get("items", {})}
    assert {"focus_area", "pledge_type", "pillars", "countries", "shortcuts", "currency", "beneficiary_groups",
            "sdgs", "wsis_lines", "lead_country", "lead_stakeholder_group", "event", "language"} <= with_enum
    for name in ("amount",):
        assert body[name]["type"] == "number" and body[name]["minimum"] == 0 and body[name]["exclusiveMaximum"]
    target = spec["components"]["schemas"]["TargetInput"]["properties"]
    assert "enum" in target["indicator"] and target["value"]["maximum"] > 0
    report = spec["components"]["schemas"]["ProgressReportBody"]["properties"]
    assert report["beneficiaries"]["additionalProperties"] is False and report["beneficiaries"]["properties"]
    assert "usd_disbursed" not in report  # derived from the entries, never typed
    entry = spec["components"]["schemas"]["DisbursementEntry"]["properties"]
    assert entry["amount"]["exclusiveMaximum"] is True and entry["amount"]["minimum"] == 0
    assert entry["instrument"]["enum"] == ["grant", "loan", "equity", "guarantee", "in_kind", "other"]
    assert "enum" in entry["currency"]


def test_every_documented_enum_is_what_the_api_enforces(app, client, token):  # noqa: F811
    _row, secret = token
    spec = _spec(app)
    checked = 0
    for schema_name, in_target in (("PledgeInput", False), ("TargetInput", True)):
        for name, prop in spec["components"]["schemas"][schema_name]["properties"].items():
            array = prop.get("type") == "array"
            inner = prop.get("items", {}) if array else prop
            enum = [v for v in inner.get("enum", []) if v is not None]
            # consent is the one boolean; lead_* are replaced by the token's organization (documented).
            if not enum or name == "consent" or name.startswith("lead_"):
                continue
            outside = ENUM_OUTSIDE[inner.get("type", "string")]
            refused = client.post("/api/v1/pledges", json=_place(PLEDGE, name, outside, array, in_target),
                                  headers=auth(secret))
            assert refused.status_code == 422, (name, refused.status_code)
            errors = refused.get_json()["error"]["fields"]
            key = f"targets-0-{name}" if in_target else ERROR_FIELD.get(name, name)
            assert key in errors, (name, errors)
            checked += 1
    assert checked >= 11


def test_documented_number_ranges_refuse_their_bounds(app, client, token):  # noqa: F811
    _row, secret = token
    spec = _spec(app)
    amount = spec["components"]["schemas"]["PledgeInput"]["properties"]["amount"]
    for value in (-1, amount["maximum"]):
        response = client.post("/api/v1/pledges", json=dict(PLEDGE, amount=value), headers=auth(secret))
        assert response.status_code == 422 and "amount" in response.get_json()["error"]["fields"], value
    year = spec["components"]["schemas"]["TargetInput"]["properties"]["year"]
    for value in (year["minimum"] - 1, year["maximum"] + 1):
        body = copy.deepcopy(PLEDGE)
        body["targets"][0]["year"] = value
        response = client.post("/api/v1/pledges", json=body, headers=auth(secret))
        assert response.status_code == 422, value
