"""Plumbing of the write API, used by each feature's write endpoints (`p2c/<feature>/api.py`).

Bearer token (issued by an admin to one organization), rate limit per token, `Idempotency-Key` for
safe retries. A write endpoint is decorated `@unit_of_work(on_integrity_error=replay_first)`, so
it commits once; `prepare()` authenticates (recording the token's use in the same transaction) and
answers a replay; `refused()` answers a service's refusal; `created()` the 201.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import Response, current_app, g, jsonify, request
from flask_babel import gettext as _

from p2c.api import queries, services
from p2c.api.errors import error, service_error
from p2c.api.models import ApiToken
from p2c.core.errors import ServiceError

IDEMPOTENCY_KEY_MAX = 100


def bearer() -> str:
    """The token sent as `Authorization: Bearer <token>`, or ""."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def rate_limit_key() -> str:
    """Limits count per token (hashed), falling back to the client address without one."""
    raw = bearer()
    return "token:" + queries.hash_token(raw)[:32] if raw else "addr:" + (request.remote_addr or "")


def write_limit() -> str:
    """The write endpoints' rate limit per token (API_WRITE_RATE_LIMIT, default 120 per minute)."""
    return current_app.config.get("API_WRITE_RATE_LIMIT", "120 per minute")


def authenticate() -> ApiToken | None:
    """The active token of this request (also kept on `g.api_token`), or None."""
    token = queries.active_token(bearer())
    g.api_token = token
    return token


def fingerprint() -> str:
    """SHA-256 of method, path and body: a retried key must come with the same request."""
    return hashlib.sha256(request.method.encode() + request.path.encode() + b"\n" + request.get_data()).hexdigest()


def replay(token: ApiToken, key: str):
    """The stored response for this token's Idempotency-Key (409 if the request differs), or None."""
    stored = queries.stored_response(token.organization_id, key)
    if stored is None or not stored.response:
        return None
    if stored.response.get("fingerprint") != fingerprint():
        return error(409, _("This Idempotency-Key was already used for a different request."))
    response = jsonify(stored.response["body"])
    response.status_code = stored.response["status"]
    response.headers["Location"] = stored.response.get("location", "")
    response.headers["Idempotent-Replayed"] = "true"
    return response


@dataclass(frozen=True)
class WriteRequest:
    """An authenticated write: the token, its Idempotency-Key (if sent) and the JSON object sent."""

    token: ApiToken
    key: str | None
    payload: dict


def prepare() -> WriteRequest | Response:
    """The authenticated write request, or the response to send instead (401, 422, or a replay)."""
    token = authenticate()
    if token is None:
        return error(401, _("Send a valid API token: Authorization: Bearer <token>."))
    services.touch_token(token)  # committed with the request: refused calls (422, 409, replay) used it too
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is not None and len(key) > IDEMPOTENCY_KEY_MAX:
        return error(422, _("The Idempotency-Key is too long."), {"Idempotency-Key": [
            _("Use at most %(n)s characters.", n=IDEMPOTENCY_KEY_MAX)]})
    if key is not None:
        replayed = replay(token, key)
        if replayed is not None:
            return replayed
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return error(422, _("The body must be a JSON object."), {"_schema": [_("Send a JSON object.")]})
    return WriteRequest(token, key, payload)


def refused(prepared: WriteRequest, exc: ServiceError) -> Response:
    """The answer to a service's refusal (already rolled back by `attempt`); the token's use is
    recorded again, since the rollback took it away."""
    services.touch_token(prepared.token)
    return service_error(exc)


def replay_first(*args, **kwargs) -> Response | None:
    """For `unit_of_work(on_integrity_error=...)`: the same Idempotency-Key committed first in a
    concurrent request; answer with what it stored (None when that is not what happened)."""
    token = g.get("api_token")
    key = request.headers.get("Idempotency-Key", "").strip()
    return replay(token, key) if token is not None and key else None


def created(body: dict, location: str) -> Response:
    """201 with the stored body and the new record's Location."""
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response
