"""Writes of the API plumbing: issuing and revoking tokens, and recording idempotent API results.

A feature's write service (e.g. `p2c.pledges.services.submit_through_api`) calls its own service
(the same one the HTML forms use), then `remember` to store the response under the
Idempotency-Key in the same transaction. Services never commit.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from p2c.api.models import ApiToken
from p2c.api.queries import IDEMPOTENCY_SCOPE, hash_token, idempotency_record_key
from p2c.core import audit
from p2c.core.db import utcnow
from p2c.core.models import IdempotencyKey
from p2c.extensions import db
from p2c.members.models import Organization

TOKEN_PREFIX = "p2c_"  # noqa: S105 - a visible marker, not a secret


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


def remember(token: ApiToken, key: str | None, fingerprint: str, result_type: str, result_id: int,
             status: int, body: dict[str, Any], location: str) -> None:
    """Record the token's use and, under its Idempotency-Key, the response a retry must get again
    (in the same transaction as the write it answers)."""
    token.last_used_at = utcnow()
    if key:
        db.session.add(IdempotencyKey(
            key=idempotency_record_key(token.organization_id, key), scope=IDEMPOTENCY_SCOPE,
            result_type=result_type, result_id=result_id,
            response={"status": status, "body": body, "fingerprint": fingerprint, "location": location}))
    db.session.flush()


def actor_label(token: ApiToken) -> str:
    """Who acted, for the audit trail: the token's prefix and its organization."""
    return f"api token {token.prefix} ({token.organization.name})"[:254]
