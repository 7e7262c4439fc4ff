"""Review decisions, assignment, messages and bulk approval. Services never commit.

Every decision goes through `decide()`: the transition comes from `p2c.core.workflow.next_status`
(the only place transitions live), the record's version is checked against the one the reviewer
saw (optimistic lock), the kind's hooks run, `submission_decided` is sent before the commit so
receivers write in the same transaction, the submitter is e-mailed in the submission's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from p2c.accounts.models import User
from p2c.core import audit
from p2c.core import submissions as registry
from p2c.core.db import utcnow
from p2c.core.enums import CommentVisibility, ReviewStatus, SubmissionKind
from p2c.core.errors import Conflict, NotFound, ServiceError
from p2c.core.signals import submission_decided
from p2c.core.workflow import MESSAGE_REQUIRED, STAFF_ACTIONS, Action, next_status
from p2c.extensions import db
from p2c.review import notifications
from p2c.review.models import Comment
from p2c.review.queries import MAX_ID

MESSAGE_MAX = 5000
FINAL = (ReviewStatus.APPROVED, ReviewStatus.REJECTED)
# The mail template sent for each decision (none when the submitter need not hear about it).
DECISION_MAIL = {
    Action.APPROVE: "review_approved",
    Action.REJECT: "review_rejected",
    Action.REQUEST_CHANGES: "review_changes_requested",
}


def load(kind: SubmissionKind | str, record_id: int) -> tuple[registry.SubmissionType, Any]:
    """The registered type and record; ServiceError(404) when either is unknown."""
    try:
        stype = registry.get(kind)
    except (KeyError, ValueError):
        raise _not_found() from None
    record = db.session.get(stype.model, record_id) if 0 < record_id <= MAX_ID else None
    if record is None:
        raise _not_found()
    return stype, record


def _not_found() -> NotFound:
    return NotFound(_("This submission does not exist."))


def check_version(record: Any, expected_version: int | None) -> None:
    """Conflict when the record changed since the reviewer loaded it."""
    if expected_version is not None and record.version != expected_version:
        raise Conflict()


def _flush() -> None:
    # The version check above catches most races; a race between check and write ends here.
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict() from None


@dataclass(frozen=True)
class Decision:
    """What a decision did."""

    old: ReviewStatus
    new: ReviewStatus
    record: Any


def decide(kind: SubmissionKind | str, record_id: int, action: Action | str, message: str = "",
           expected_version: int | None = None, actor: User | None = None) -> Decision:
    """Apply a staff action to a submission.

    Raises NotAllowed (nothing changes) when the action is not possible from the record's status,
    Conflict when the record changed since `expected_version`, ServiceError(field="message") when
    a reject or request-changes comes without a message.
    """
    stype, record = load(kind, record_id)
    action = Action(action)
    message = (message or "").strip()
    if action not in STAFF_ACTIONS:
        raise ServiceError(_("Only the submitter can do this."))
    check_version(record, expected_version)
    old = ReviewStatus(record.status)
    new = next_status(old, action)
    if action in MESSAGE_REQUIRED and not message:
        text = _("Please give the reason for rejecting.") if action == Action.REJECT else \
            _("Please say what the submitter should change.")
        raise ServiceError(text, field="message")
    if len(message) > MESSAGE_MAX:
        raise ServiceError(_("The message is too long (at most %(max)d characters).", max=MESSAGE_MAX),
                           field="message")
    record.status = new
    if new in FINAL:
        record.decided_at = utcnow()
    if actor is not None and record.assignee_id is None:
        record.assignee_id = actor.id  # whoever acts first owns the record
    if new == ReviewStatus.APPROVED:
        # Organization details a submission proposes reach the record only here (review's own effect).
        from p2c.review.organizations import APPROVAL_EFFECTS

        APPROVAL_EFFECTS.get(stype.kind, lambda r: None)(record)
        stype.on_approve(record)
    stype.on_decided(record, old, new)
    if message:
        db.session.add(Comment(subject_kind=stype.kind, subject_id=record.id, body=message,
                               visibility=CommentVisibility.TO_SUBMITTER, author_id=actor.id if actor else None,
                               author_label=actor.email[:40] if actor else ""))
    _flush()
    audit.record(action.value, stype.kind.value, record.id, label=record.reference,
                 before={"status": old.value}, after={"status": new.value, "message": message})
    if action in DECISION_MAIL:
        notifications.mail_submitter(stype, record, DECISION_MAIL[action], message)
    submission_decided.send(current_app._get_current_object(), kind=stype.kind, record=record, old=old, new=new)
    return Decision(old=old, new=new, record=record)


def assign(kind: SubmissionKind | str, record_id: int, user: User | None, expected_version: int | None = None,
           actor: User | None = None) -> Any:
    """Assign a record to `user` (None: unassign)."""
    stype, record = load(kind, record_id)
    check_version(record, expected_version)
    before = record.assignee_id
    record.assignee_id = user.id if user is not None else None
    _flush()
    audit.record("assign", stype.kind.value, record.id, label=record.reference,
                 before={"assignee_id": before}, after={"assignee_id": record.assignee_id,
                                                        "assignee": user.email if user else None})
    return record


def add_comment(kind: SubmissionKind | str, record_id: int, body: str, visibility: CommentVisibility | str,
                actor: User | None = None) -> Comment:
    """Add a message to the submitter (e-mailed) or an internal note (never sent)."""
    stype, record = load(kind, record_id)
    body = (body or "").strip()
    visibility = CommentVisibility(visibility)
    if not body:
        raise ServiceError(_("Please write a message."), field="body")
    if len(body) > MESSAGE_MAX:
        raise ServiceError(_("The message is too long (at most %(max)d characters).", max=MESSAGE_MAX),
                           field="body")
    comment = Comment(subject_kind=stype.kind, subject_id=record.id, body=body, visibility=visibility,
                      author_id=actor.id if actor else None, author_label=actor.email[:40] if actor else "")
    db.session.add(comment)
    db.session.flush()
    audit.record("comment", stype.kind.value, record.id, label=record.reference,
                 after={"visibility": visibility.value, "comment_id": comment.id})
    if visibility == CommentVisibility.TO_SUBMITTER:
        notifications.mail_submitter(stype, record, "review_message", body)
    return comment


@dataclass(frozen=True)
class BulkItem:
    """One selected queue row: kind, id and the version the reviewer saw."""

    kind: str
    id: int
    version: int

    @classmethod
    def parse(cls, value: str) -> BulkItem | None:
        """'pledge:12:3' -> BulkItem; None for anything malformed."""
        parts = (value or "").split(":")
        if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
            return None
        return cls(parts[0], int(parts[1]), int(parts[2]))

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}:{self.version}"


def bulk_approve(items: list[BulkItem], actor: User | None = None) -> list[Decision]:
    """Approve every selected record, or none: the first refusal (not allowed, conflict) stops all."""
    if not items:
        raise ServiceError(_("Select at least one submission."))
    decisions = []
    for item in items:
        try:
            decisions.append(decide(item.kind, item.id, Action.APPROVE, "", item.version, actor))
        except ServiceError as exc:
            _stype, record = load(item.kind, item.id)
            exc.message = _("%(reference)s: %(reason)s Nothing was approved.",
                            reference=record.reference, reason=exc.message)
            raise
    return decisions
