"""Plumbing of the write API, used by each feature's write endpoints (`p2c/<feature>/api.py`).

Bearer token (issued by an admin to one organization), rate limit per token, `Idempotency-Key` for
safe retries: `prepare()` authenticates and answers a replay; `commit_or_replay()` commits the
handler's work and answers with what a concurrent request with the same key stored first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from p2c.api import queries, services
from p2c.api.errors import error
from p2c.api.errors import service_error as _service_error
from p2c.api.models import ApiToken
from p2c.core.errors import ServiceError
from p2c.core.unit import commit, rollback

IDEMPOTENCY_KEY_MAX = 100


def service_error(exc: ServiceError):
    """Roll back the refused write and answer in the API's format."""
    rollback()
    return _service_error(exc)


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
    if services.touch_token(token):
        # Its own commit: a call refused below (422, 409, replay) rolls back, but it still used the token.
        commit()
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


def commit_or_replay(token: ApiToken, key: str | None, body: dict, location: str):
    """Commit the handler's work and answer 201 with `body`; if a concurrent request with the same
    key committed first (unique key violation), answer with what it stored instead."""
    try:
        commit()
    except IntegrityError:
        # The same key committed first in a concurrent request: answer with what it stored.
        rollback()
        replayed = replay(token, key) if key else None
        if replayed is None:
            raise
        return replayed
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response
