"""The audit trail: services call `record()` for every create, edit, transition, merge and login."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event

from p2c.core.models import AuditEvent
from p2c.extensions import db

# The readable title of every action code services record (history panels, the admin audit log).
# A code missing here is shown as is: add its title when adding a new code.
ACTION_TITLES = {
    # review decisions (p2c.core.workflow.Action values) and the record page
    "start_review": _l("Review started"),
    "approve": _l("Approved"),
    "reject": _l("Rejected"),
    "request_changes": _l("Changes requested"),
    "resubmit": _l("Resubmitted"),
    "withdraw": _l("Withdrawn"),
    "assign": _l("Assignment changed"),
    "comment": _l("Message or internal note added"),
    "message": _l("Message from the focal point"),
    "send_links": _l("Private links sent"),
    "amend": _l("Amended"),
    "handover_proposed": _l("Successor named"),
    "handover": _l("Handed over to a successor"),
    "reassign_contact": _l("Focal point changed by the coalition team"),
    "partner_contact": _l("Partner contact changed"),
    "partner_contribution": _l("Contribution from a partner"),
    # records
    "create": _l("Created"),
    "edit": _l("Edited"),
    "merge": _l("Organizations merged"),
    "import": _l("Imported"),
    "pledge.progress_updated": _l("Pledge progress updated"),
    "pledge.reminders_sent": _l("Reporting reminders sent"),
    "progress_report.submitted": _l("Progress report submitted"),
    "progress_report.resubmitted": _l("Progress report resubmitted"),
    "publication.published": _l("Report published"),
    # Written by migration 0008_revfix_whole_counts (counts typed before the whole-number rule).
    "migrate.whole_counts": _l("Counts rounded to whole numbers"),
    "verification.assign": _l("Assigned for independent verification"),
    "verification.decide": _l("Independent verification decided"),
    "schedule_announcement": _l("Announcement time set"),
    "api_token.issue": _l("API token issued"),
    "api_token.revoke": _l("API token revoked"),
    "follow.confirmed": _l("Following confirmed by e-mail"),
    "follow.stopped": _l("Following stopped"),
    "introduction.requested": _l("Introduction requested"),
    "introduction.introduced": _l("Introduced by e-mail"),
    "introduction.outcome": _l("Outcome of an introduction recorded"),
    # staff accounts
    "login": _l("Signed in"),
    "logout": _l("Signed out"),
    "login_failed": _l("Failed sign-in"),
    "login_locked": _l("Sign-in blocked after repeated failures"),
    "password_change": _l("Password changed"),
    "set_password": _l("Password set from an invitation"),
    "invite": _l("Staff member invited"),
    "change_role": _l("Role changed"),
    "deactivate": _l("Account deactivated"),
    "reactivate": _l("Account reactivated"),
}


def action_title(code: str) -> str:
    """The translated title of an audit action code, or the code itself when it has none."""
    title = ACTION_TITLES.get(code)
    return str(title) if title is not None else code


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
    """JSON-safe copy of a value (Decimal, dates, times of day, enums)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime | time):
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
