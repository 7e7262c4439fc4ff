"""The write API for partner organizations: POST /pledges and POST /pledges/<ref>/progress-reports.

Bearer token (issued by an admin to one organization), rate limited per token, `Idempotency-Key`
for safe retries, 422 with per-field errors. Both endpoints feed the same schemas and services as
the HTML forms, so API submissions enter the same review queue.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from p2c.api import queries, services
from p2c.api.blueprint import bp, documented
from p2c.api.models import ApiToken
from p2c.core.errors import ServiceError
from p2c.core.i18n import current_language
from p2c.core.unit import commit, rollback
from p2c.extensions import db, limiter
from p2c.implementation.schemas import ProgressReportInputSchema
from p2c.pledges.models import Pledge
from p2c.pledges.schemas import PledgeInputSchema

IDEMPOTENCY_KEY_MAX = 100


class PledgeCreatedSchema(Schema):
    """A pledge received through the API; it is public only once the coalition team approves it."""

    reference = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "review status: submitted"})
    title = fields.String(required=True)
    submitted_at = fields.DateTime(required=True)


class ProgressReportCreatedSchema(Schema):
    """A progress report received through the API; it counts once the coalition team approves it."""

    reference = fields.String(required=True)
    pledge = fields.String(required=True, metadata={"description": "reference of the pledge"})
    period = fields.Integer(required=True)
    status = fields.String(required=True)
    submitted_at = fields.DateTime(required=True)


class ProgressReportBodySchema(ProgressReportInputSchema):
    """The progress report body, for the OpenAPI document (the real schema is built per pledge)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("pledge", None)
        super().__init__(*args, **kwargs)


def _plain_keys(value: Any) -> Any:
    """marshmallow keys list items by index (int) next to names (str): JSON needs one key type to sort."""
    if isinstance(value, dict):
        return {str(k): _plain_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_keys(v) for v in value]
    return value


def error(status: int, message: str, field_errors: dict | None = None, title: str | None = None):
    """A JSON error in the API's one format."""
    titles = {401: _("Authentication required"), 403: _("Access denied"), 404: _("Not found"),
              409: _("Conflict"), 422: _("Invalid input")}
    body: dict[str, Any] = {"status": status, "title": title or titles.get(status, _("Error")), "message": message}
    if field_errors is not None:
        body["fields"] = _plain_keys(field_errors)
    response = jsonify({"error": body})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="p2c"'
    return response


def service_error(exc: ServiceError):
    """A service's refusal in the API's format: one naming a field is invalid input (422 with `fields`)."""
    rollback()
    if exc.field:
        return error(422, exc.message, {exc.field: [exc.message]})
    return error(exc.status_code, exc.message)


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def rate_limit_key() -> str:
    """Limits count per token (hashed), falling back to the client address without one."""
    raw = _bearer()
    return "token:" + queries.hash_token(raw)[:32] if raw else "addr:" + (request.remote_addr or "")


def _write_limit() -> str:
    return current_app.config.get("API_WRITE_RATE_LIMIT", "120 per minute")


def _authenticate() -> ApiToken | None:
    token = queries.active_token(_bearer())
    g.api_token = token
    return token


def _fingerprint() -> str:
    return hashlib.sha256(request.method.encode() + request.path.encode() + b"\n" + request.get_data()).hexdigest()


def _replay(token: ApiToken, key: str):
    stored = queries.stored_response(token.organization_id, key)
    if stored is None or not stored.response:
        return None
    if stored.response.get("fingerprint") != _fingerprint():
        return error(409, _("This Idempotency-Key was already used for a different request."))
    response = jsonify(stored.response["body"])
    response.status_code = stored.response["status"]
    response.headers["Location"] = stored.response.get("location", "")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _prepare():
    """(token, key, payload) or an error response."""
    token = _authenticate()
    if token is None:
        return error(401, _("Send a valid API token: Authorization: Bearer <token>.")), None, None
    if services.touch_token(token):
        # Its own commit: a call refused below (422, 409, replay) rolls back, but it still used the token.
        commit()
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is not None and len(key) > IDEMPOTENCY_KEY_MAX:
        return error(422, _("The Idempotency-Key is too long."), {"Idempotency-Key": [
            _("Use at most %(n)s characters.", n=IDEMPOTENCY_KEY_MAX)]}), None, None
    if key is not None:
        replay = _replay(token, key)
        if replay is not None:
            return replay, None, None
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return error(422, _("The body must be a JSON object."), {"_schema": [_("Send a JSON object.")]}), None, None
    return token, key, payload


