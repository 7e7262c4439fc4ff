"""The OpenAPI 3 document, generated from `ENDPOINTS` and the marshmallow schemas, and the docs page.

`/api/v1/openapi.json` is built once per process (the registry does not change after start-up);
`/api/v1/docs` is Swagger UI served from the `swagger-ui-bundle` package (no CDN) with our own
init script in `static/js/api-docs.js` (the CSP forbids inline scripts).
"""

from __future__ import annotations

import re
import time
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import abort, current_app, jsonify, render_template, send_from_directory
from marshmallow import Schema, fields, validate

from p2c.api.blueprint import ENDPOINTS, EndpointDoc, bp
from p2c.core.fields import DecimalString

OPENAPI_VERSION = "3.0.3"
SWAGGER_FILES = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"}

ERROR_DESCRIPTIONS = {
    400: "Bad request: a query parameter is not valid (`fields` names them), or the body holds a null character.",
    401: "Missing, unknown or revoked API token (send `Authorization: Bearer <token>`).",
    403: "The token's organization may not act on this record.",
    404: "No such record (or not public).",
    405: "Method not allowed on this path.",
    409: "Conflict: the Idempotency-Key was used with a different request, or the record changed.",
    413: "The request body is larger than the server accepts.",
    414: "The URL (path and query) is longer than the server accepts (4,096 characters by default).",
    422: "Invalid input: `fields` maps each field to its messages (nested fields as nested objects).",
    429: "Too many requests for this token; retry after the `Retry-After` seconds.",
    500: "Unexpected server error (logged).",
    503: "The database is unavailable for a moment; nothing was saved. Retry later.",
}


class ErrorDetailSchema(Schema):
    """The body of every error."""

    status = fields.Integer(required=True, metadata={"description": "HTTP status code"})
    title = fields.String(required=True, metadata={"description": "short title, in the reader's language"})
    message = fields.String(required=True, metadata={"description": "what happened and what to do"})
    fields_ = fields.Dict(data_key="fields", metadata={"description": "per-field messages (400 and 422)"})


class ErrorSchema(Schema):
    """Every API error: `{"error": {"status", "title", "message", "fields"?}}`."""

    error = fields.Nested(ErrorDetailSchema, required=True)


def _schema_name(schema: Any) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    return name[: -len("Schema")] if name.endswith("Schema") and name != "Schema" else name


def _operation(doc: EndpointDoc) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": doc.summary, "tags": doc.tags, "responses": {}}
    if doc.description:
        op["description"] = doc.description
    params: list[dict[str, Any]] = [
        {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)}", doc.path)
    ]
    if doc.query_schema is not None:
        params.append({"in": "query", "schema": doc.query_schema})
    if doc.auth:
        params.append({"in": "header", "name": "Idempotency-Key", "required": False,
                       "description": "Any unique string (up to 100 characters): a retried request with the "
                                      "same key returns the first response and creates nothing new.",
                       "schema": {"type": "string", "maxLength": 100}})
        op["security"] = [{"bearerAuth": []}]
    if params:
        op["parameters"] = params
    if doc.body_schema is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": doc.body_schema}}}
    codes = dict(doc.responses)
    codes.setdefault(414, None)
    codes.setdefault(500, None)
    codes.setdefault(503, None)
    if doc.auth:
        for code in (400, 401, 413, 422, 429):  # 400: a body the server refuses before parsing (NUL)
            codes.setdefault(code, None)
    for code, schema in sorted(codes.items()):
        if code >= 400:
            op["responses"][str(code)] = {"$ref": f"#/components/responses/Error{code}"}
        elif schema is None:
            op["responses"][str(code)] = {"description": "OK"}
        else:
            op["responses"][str(code)] = {"description": "OK",
                                          "content": {"application/json": {"schema": schema}}}
    return op


