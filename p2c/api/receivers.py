"""How API tokens follow an organization merge (answers to `p2c.core.signals`; wired by the app factory)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from p2c.api.models import ApiToken
from p2c.core.signals import organization_usage, organizations_merged
from p2c.extensions import db


def _move_tokens(sender: Any, keep_id: int, merged_id: int, **extra: Any) -> None:
    """The merged organization's tokens keep working, for the organization kept."""
    db.session.execute(update(ApiToken).where(ApiToken.organization_id == merged_id)
                       .values(organization_id=keep_id).execution_options(synchronize_session=False))


def _count_tokens(sender: Any, organization_id: int, **extra: Any) -> dict[str, int]:
    """{"api_tokens": n}: the organization's tokens (shown before a merge)."""
    n = db.session.scalar(select(func.count()).where(ApiToken.organization_id == organization_id)) or 0
    return {"api_tokens": n}


def connect() -> None:
    """Connect the receivers (idempotent)."""
    organizations_merged.connect(_move_tokens)
    organization_usage.connect(_count_tokens)