def _commit_or_replay(token: ApiToken, key: str | None, body: dict, location: str):
    try:
        commit()
    except IntegrityError:
        # The same key committed first in a concurrent request: answer with what it stored.
        rollback()
        replay = _replay(token, key) if key else None
        if replay is None:
            raise
        return replay
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response


def _pledge_body(pledge: Pledge) -> tuple[dict, str]:
    body = PledgeCreatedSchema().dump({"reference": pledge.reference, "status": str(pledge.status),
                                       "title": pledge.title, "submitted_at": pledge.submitted_at})
    return body, url_for("api.get_pledge", ref=pledge.reference, _external=True)


def _report_body(report) -> tuple[dict, str]:
    body = ProgressReportCreatedSchema().dump({
        "reference": report.reference, "pledge": report.pledge.reference, "period": report.period,
        "status": str(report.status), "submitted_at": report.submitted_at})
    return body, url_for("api.get_pledge", ref=report.pledge.reference, _external=True)


@bp.post("/pledges")
@documented("/pledges", "post", summary="Submit a pledge for review (partner organizations)", tags=["write"],
            body_schema=PledgeInputSchema, responses={201: PledgeCreatedSchema, 409: None}, auth=True,
            description="The lead organization is the token's organization (lead_* fields are replaced). "
                        "The pledge enters the coalition team's review queue, like one from the form; it "
                        "becomes public when approved. Field names and rules are those of the pledge form.")
@limiter.limit(_write_limit, key_func=rate_limit_key)
def create_pledge():
    """Submit a pledge on behalf of the token's organization."""
    token, key, payload = _prepare()
    if payload is None:
        return token
    org = token.organization
    payload.update(lead_name=org.name, lead_acronym=org.acronym or "",
                   lead_stakeholder_group=org.stakeholder_group_code, lead_country=org.country_iso3,
                   lead_website=org.website or "")
    try:
        data = PledgeInputSchema().load(payload)
    except ValidationError as exc:
        return error(422, _("Some fields are not valid."), exc.messages)
    try:
        _pledge, body = services.submit_pledge(token, data, key=key, fingerprint=_fingerprint(),
                                               ui_language=current_language(), render=_pledge_body)
    except ServiceError as exc:
        return service_error(exc)
    return _commit_or_replay(token, key, body, _pledge_body(_pledge)[1])


@bp.post("/pledges/<ref>/progress-reports")
@documented("/pledges/{ref}/progress-reports", "post", summary="File a progress report on a pledge",
            tags=["write"], body_schema=ProgressReportBodySchema,
            responses={201: ProgressReportCreatedSchema, 403: None, 404: None, 409: None, 422: None}, auth=True,
            description="For an approved pledge led by (or partnered with) the token's organization. One "
                        "report per pledge and year: a year already reported (pending or approved) gets 422 "
                        "with `fields.period`. The report enters the review queue like one from the private "
                        "link; 409 when the pledge is not approved.")
@limiter.limit(_write_limit, key_func=rate_limit_key)
def create_progress_report(ref: str):
    """File a yearly progress report on one of the organization's pledges."""
    token, key, payload = _prepare()
    if payload is None:
        return token
    pledge = db.session.scalar(select(Pledge).where(Pledge.reference == ref.upper()))
    if pledge is None:
        return error(404, _("No pledge has this reference."))
    if not services.may_report_on(token, pledge):
        return error(403, _("This pledge does not belong to your organization."))
    try:
        data = ProgressReportInputSchema(pledge=pledge).load(payload)
    except ValidationError as exc:
        return error(422, _("Some fields are not valid."), exc.messages)
    try:
        report, body = services.submit_progress_report(token, pledge, data, key=key, fingerprint=_fingerprint(),
                                                       render=_report_body)
    except ServiceError as exc:
        return service_error(exc)
    return _commit_or_replay(token, key, body, _report_body(report)[1])