def _field_limits(self, field: fields.Field, **kwargs: Any) -> dict[str, Any]:
    """Limits a field states in its metadata and apispec cannot see in its validators: `codes` (a
    callable giving the reference codes the shared rules accept: an enum; on a Dict, the allowed keys)
    and `range` (a custom number field's type and bounds)."""
    extra: dict[str, Any] = {}
    source = field.metadata.get("codes")
    if callable(source):
        values = list(source())
        if isinstance(field, fields.Dict):
            value_schema = self.field2property(field.value_field) if field.value_field else {}
            extra["properties"] = {str(code): value_schema for code in values}
            extra["additionalProperties"] = False
        else:
            extra["enum"] = values + ([None] if field.allow_none else [])
    for validator in field.validators:  # apispec writes Range bounds, not whether they are inclusive (3.0)
        if isinstance(validator, validate.Range):
            if validator.min is not None and not validator.min_inclusive:
                extra["exclusiveMinimum"] = True
            if validator.max is not None and not validator.max_inclusive:
                extra["exclusiveMaximum"] = True
    limits = field.metadata.get("range")
    if isinstance(limits, dict):
        extra.update(limits)
    return extra


def build_spec() -> dict[str, Any]:
    """The OpenAPI document as a dict (reads the reference codes: call it inside a request or app context)."""
    plugin = MarshmallowPlugin(schema_name_resolver=_schema_name)
    spec = APISpec(
        title="Partner2Connect API",
        version="1.0.0",
        openapi_version=OPENAPI_VERSION,
        plugins=[plugin],
        info={"description": (
            "Open data of the Partner2Connect Digital Coalition: approved pledges, organizations and the "
            "progress figures (read, no authentication), and a write API for partner organizations "
            "(bearer token issued by the coalition team). Contact data is never returned. Data licence: "
            "CC BY 4.0. Errors always have the shape of the Error schema."),
            "license": {"name": "CC BY 4.0 (data)", "url": "https://creativecommons.org/licenses/by/4.0/"}},
        servers=[{"url": "/api/v1"}],
    )
    plugin.converter.add_attribute_function(_field_limits)
    # Exact amounts are strings ("2500000.00", never a float): "decimal" says so to client generators.
    plugin.map_to_openapi_type(DecimalString, "string", "decimal")
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                   "description": "API token issued by a coalition admin"})
    spec.components.schema("Error", schema=ErrorSchema)
    for code, text in ERROR_DESCRIPTIONS.items():
        spec.components.response(f"Error{code}", {
            "description": text, "content": {"application/json": {"schema": "Error"}}})
    by_path: dict[str, dict[str, Any]] = {}
    for doc in ENDPOINTS:
        by_path.setdefault(doc.path, {})[doc.method] = _operation(doc)
    for path, operations in sorted(by_path.items()):
        spec.path(path=path, operations=operations)
    return _numeric_bounds(spec.to_dict())


_BOUNDS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}


def _numeric_bounds(node: Any) -> Any:
    """apispec writes Decimal range bounds as strings ("0.00"); JSON Schema needs numbers."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in _BOUNDS and isinstance(value, str):
                number = float(value)
                value = int(number) if number.is_integer() else number
            out[key] = _numeric_bounds(value)
        return out
    if isinstance(node, list):
        return [_numeric_bounds(v) for v in node]
    return node


_SPEC: dict[str, Any] = {}


def _cached_spec() -> dict[str, Any]:
    # Rebuilt after the cache lifetime: the enums come from reference data an admin may edit.
    now = time.monotonic()
    if not _SPEC or now - _SPEC["built"] > current_app.config["CACHE_TTL_SECONDS"]:
        _SPEC.update(built=now, spec=build_spec())
    return _SPEC["spec"]


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3 document."""
    response = jsonify(_cached_spec())
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/docs")
def docs():
    """Browsable API documentation (Swagger UI, served from the installed package)."""
    return render_template("api/docs.html", current_app_endpoints=set(current_app.view_functions))


@bp.get("/docs/assets/<path:filename>")
def docs_asset(filename: str):
    """Swagger UI's own files, from the swagger-ui-bundle package."""
    if filename not in SWAGGER_FILES:
        abort(404)
    import swagger_ui_bundle

    response = send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)
    if current_app.debug:
        response.cache_control.max_age = 0
    return response
