"""Reads for the write API: token look-up and stored idempotent responses."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from p2c.api.models import ApiToken
from p2c.core.models import IdempotencyKey
from p2c.extensions import db

IDEMPOTENCY_SCOPE = "api"


def hash_token(raw: str) -> str:
    """SHA-256 hex digest of a token: the only form in which tokens are stored."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def active_token(raw: str) -> ApiToken | None:
    """The unrevoked token with this value, or None."""
    if not raw:
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw),
                                                    ApiToken.revoked_at.is_(None)))


def idempotency_record_key(organization_id: int, key: str) -> str:
    """Keys are namespaced per organization, so partners cannot see or block each other's keys."""
    return f"api:{organization_id}:{key}"


def stored_response(organization_id: int, key: str) -> IdempotencyKey | None:
    """The response stored for this organization's Idempotency-Key, if it was seen."""
    return db.session.get(IdempotencyKey, (idempotency_record_key(organization_id, key), IDEMPOTENCY_SCOPE))


def tokens() -> list[ApiToken]:
    """Every token, newest first (for the admin page)."""
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))
