"""Writes of the API feature: issuing and revoking tokens, and recording idempotent API results.

The write endpoints call one function here, which calls the feature's own service (the same one
the HTML forms use) and stores the response under the Idempotency-Key in the same transaction.
Services never commit.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _

from p2c.api.models import ApiToken
from p2c.api.queries import IDEMPOTENCY_SCOPE, hash_token, idempotency_record_key
from p2c.core import audit
from p2c.core.db import utcnow
from p2c.core.errors import ServiceError
from p2c.core.models import IdempotencyKey
from p2c.extensions import db
from p2c.implementation import services as implementation
from p2c.implementation.models import ProgressReport
from p2c.members.models import Organization
from p2c.pledges import services as pledges
from p2c.pledges.models import Pledge

TOKEN_PREFIX = "p2c_"  # noqa: S105 - a visible marker, not a secret


class Forbidden(ServiceError):
    """The token's organization may not act on this record."""

    status_code = 403


def issue_token(organization: Organization, name: str, created_by_id: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for an organization; returns (token row, the secret shown once)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(organization=organization, name=name, token_hash=hash_token(raw), prefix=raw[:12],
                     created_by_id=created_by_id)
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.issue", "api_token", token.id, label=f"{name} ({organization.name})",
                 after={"organization_id": organization.id, "name": name, "prefix": token.prefix})
    return token, raw


def revoke_token(token: ApiToken) -> ApiToken:
    """Revoke a token (idempotent)."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = utcnow()
    db.session.flush()
    audit.record("api_token.revoke", "api_token", token.id, label=f"{token.name} ({token.prefix})")
    return token


TOUCH_INTERVAL = timedelta(minutes=1)


def touch_token(token: ApiToken) -> bool:
    """Record that the token was used (any authenticated call, even one refused later).

    At most once a minute per token, so a busy integration does not write a row on every request.
    Returns True when it changed the token (the caller commits).
    """
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_INTERVAL:
        return False
    token.last_used_at = now
    db.session.flush()
    return True


def _remember(token: ApiToken, key: str | None, fingerprint: str, result_type: str, result_id: int,
              status: int, body: dict[str, Any], location: str) -> None:
    token.last_used_at = utcnow()
    if key:
        db.session.add(IdempotencyKey(
            key=idempotency_record_key(token.organization_id, key), scope=IDEMPOTENCY_SCOPE,
            result_type=result_type, result_id=result_id,
            response={"status": status, "body": body, "fingerprint": fingerprint, "location": location}))
    db.session.flush()


def _actor(token: ApiToken) -> str:
    return f"api token {token.prefix} ({token.organization.name})"[:254]


def submit_pledge(token: ApiToken, data: dict, *, key: str | None, fingerprint: str, ui_language: str,
                  render: Any) -> tuple[Pledge, dict[str, Any]]:
    """Submit a pledge for review through the pledge form's service; `render(pledge)` gives (body, location)."""
    pledge, _created = pledges.create_pledge(data, ui_language=ui_language, actor_label=_actor(token))
    body, location = render(pledge)
    _remember(token, key, fingerprint, "pledge", pledge.id, 201, body, location)
    return pledge, body


def may_report_on(token: ApiToken, pledge: Pledge) -> bool:
    """The token's organization leads the pledge or is one of its partners."""
    return token.organization_id == pledge.lead_organization_id or token.organization_id in {
        p.id for p in pledge.partners}


def submit_progress_report(token: ApiToken, pledge: Pledge, data: dict, *, key: str | None, fingerprint: str,
                           render: Any) -> tuple[ProgressReport, dict[str, Any]]:
    """File a progress report through the private link's service, for a pledge of the token's organization."""
    if not may_report_on(token, pledge):
        raise Forbidden(_("This pledge does not belong to your organization."))
    language = pledge.focal_point.language or "en"
    report = implementation.file_report(pledge, data, language, actor_label=_actor(token))
    body, location = render(report)
    _remember(token, key, fingerprint, "progress_report", report.id, 201, body, location)
    return report, body
