"""The API's one error format, `{"error": {"status", "title", "message", "fields"?}}` (openapi.ErrorSchema).

Every feature's `api.py` answers a refusal with `error`, a bad query with `bad_request` and a
service's refusal with `service_error`; the app-wide handlers in `p2c.core.errors` use the same
shape for 404, 405, 429, 500 and 503 under /api.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import gettext as _

from p2c.core.errors import ServiceError


def plain_keys(value: Any) -> Any:
    """marshmallow keys list items by index (int) next to names (str): JSON needs one key type to sort."""
    if isinstance(value, dict):
        return {str(k): plain_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_keys(v) for v in value]
    return value


def error(status: int, message: str, field_errors: dict | None = None, title: str | None = None):
    """A JSON error response in the API's one format; 401 adds the WWW-Authenticate challenge."""
    titles = {401: _("Authentication required"), 403: _("Access denied"), 404: _("Not found"),
              409: _("Conflict"), 422: _("Invalid input")}
    body: dict[str, Any] = {"status": status, "title": title or titles.get(status, _("Error")), "message": message}
    if field_errors is not None:
        body["fields"] = plain_keys(field_errors)
    response = jsonify({"error": body})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="p2c"'
    return response


def bad_request(errors: dict):
    """A 400 answer naming the invalid query parameters."""
    return error(400, _("Some parameters are not valid."), errors, title=_("Bad request"))


def service_error(exc: ServiceError):
    """A service's refusal in the API's format: one naming a field is invalid input (422 with `fields`)."""
    if exc.field:
        return error(422, exc.message, {exc.field: [exc.message]})
    return error(exc.status_code, exc.message)
