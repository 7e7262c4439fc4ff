"""The OpenAPI document, the error format it documents, and the self-hosted documentation page."""

from __future__ import annotations

import pytest

from p2c.api.blueprint import ENDPOINTS
from p2c.api.openapi import ERROR_DESCRIPTIONS


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_every_registered_endpoint_is_documented(spec):
    assert spec["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    assert {(e.path, e.method) for e in ENDPOINTS} <= documented
    for path in ("/pledges", "/pledges/{ref}", "/organizations", "/progress", "/pledges/{ref}/progress-reports",
                 "/events", "/events/{slug}", "/regional-initiatives"):
        assert path in spec["paths"]
    events = spec["paths"]["/events"]["get"]
    assert {p["name"] for p in events["parameters"]} == {"kind", "year", "status", "page", "limit"}
    assert {"200", "400"} <= set(events["responses"])
    assert {"200", "404"} <= set(spec["paths"]["/events/{slug}"]["get"]["responses"])
    detail = spec["components"]["schemas"]["EventDetail"]["properties"]
    assert {"by_focus_area", "references", "since", "starts_on", "location", "kind"} <= set(detail)
    assert [p["name"] for p in spec["paths"]["/regional-initiatives"]["get"]["parameters"]] == ["region"]
    write = spec["paths"]["/pledges"]["post"]
    assert write["security"] == [{"bearerAuth": []}]
    assert write["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/PledgeInput")
    assert {"201", "401", "422", "429"} <= set(write["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in write["parameters"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_error_format_is_documented_for_every_status(spec):
    responses = spec["components"]["responses"]
    for code in (400, 401, 403, 404, 405, 409, 413, 422, 429, 500):
        assert code in ERROR_DESCRIPTIONS
        schema = responses[f"Error{code}"]["content"]["application/json"]["schema"]
        assert schema["$ref"] == "#/components/schemas/Error"
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]


def test_numeric_bounds_are_numbers(spec):
    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("minimum", "maximum"):
                    assert isinstance(value, int | float), (key, value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)


@pytest.mark.parametrize(("method", "url", "status"), [
    ("get", "/api/v1/nope", 404), ("delete", "/api/v1/pledges", 405), ("get", "/api/v1/pledges?limit=0", 400),
])
def test_errors_follow_the_documented_format(client, method, url, status):
    response = getattr(client, method)(url)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["status"] == status and error["title"] and isinstance(error["message"], str)


def test_too_large_bodies_get_413_json(app, client, builder):
    from p2c.api.services import issue_token
    from p2c.extensions import db

    _token, secret = issue_token(builder.organization(), "big")
    db.session.commit()
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 100
    try:
        response = client.post("/api/v1/pledges", data="x" * 500, headers={
            "Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old
    assert response.status_code == 413
    assert response.get_json()["error"]["status"] == 413


def test_docs_page_is_served_by_the_app_without_inline_scripts(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in html and "/static/js/api-docs.js" in html
    assert "<script>" not in html and "cdn" not in html.lower()
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and b"SwaggerUIBundle" in asset.get_data()
    assert client.get("/api/v1/docs/assets/index.html").status_code == 404
    assert client.get("/api/v1/docs/assets/../../../etc/passwd").status_code == 404
    assert client.get("/static/js/api-docs.js").status_code == 200


def test_amounts_are_documented_alike_as_exact_decimal_strings(spec):
    """US dollar amounts are exact strings ("2500000.00") on every endpoint, documented with one type
    (review of issue 15: the regional initiatives' `usd_value` was a plain string)."""
    schemas = spec["components"]["schemas"]
    amounts = {name: schema["properties"]["usd_value"] for name, schema in schemas.items()
               if name in ("Initiative", "Event", "EventDetail", "FocusAreaFigures")}
    assert set(amounts) == {"Initiative", "Event", "EventDetail", "FocusAreaFigures"}, sorted(schemas)
    assert {(a["type"], a["format"]) for a in amounts.values()} == {("string", "decimal")}
