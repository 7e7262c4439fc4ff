"""The audit trail: services call `record()` for every create, edit, transition, merge and login."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event

from p2c.core.models import AuditEvent
from p2c.extensions import db


class AuditImmutable(RuntimeError):
    """Raised when code tries to change or delete a recorded audit event."""


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target: AuditEvent) -> None:
    """The trail is append-only: an ORM UPDATE of an event is a bug, so it fails loudly."""
    raise AuditImmutable(f"audit event {target.id} is append-only")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target: AuditEvent) -> None:
    """The trail is append-only: an ORM DELETE of an event is a bug, so it fails loudly."""
    raise AuditImmutable(f"audit event {target.id} is append-only")


def _plain(value: Any) -> Any:
    """JSON-safe copy of a value (Decimal, dates, enums)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any, fields: list[str]) -> dict:
    """The named attributes of a model instance, JSON-safe, for before/after."""
    return {name: _plain(getattr(obj, name, None)) for name in fields}


def record(
    action: str,
    subject_type: str,
    subject_id: int | None,
    *,
    label: str = "",
    before: dict | None = None,
    after: dict | None = None,
    actor_label: str | None = None,
    actor_user_id: int | None = None,
) -> AuditEvent:
    """Append an audit event. The actor and address come from the request when there is one."""
    ip = ""
    if has_request_context():
        ip = request.remote_addr or ""
        if actor_user_id is None and current_user and current_user.is_authenticated:
            actor_user_id = current_user.id
            actor_label = actor_label or current_user.email
    event = AuditEvent(
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=label[:300],
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        actor_user_id=actor_user_id,
        actor_label=(actor_label or "system")[:254],
        ip_address=ip[:64],
    )
    db.session.add(event)
    return event
